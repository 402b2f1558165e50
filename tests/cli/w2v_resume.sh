#!/usr/bin/env bash
# slide-w2v interruption: SIGINT/SIGTERM (or --stop-after-words, the deterministic stand-in)
# writes a checkpoint and exits 130/143 without vectors; --resume continues, and with one thread
# the result is byte-identical to an uninterrupted run. A damaged checkpoint, one of an older
# format, and options that differ are refused, and a run that cannot fit in --max-memory is
# refused up front.
source "$(dirname "$0")/common.bash"

corpus=$SLIDE_SOURCE_DIR/corpora/wikitext-2/valid.txt.zst
w2v() { "$SLIDE_W2V" "$@"; }
args=(-i "$corpus" --size 16 --iter 2 --min-count 5 -t 1 --seed 3 -q --model skipgram --window 3)

expect_exit 0 w2v "${args[@]}" -o "$work/full.txt"

for loss in ns hs+ns lsh; do
  extra=()
  [ "$loss" = lsh ] && extra=(--lsh-active 16)
  expect_exit 0 w2v "${args[@]}" --loss "$loss" "${extra[@]}" -o "$work/full-$loss.txt"
  # Stop in the first epoch and again in the second; each leg resumes the checkpoint of the last.
  expect_exit 130 w2v "${args[@]}" --loss "$loss" "${extra[@]}" -o "$work/p.txt" --stop-after-words 100000
  grep -q 'checkpoint written to .*p.txt.checkpoint' "$work/err" || fail "message: $(cat "$work/err")"
  [ -e "$work/p.txt" ] && fail "an interrupted run wrote vectors"
  [ -s "$work/p.txt.checkpoint" ] || fail "no checkpoint"
  expect_exit 130 w2v "${args[@]}" --loss "$loss" "${extra[@]}" -o "$work/p.txt" --resume "$work/p.txt.checkpoint" \
    --stop-after-words 300000
  expect_exit 0 w2v "${args[@]}" --loss "$loss" "${extra[@]}" -o "$work/p.txt" --resume "$work/p.txt.checkpoint"
  if [ "$loss" = lsh ]; then
    # The hash tables are rebuilt from the saved output rows on resume, so LSH runs are not
    # bit-identical; the vectors must still be complete.
    [ "$(wc -l < "$work/p.txt")" -eq "$(wc -l < "$work/full-$loss.txt")" ] || fail "lsh resume: line count"
  else
    cmp -s "$work/full-$loss.txt" "$work/p.txt" || fail "--loss $loss: resumed vectors differ"
  fi
  rm -f "$work/p.txt" "$work/p.txt.checkpoint"
done

# A real SIGTERM during training (a longer run): exit 143, then resume to the same vectors.
long=(-i "$corpus" --size 16 --iter 12 --min-count 5 -t 1 --seed 3 -q --model skipgram --window 3)
expect_exit 0 w2v "${long[@]}" -o "$work/long.txt"
"$SLIDE_W2V" "${long[@]}" -o "$work/s.txt" 2>"$work/err" &
pid=$!
sleep 1
kill -TERM "$pid" 2>/dev/null
wait "$pid"
rc=$?
if [ "$rc" -eq 143 ]; then
  [ -s "$work/s.txt.checkpoint" ] || fail "SIGTERM left no checkpoint"
  expect_exit 0 w2v "${long[@]}" -o "$work/s.txt" --resume "$work/s.txt.checkpoint"
  cmp -s "$work/long.txt" "$work/s.txt" || fail "resumed after SIGTERM: vectors differ"
elif [ "$rc" -ne 0 ]; then
  fail "SIGTERM: exit $rc, expected 143 (or 0 if it had finished): $(cat "$work/err")"
fi

# Refusals: options that differ, a damaged or foreign checkpoint, memory.
expect_exit 130 w2v "${args[@]}" -o "$work/q.txt" --stop-after-words 100000
expect_exit 64 w2v "${args[@]/--window/--alpha}" -o "$work/q.txt" --resume "$work/q.txt.checkpoint"
expect_exit 64 w2v -i "$corpus" --size 16 --iter 2 --min-count 5 -t 1 --seed 4 -q --model skipgram \
  --window 3 -o "$work/q.txt" --resume "$work/q.txt.checkpoint" &&
  { grep -q -- '--seed differs' "$work/err" || fail "seed message: $(cat "$work/err")"; }
cp "$work/q.txt.checkpoint" "$work/bad.checkpoint"
printf '\x01' | dd of="$work/bad.checkpoint" bs=1 seek=5000 conv=notrunc status=none
expect_exit 65 w2v "${args[@]}" -o "$work/q.txt" --resume "$work/bad.checkpoint" &&
  { grep -q 'checksum' "$work/err" || fail "damaged checkpoint message: $(cat "$work/err")"; }
head -c 3000 "$work/q.txt.checkpoint" > "$work/short.checkpoint"
expect_exit 65 w2v "${args[@]}" -o "$work/q.txt" --resume "$work/short.checkpoint"
expect_exit 65 w2v "${args[@]}" -o "$work/q.txt" --resume "$corpus"
# The checkpoint is a slide model file (kind w2v); one in the format of older versions is refused
# with one line saying so.
[ "$(head -c 4 "$work/q.txt.checkpoint" | od -An -tx1 | tr -d ' \n')" = 89534c44 ] ||
  fail "the checkpoint is not a slide model file"
{ printf 'SLIDE-W2V-CHECKPOINT 1\n'; head -c 4000 "$work/q.txt.checkpoint"; } > "$work/old.checkpoint"
expect_exit 65 w2v "${args[@]}" -o "$work/q.txt" --resume "$work/old.checkpoint" &&
  { grep -q 'old.checkpoint: a checkpoint written by an older version of slide-w2v' "$work/err" &&
    [ "$(wc -l < "$work/err")" -eq 1 ] || fail "old checkpoint message: $(cat "$work/err")"; }
[ -e "$work/q.txt" ] && fail "a refused resume wrote vectors"
expect_exit 1 w2v "${args[@]}" -o "$work/m.txt" --max-memory 1M &&
  { grep -q 'needs about .* more than --max-memory 1M' "$work/err" || fail "memory message: $(cat "$work/err")"; }
[ -e "$work/m.txt" ] && fail "a refused run wrote vectors"

# Divergence: a learning rate far too high is caught within a block, exit 1, no vectors.
for loss in lsh ns; do
  expect_exit 1 w2v -i "$corpus" --min-count 5 -t 1 -q --model skipgram --loss $loss --alpha 10 --size 64 --iter 1 -o "$work/nan.txt" &&
  { grep -q 'diverged' "$work/err" || fail "divergence message: $(cat "$work/err")"; }
  [ -e "$work/nan.txt" ] && fail "--loss $loss: a diverged run wrote vectors"
done

finish
