#!/usr/bin/env bash
# slide-xc train and SIGINT/SIGTERM at awkward moments:
#   1. during the evaluation after an epoch: the run stops at the end of that evaluation with
#      exit 143 and a checkpoint of the finished epoch; resumed, it writes (one thread) the model
#      of an uninterrupted run byte for byte;
#   2. at random moments of a run that checkpoints every batch (so most signals land inside a
#      checkpoint write): exit 130/143 each time, no model, and the checkpoint resumes;
#   3. two signals in a row: the second ends the process at once, and the checkpoint path holds
#      the previous complete checkpoint (or nothing), never a partial file.
source "$(dirname "$0")/common.bash"
RANDOM=${SLIDE_KILL_SEED:-$(date +%s)}

# A checkpoint is complete when it loads (the container checks every CRC on open; slide-xc
# loads a checkpoint as a model).
check_checkpoint() {
  "$SLIDE_XC" test -m "$1" -i "$work/tiny.txt" --metrics p@1 >"$work/cout" 2>"$work/cerr" ||
    fail "$2: the checkpoint does not load: $(cat "$work/cerr")"
}
printf '1 3 2\n0 0:1 1:0.5\n' >"$work/tiny.txt"

# --- 1. A signal during the evaluation. Generated data: 256 training rows (2 batches), 3000
# test rows over 20000 labels, so that the exact evaluation takes far longer than the batches.
awk -v seed=11 'function row(n,   i, f, l, s) {
    s = ""; l = int(rand() * 20000)
    s = l "," (l + 1 + int(rand() * 100)) % 20000
    for (i = 0; i < 8; i++) s = s " " (i * 60 + int(rand() * 60)) ":" sprintf("%.3f", rand())
    return s }
  BEGIN { srand(seed)
    print 256, 480, 20000 > "'"$work"'/g_train.txt"
    for (n = 0; n < 256; n++) print row(n) > "'"$work"'/g_train.txt"
    print 3000, 480, 20000 > "'"$work"'/g_test.txt"
    for (n = 0; n < 3000; n++) print row(n) > "'"$work"'/g_test.txt" }'
# Labels "a,b" must be distinct and increasing for some readers: keep rows where they are.
for f in g_train g_test; do
  awk 'NR == 1 { print; next } { split($1, l, ","); if (l[1] + 0 < l[2] + 0) print }' \
    "$work/$f.txt" >"$work/$f.tmp"
  n=$(($(wc -l <"$work/$f.tmp") - 1))
  { echo "$n 480 20000"; tail -n +2 "$work/$f.tmp"; } >"$work/$f.txt"
done
gargs=(-i "$work/g_train.txt" -t "$work/g_test.txt" --eval-rows 3000 --output-mode lsh
       --active-size 200 --batch-size 128 -e 2 --threads 1 --seed 3 -q)
expect_exit 0 "$SLIDE_XC" train "${gargs[@]}" -o "$work/g_reference"
"$SLIDE_XC" train "${gargs[@]}" -o "$work/g_model" --checkpoint "$work/g_ckpt" \
  --log "$work/g_log" >"$work/out" 2>"$work/err" &
pid=$!
# The log has its header and one line per batch: with both batches of epoch 1 logged and no
# evaluation line yet, the run is evaluating.
for _ in $(seq 2000); do
  [ -e "$work/g_log" ] && [ "$(wc -l <"$work/g_log")" -ge 3 ] && break
  sleep 0.005
done
kill -TERM $pid
wait $pid
code=$?
[ $code -eq 143 ] || fail "SIGTERM during the evaluation: exit $code: $(head -c 300 "$work/err")"
[ -e "$work/g_model" ] && fail "SIGTERM during the evaluation: a model was written"
# Stopped at the end of the evaluation: the log ends with the evaluation line (header, 2 batches,
# evaluation), and the checkpoint is at the end of epoch 1. (On a machine fast enough to finish
# the evaluation before the signal lands, epoch 2 has begun: noted, and only the rest checked.)
if [ "$(wc -l <"$work/g_log")" -eq 4 ] && [ "$(awk -F'\t' 'NR == 4 { print ($5 != "") }' "$work/g_log")" = 1 ]; then
  grep -a -q '^train.epoch=1$' "$work/g_ckpt" && grep -a -q '^train.epoch_position=0$' "$work/g_ckpt" ||
    fail "the checkpoint after the evaluation is not at the end of epoch 1"
else
  echo "note: the signal arrived after the evaluation"
fi
expect_exit 0 "$SLIDE_XC" train "${gargs[@]}" -o "$work/g_model" --checkpoint "$work/g_ckpt" --resume
cmp -s "$work/g_reference" "$work/g_model" ||
  fail "interrupted during the evaluation and resumed: the model differs from an uninterrupted run's"

# --- 2. Signals at random moments, mostly inside checkpoint writes.
data=$SLIDE_SOURCE_DIR/corpora/bibtex
args=(-i "$data/bibtex_train.txt.zst" --output-mode lsh --hash-family dwta --k 3 --l 8
      --bin-size 4 --active-size 40 --rehash-period 3 --rebuild-every 2 --batch-size 64 -e 2
      --threads 1 --seed 5 --eval-rows 0 -q)
expect_exit 0 "$SLIDE_XC" train "${args[@]}" -o "$work/reference"
ckpt=$work/ckpt
signals=0
for signal in INT TERM INT TERM INT TERM; do
  want=130; [ $signal = TERM ] && want=143
  resume=(); [ -e "$ckpt" ] && resume=(--resume)
  before=$(checkpoint_step "$ckpt")
  "$SLIDE_XC" train "${args[@]}" -o "$work/model" --checkpoint "$ckpt" \
    --checkpoint-every-batches 1 "${resume[@]}" >"$work/out" 2>"$work/err" &
  pid=$!
  for _ in $(seq 3000); do
    [ "$(checkpoint_step "$ckpt")" -gt "$before" ] && break
    sleep 0.005
  done
  sleep "$(printf '0.%03d' $((RANDOM % 60)))"
  kill -$signal $pid
  wait $pid
  code=$?
  signals=$((signals + 1))
  [ $code -eq $want ] || fail "SIG$signal $signals: exit $code, expected $want: $(head -c 300 "$work/err")"
  [ -e "$work/model" ] && fail "SIG$signal $signals: a model was written"
  check_checkpoint "$ckpt" "SIG$signal $signals"
done
expect_exit 0 "$SLIDE_XC" train "${args[@]}" -o "$work/model" --checkpoint "$ckpt" --resume
cmp -s "$work/reference" "$work/model" ||
  fail "after $signals signals and resumptions the model differs from an uninterrupted run's"

# --- 3. A second signal ends the process at once; the checkpoint path stays complete.
rm -f "$ckpt"
for round in 1 2 3; do
  before=$(checkpoint_step "$ckpt")
  resume=(); [ -e "$ckpt" ] && resume=(--resume)
  "$SLIDE_XC" train "${args[@]}" -o "$work/model2" --checkpoint "$ckpt" \
    --checkpoint-every-batches 1 "${resume[@]}" >"$work/out" 2>"$work/err" &
  pid=$!
  for _ in $(seq 3000); do
    [ "$(checkpoint_step "$ckpt")" -gt "$before" ] && break
    sleep 0.005
  done
  sleep "$(printf '0.%03d' $((RANDOM % 40)))"
  kill -INT $pid
  kill -INT $pid 2>/dev/null
  wait $pid
  code=$?
  [ $code -eq 130 ] || fail "two SIGINTs (round $round): exit $code"
  [ -e "$work/model2" ] && fail "two SIGINTs (round $round): a model was written"
  if [ -e "$ckpt" ]; then check_checkpoint "$ckpt" "two SIGINTs (round $round)"; fi
  rm -f "$work"/.*.tmp.*
done
finish
