#!/usr/bin/env bash
# slide-xc train: SIGINT saves a checkpoint and exits 130 (SIGTERM: 143) without writing the
# model; --resume continues from the checkpoint to the requested epochs and writes the model.
source "$(dirname "$0")/common.bash"

data=$SLIDE_SOURCE_DIR/corpora/delicious
train=$data/delicious_train.txt.zst

for signal in INT TERM; do
  want=130; [ $signal = TERM ] && want=143
  rm -f "$work/model" "$work/ckpt"
  "$SLIDE_XC" train -i "$train" -o "$work/model" --checkpoint "$work/ckpt" -e 50 --threads 1 \
    >"$work/out" 2>"$work/err" &
  pid=$!
  # Wait until training has started (the progress meter or an epoch line), then interrupt.
  for _ in $(seq 100); do
    grep -q 'reading' "$work/err" && break
    sleep 0.1
  done
  sleep 1.5
  kill -$signal $pid
  wait $pid
  got=$?
  [ $got -eq $want ] || fail "SIG$signal: exit $got, expected $want; stderr: $(tail -c 300 "$work/err")"
  [ -e "$work/model" ] && fail "SIG$signal: a model was written"
  [ -s "$work/ckpt" ] || fail "SIG$signal: no checkpoint"
  grep -q 'checkpoint saved' "$work/err" || fail "SIG$signal: no message: $(tail -c 300 "$work/err")"
done

# A flag that contradicts the checkpoint is refused with one line; the structural options come
# from the checkpoint (Delicious trains in exact mode: 256 hidden units).
expect_exit 64 "$SLIDE_XC" train -i "$train" -o "$work/model" --checkpoint "$work/ckpt" -e 2 \
  --threads 1 --resume --hidden 64 &&
  { grep -qx "slide-xc: --hidden 64 contradicts the checkpoint $work/ckpt (trained with 256)" \
      "$work/err" || fail "contradicting flag: $(cat "$work/err")"; }

# Resume to 1 epoch (the interrupted run was in its first epoch or later).
expect_exit 0 "$SLIDE_XC" train -i "$train" -o "$work/model" --checkpoint "$work/ckpt" -e 2 \
  --threads 1 --resume &&
  { grep -q 'resuming from' "$work/err" || fail "no resume message: $(cat "$work/err")"; }
[ -s "$work/model" ] || fail "the resumed run wrote no model"
[ -e "$work/ckpt" ] && fail "the checkpoint was left after the model was written"
expect_exit 0 "$SLIDE_XC" test -m "$work/model" -i "$data/delicious_test.txt.zst" --metrics p@1 &&
  awk '$1 == "P@1:" { exit !($2 > 0.4) }' "$work/out" || fail "resumed model: $(cat "$work/out")"

# Timed checkpoints within an epoch: a one-epoch run killed outright (no handler runs) has left
# one, and it resumes.
rm -f "$work/ckpt"
"$SLIDE_XC" train -i "$train" -o "$work/model3" --checkpoint "$work/ckpt" -e 1 --threads 1 -q \
  --checkpoint-every 0.005 &
pid=$!
for _ in $(seq 100); do
  [ -s "$work/ckpt" ] && break
  sleep 0.1
done
kill -KILL $pid 2>/dev/null
wait $pid 2>/dev/null
if [ -e "$work/model3" ]; then
  echo "note: the epoch finished before a checkpoint was seen; timed-checkpoint check skipped"
else
  [ -s "$work/ckpt" ] || fail "no timed checkpoint within the epoch"
  expect_exit 0 "$SLIDE_XC" train -i "$train" -o "$work/model3" --checkpoint "$work/ckpt" -e 1 \
    --threads 1 --resume
  [ -s "$work/model3" ] || fail "resuming from a timed checkpoint wrote no model"
fi

# Resuming without a checkpoint, or from a checkpoint of other data, fails cleanly.
expect_exit 66 "$SLIDE_XC" train -i "$train" -o "$work/model2" --checkpoint "$work/none" --resume
finish
