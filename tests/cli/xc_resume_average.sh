#!/usr/bin/env bash
# The running mean of --average-epochs survives an interruption: a one-thread run killed (SIGKILL)
# inside the averaging window and resumed from its checkpoint writes the same model, byte for
# byte, as an uninterrupted run (exact output mode, where averaging is on by default).
source "$(dirname "$0")/common.bash"

data=$SLIDE_SOURCE_DIR/corpora/bibtex
args=(-i "$data/bibtex_train.txt.zst" -e 4 --average-epochs 2 --threads 1 --seed 5 --eval-rows 0 -q)
expect_exit 0 "$SLIDE_XC" train "${args[@]}" -o "$work/reference" || { finish; exit 1; }

ckpt=$work/ckpt
# 4 epochs of 4,880 rows in batches of 128: 156 steps, averaging from step 78 on.
killed=0
for attempt in 1 2 3; do
  rm -f "$ckpt" "$work/model"
  "$SLIDE_XC" train "${args[@]}" -o "$work/model" --checkpoint "$ckpt" \
    --checkpoint-every-batches 1 &
  pid=$!
  for _ in $(seq 3000); do
    [ "$(checkpoint_step "$ckpt")" -ge 110 ] && break
    kill -0 $pid 2>/dev/null || break
    sleep 0.01
  done
  if kill -KILL $pid 2>/dev/null; then
    wait $pid 2>/dev/null
    killed=1
    break
  fi
  wait $pid
done
if [ $killed -eq 0 ]; then
  echo "note: every run finished before step 110 was checkpointed; the kill was not exercised"
else
  step=$(checkpoint_step "$ckpt")
  [ "$step" -ge 78 ] || fail "killed at step $step, before the averaging window"
  rm -f "$work"/.*.tmp.*
  expect_exit 0 "$SLIDE_XC" train "${args[@]}" -o "$work/model" --checkpoint "$ckpt" --resume
  cmp -s "$work/reference" "$work/model" ||
    fail "the run resumed from step $step wrote another model than the uninterrupted run"
fi
finish
