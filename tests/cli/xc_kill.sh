#!/usr/bin/env bash
# slide-xc train killed with SIGKILL at random moments (during training and during checkpoint
# and model writes: --checkpoint-every-batches 2 --checkpoint-model make writes a large part of
# the run) never leaves a corrupt checkpoint or model: after every kill the model present loads
# (predict), and the run resumes from the checkpoint present. With one thread the run that was
# killed and resumed KILLS times writes the same model, byte for byte, as an uninterrupted run,
# with LSH rehashes and rebuilds before and after the interruptions (the schedule and tables are
# in the checkpoint).
#
# KILLS (default 20) random kill points; SLIDE_KILL_SEED seeds them (default: the time).
source "$(dirname "$0")/common.bash"

kills=${KILLS:-20}
seed=${SLIDE_KILL_SEED:-$(date +%s)}
RANDOM=$seed
data=$SLIDE_SOURCE_DIR/corpora/bibtex
train=$data/bibtex_train.txt.zst
# LSH output (bibtex has 159 labels) with a schedule that refreshes often: rehashes every few
# batches, and every second refresh draws new functions.
args=(-i "$train" --output-mode lsh --hash-family dwta --k 3 --l 8 --bin-size 4 --active-size 40
      --rehash-period 3 --rehash-growth 1.3 --rebuild-every 2 --batch-size 64 -e 4 --threads 1
      --seed 7 --eval-rows 0 -q)

expect_exit 0 "$SLIDE_XC" train "${args[@]}" -o "$work/reference" || { finish; exit 1; }

ckpt=$work/ckpt
model=$work/model
killed=0 during_write=0 loads=0 runs=0 steps=""
while :; do
  runs=$((runs + 1))
  [ $runs -gt $((kills * 2 + 10)) ] && { fail "no end after $runs runs"; break; }
  resume=(); [ -e "$ckpt" ] && resume=(--resume)
  if [ $killed -ge "$kills" ]; then
    # Enough kills: run to the end.
    expect_exit 0 "$SLIDE_XC" train "${args[@]}" -o "$model" --checkpoint "$ckpt" \
      --checkpoint-every-batches 2 --checkpoint-model "${resume[@]}"
    break
  fi
  before=$(checkpoint_step "$ckpt")
  "$SLIDE_XC" train "${args[@]}" -o "$model" --checkpoint "$ckpt" --checkpoint-every-batches 2 \
    --checkpoint-model "${resume[@]}" >"$work/out" 2>"$work/err" &
  pid=$!
  # Once this run has written a checkpoint of its own (it is training), kill it 0 to 150 ms
  # later: inside a batch, a rehash, or a checkpoint or model write.
  for _ in $(seq 3000); do
    [ "$(checkpoint_step "$ckpt")" -gt "$before" ] && break
    kill -0 $pid 2>/dev/null || break
    sleep 0.01
  done
  sleep "$(printf '0.%03d' $((RANDOM % 150)))"
  if kill -KILL $pid 2>/dev/null; then
    wait $pid 2>/dev/null
    killed=$((killed + 1))
  else
    wait $pid
    code=$?
    [ $code -eq 0 ] || { fail "run $runs exited $code: $(head -c 300 "$work/err")"; break; }
    # The run ended before the kill: start over from scratch for more kill points.
    rm -f "$ckpt" "$model"
    continue
  fi
  # A kill inside a checkpoint write leaves its temporary (never the target) behind. (The
  # model's temporary is created at start, so it is always there.)
  if compgen -G "$work/.ckpt.tmp.*" >/dev/null; then during_write=$((during_write + 1)); fi
  rm -f "$work"/.*.tmp.*
  steps+=" $(checkpoint_step "$ckpt")"
  if [ -e "$model" ]; then
    expect_exit 0 "$SLIDE_XC" predict -m "$model" -i "$data/bibtex_test.txt.zst" -o "$work/pred" \
      --threads 1 -q || fail "kill $killed left a model that does not load"
    loads=$((loads + 1))
  fi
done
[ -e "$ckpt" ] && fail "the checkpoint was left after the model was written"
cmp -s "$work/reference" "$model" ||
  fail "the model after $killed kills differs from the uninterrupted run's (kill seed $seed)"
echo "kills: $killed ($during_write inside a checkpoint write), model loads after a kill: $loads," \
  "runs: $runs, kill seed $seed; checkpoint step after each kill:$steps"
finish
