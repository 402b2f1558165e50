#!/usr/bin/env bash
# Bad inputs to slide-xc: each gives its exit code and a clear message, and leaves no output file.
source "$(dirname "$0")/common.bash"

data=$SLIDE_SOURCE_DIR/corpora/bibtex
zstd -dc "$data/bibtex_train.txt.zst" | head -301 | sed '1s/.*/300 1836 159/' >"$work/small.txt"
sed '20s/:/;/' "$work/small.txt" >"$work/malformed.txt"
head -c 20000 "$data/bibtex_train.txt.zst" >"$work/truncated.zst"
expect_exit 0 "$SLIDE_XC" train -i "$work/small.txt" -o "$work/model" -e 1 -q || finish

# no_output FILE...: none of the files exists (nor a temporary next to it).
no_output() {
  for f in "$@"; do
    [ -e "$f" ] && fail "$f was left behind"
  done
  compgen -G "$work/.*.tmp.*" >/dev/null && fail "a temporary file was left behind: $(ls -a "$work")"
  return 0
}

# Missing input: 66.
expect_exit 66 "$SLIDE_XC" train -i "$work/missing.txt" -o "$work/m1" -q
no_output "$work/m1" "$work/m1.ckpt"
expect_exit 66 "$SLIDE_XC" predict -m "$work/model" -i "$work/missing.txt" -o "$work/p1"
no_output "$work/p1"
expect_exit 66 "$SLIDE_XC" predict -m "$work/missing.model" -i "$work/small.txt" -o "$work/p1"
no_output "$work/p1"

# Malformed line: 65 with file:line:column.
expect_exit 65 "$SLIDE_XC" train -i "$work/malformed.txt" -o "$work/m2" -q &&
  { grep -q 'malformed.txt:20:[0-9]*:' "$work/err" || fail "no file:line in: $(cat "$work/err")"; }
no_output "$work/m2"
expect_exit 65 "$SLIDE_XC" predict -m "$work/model" -i "$work/malformed.txt" -o "$work/p2" &&
  { grep -q 'malformed.txt:20:[0-9]*:' "$work/err" || fail "predict: no file:line in: $(cat "$work/err")"; }
no_output "$work/p2"
expect_exit 65 "$SLIDE_XC" test -m "$work/model" -i "$work/malformed.txt" &&
  { grep -q 'malformed.txt:20:' "$work/err" || fail "test: no file:line in: $(cat "$work/err")"; }
# ... unless --skip-bad-rows, which counts it.
expect_exit 0 "$SLIDE_XC" train -i "$work/malformed.txt" -o "$work/m2s" -e 1 --skip-bad-rows &&
  { grep -q 'skipped 1 bad row' "$work/err" || fail "--skip-bad-rows did not report: $(cat "$work/err")"; }
rm -f "$work/m2s"

# A header that disagrees with the rows: 65.
sed '1s/.*/301 1836 159/' "$work/small.txt" >"$work/short.txt"
expect_exit 65 "$SLIDE_XC" train -i "$work/short.txt" -o "$work/m3" -q
no_output "$work/m3"
expect_exit 65 "$SLIDE_XC" predict -m "$work/model" -i "$work/short.txt" -o "$work/p3"
no_output "$work/p3"

# Truncated zstd: 65.
expect_exit 65 "$SLIDE_XC" train -i "$work/truncated.zst" -o "$work/m4" -q &&
  { grep -q 'truncated' "$work/err" || fail "truncated zst: $(cat "$work/err")"; }
no_output "$work/m4"
expect_exit 65 "$SLIDE_XC" predict -m "$work/model" -i "$work/truncated.zst" -o "$work/p4"
no_output "$work/p4"

# Bad model files: truncated, flipped byte, not a model: 65.
head -c 3000 "$work/model" >"$work/cut.model"
expect_exit 65 "$SLIDE_XC" predict -m "$work/cut.model" -i "$work/small.txt" -o "$work/p5"
no_output "$work/p5"
cp "$work/model" "$work/flip.model"
printf '\x55' | dd of="$work/flip.model" bs=1 seek=5000 conv=notrunc status=none
expect_exit 65 "$SLIDE_XC" test -m "$work/flip.model" -i "$work/small.txt"
expect_exit 65 "$SLIDE_XC" predict -m "$work/small.txt" -i "$work/small.txt" -o "$work/p6"
no_output "$work/p6"

# Bad options: 64, nothing written.
expect_exit 64 "$SLIDE_XC" train -i "$work/small.txt" -o "$work/m7" --no-such-option
expect_exit 64 "$SLIDE_XC" train -i "$work/small.txt" -o "$work/m7" --output-mode fast
expect_exit 64 "$SLIDE_XC" train -i "$work/small.txt" -o "$work/m7" --optimizer rmsprop
expect_exit 64 "$SLIDE_XC" train -i "$work/small.txt" -o "$work/m7" --preset amazon
expect_exit 64 "$SLIDE_XC" train -i "$work/small.txt"
no_output "$work/m7"
expect_exit 64 "$SLIDE_XC" predict -m "$work/model" -i "$work/small.txt" -o "$work/p7" -k 0
expect_exit 64 "$SLIDE_XC" predict -m "$work/model" -i "$work/small.txt" -o "$work/p7" --inference fuzzy
no_output "$work/p7"
expect_exit 64 "$SLIDE_XC" test -m "$work/model" -i "$work/small.txt" --metrics p@0
expect_exit 64 "$SLIDE_XC" frobnicate

# Unwritable output: 73.
expect_exit 73 "$SLIDE_XC" predict -m "$work/model" -i "$work/small.txt" -o "$work/no/such/dir/p"
expect_exit 73 "$SLIDE_XC" train -i "$work/small.txt" -o "$work/no/such/dir/m" -q

# A configuration that cannot fit: 1, with the estimate in the message.
expect_exit 1 "$SLIDE_XC" train -i "$work/small.txt" -o "$work/m8" --max-memory 100K -q &&
  { grep -q 'needs about' "$work/err" || fail "memory refusal: $(cat "$work/err")"; }
no_output "$work/m8"
finish
