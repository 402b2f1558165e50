#!/usr/bin/env bash
# slide-w2v end to end on the shipped WikiText-2 sample: train (GNU and word2vec flags), the three
# formats load back in the evaluation commands, one thread is reproducible, standard input and
# output work, and bad inputs give their exit codes and leave no output file behind.
source "$(dirname "$0")/common.bash"

corpus=$SLIDE_SOURCE_DIR/corpora/wikitext-2/valid.txt.zst
questions=$SLIDE_SOURCE_DIR/corpora/word2vec-eval/questions-words.txt
pairs=$SLIDE_SOURCE_DIR/corpora/word2vec-eval/wordsim353.tsv
w2v() { "$SLIDE_W2V" "$@"; }
small=(--size 16 --iter 1 --min-count 5 --window 3 --negative 3)

# No file named $1 and no temporary file beside it.
no_output() {
  [ -e "$1" ] && fail "$1 was left behind"
  ls -A "$(dirname "$1")" | grep -q '\.tmp\.' && fail "a temporary file was left in $(dirname "$1")"
  return 0
}

# Train, save the vocabulary, text output.
expect_exit 0 w2v -i "$corpus" -o "$work/a.txt" "${small[@]}" --model skipgram -t 2 \
  --save-vocab "$work/vocab.txt" &&
  { read -r v d < "$work/a.txt"; [ "$d" = 16 ] || fail "header dimension '$d'"
    [ "$v" -gt 1000 ] || fail "only $v words"
    [ "$(wc -l < "$work/a.txt")" -eq $((v + 1)) ] || fail "a.txt has not V+1 lines"
    [ "$(head -n 1 "$work/vocab.txt")" = "</s> $(grep -c '' <(zstdcat "$corpus"))" ] ||
      fail "vocab does not start with </s> and the line count: $(head -n 1 "$work/vocab.txt")"
    grep -q 'words/thread/s' "$work/err" || fail "no progress line: $(cat "$work/err")"; }

# The other formats with the same seed, one thread: same vectors as text, all load back.
expect_exit 0 w2v -i "$corpus" -o "$work/r1.txt" "${small[@]}" -t 1 --seed 4 -q
[ -s "$work/err" ] && fail "--quiet printed: $(cat "$work/err")"
expect_exit 0 w2v -i "$corpus" -o "$work/r2.txt" "${small[@]}" -t 1 --seed 4 -q
cmp -s "$work/r1.txt" "$work/r2.txt" || fail "two one-thread runs with the same seed differ"
expect_exit 0 w2v -i "$corpus" -o "$work/r3.txt" "${small[@]}" -t 1 --seed 5 -q
cmp -s "$work/r1.txt" "$work/r3.txt" && fail "the seed changes nothing"
expect_exit 0 w2v -i "$corpus" -o "$work/r1.bin" "${small[@]}" -t 1 --seed 4 -q --format w2v-bin
expect_exit 0 w2v -i "$corpus" -o "$work/r1.vec" "${small[@]}" -t 1 --seed 4 -q --format vec
for f in r1.txt r1.bin r1.vec; do
  expect_exit 0 w2v nearest -v "$work/$f" -k 3 the &&
    { grep -q '^Query: the$' "$work/out" && [ "$(wc -l < "$work/out")" -eq 4 ] ||
      fail "nearest on $f: $(cat "$work/out")"; }
  cp "$work/out" "$work/nearest.$f"
  expect_exit 0 w2v analogy -v "$work/$f" -q "$questions" --restrict 5000 &&
    { grep -q '^Questions seen / total: [1-9][0-9]* 19544 ' "$work/out" ||
      fail "analogy on $f: $(tail -n 2 "$work/out")"; }
  expect_exit 0 w2v similarity -v "$work/$f" -p "$pairs" &&
    { grep -qE '^Spearman rho: -?[0-9.]+$' "$work/out" && grep -q '^Pairs covered: [1-9][0-9]* / 353$' "$work/out" ||
      fail "similarity on $f: $(cat "$work/out")"; }
done
# Text and binary hold the same floats (text rounds to 6 decimals): same neighbours.
cmp -s "$work/nearest.r1.txt" "$work/nearest.r1.bin" ||
  { diff <(cut -f1 "$work/nearest.r1.txt") <(cut -f1 "$work/nearest.r1.bin") >/dev/null ||
    fail "text and binary vectors give different neighbours"; }

# gensim (Debian's python3-gensim, where installed) reads both word2vec formats as we wrote them.
# CI installs it and sets SLIDE_REQUIRE_GENSIM=1, so there the check cannot be skipped.
if [ "${SLIDE_REQUIRE_GENSIM:-0}" = 1 ] && ! /usr/bin/python3 -c 'import gensim' 2>/dev/null; then
  fail "SLIDE_REQUIRE_GENSIM=1 but Debian's python3-gensim is not importable by /usr/bin/python3"
fi
if /usr/bin/python3 -c 'import gensim' 2>/dev/null; then
  expect_exit 0 /usr/bin/python3 - "$work/r1.txt" "$work/r1.bin" <<'EOF'
import sys
import numpy as np
from gensim.models import KeyedVectors
text = KeyedVectors.load_word2vec_format(sys.argv[1], binary=False)
binary = KeyedVectors.load_word2vec_format(sys.argv[2], binary=True)
assert text.index_to_key == binary.index_to_key, "different words"
assert text.vectors.shape == binary.vectors.shape, "different shapes"
ours = [line.split(' ') for line in open(sys.argv[1], encoding='utf-8').read().split('\n')[1:-1]]
assert [w[0] for w in ours] == text.index_to_key, "gensim's words differ from the file's"
assert (np.abs(text.vectors - binary.vectors) <= 5.001e-7 + 2.0**-23 * np.abs(binary.vectors)).all(), "text and binary values differ"
assert np.array_equal(text.vectors, np.array([[float(x) for x in w[1:-1]] for w in ours], dtype=np.float32))
EOF
fi

# word2vec's flags, single dash, as its demo scripts write them.
expect_exit 0 w2v -train "$corpus" -output "$work/w.bin" -cbow 1 -size 12 -window 4 -sample 1e-4 \
  -hs 1 -negative 0 -threads 2 -iter 1 -min-count 5 -alpha 0.05 -binary 1 -debug 2 \
  -save-vocab "$work/w.vocab" &&
  { [ "$(head -c 20 "$work/w.bin" | head -n 1 | cut -d' ' -f2)" = 12 ] || fail "-size 12 ignored"
    head -c 200 "$work/w.bin" | tail -c +10 | LC_ALL=C grep -qa '[^ -~]' || fail "-binary 1 wrote text"
    cmp -s "$work/w.vocab" "$work/vocab.txt" || fail "-save-vocab differs from --save-vocab"; }
expect_exit 0 w2v -train "$corpus" -output "$work/w2.txt" -read-vocab "$work/vocab.txt" -size 8 -iter 1 -q
expect_exit 0 w2v nearest -v "$work/w2.txt" king queen

# Standard input with a vocabulary, to standard output.
expect_exit 0 bash -c "zstdcat '$corpus' | '$SLIDE_W2V' -i - --read-vocab '$work/vocab.txt' --iter 1 --size 8 -q -o - > '$work/stdin.txt'" &&
  { [ "$(head -n 1 "$work/stdin.txt")" = "$(wc -l < "$work/vocab.txt") 8" ] ||
    fail "stdin training wrote: $(head -c 100 "$work/stdin.txt")"; }
expect_exit 64 w2v -i - -o "$work/x.txt" && { grep -q 'needs --read-vocab' "$work/err" || fail "stdin without vocab: $(cat "$work/err")"; }
no_output "$work/x.txt"
expect_exit 64 w2v -i - --read-vocab "$work/vocab.txt" -o "$work/x.txt" --iter 2
no_output "$work/x.txt"
expect_exit 64 w2v -i "$corpus" -o "$work/x.txt" --loss bogus
expect_exit 64 w2v -i "$corpus" -o "$work/x.txt" --size 0
expect_exit 64 w2v -i "$corpus"
no_output "$work/x.txt"

# Bad inputs: exit code, one line on stderr, no output file.
mkdir "$work/bad"
expect_exit 66 w2v -i "$work/bad/missing.txt" -o "$work/bad/out.txt"
no_output "$work/bad/out.txt"
head -c 20000 "$corpus" > "$work/bad/truncated.zst"
expect_exit 65 w2v -i "$work/bad/truncated.zst" -o "$work/bad/out.txt" "${small[@]}"
no_output "$work/bad/out.txt"
: > "$work/bad/empty.txt"
expect_exit 65 w2v -i "$work/bad/empty.txt" -o "$work/bad/out.txt" &&
  { grep -q 'empty.txt' "$work/err" || fail "empty corpus message: $(cat "$work/err")"; }
no_output "$work/bad/out.txt"
printf '</s> 5\nthe 10\nbad line here\n' > "$work/bad/vocab.txt"
expect_exit 65 w2v -i "$corpus" --read-vocab "$work/bad/vocab.txt" -o "$work/bad/out.txt" &&
  { grep -q 'vocab.txt' "$work/err" || fail "bad vocab message: $(cat "$work/err")"; }
no_output "$work/bad/out.txt"
expect_exit 73 w2v -i "$corpus" -o "$work/bad/no/such/dir/out.txt"
expect_exit 66 w2v analogy -v "$work/bad/missing.txt" -q "$questions"
expect_exit 65 w2v similarity -v "$work/bad/vocab.txt" -p "$pairs"
expect_exit 64 w2v analogy -v "$work/a.txt"
# An existing output survives a failed run.
echo keep > "$work/bad/keep.txt"
expect_exit 65 w2v -i "$work/bad/truncated.zst" -o "$work/bad/keep.txt" "${small[@]}"
[ "$(cat "$work/bad/keep.txt")" = keep ] || fail "a failed run damaged an existing output"
finish
