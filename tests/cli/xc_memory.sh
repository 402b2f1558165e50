#!/usr/bin/env bash
# slide-xc train estimates its memory before allocating: a configuration that cannot fit (the
# machine's available memory, a control group's limit, --max-memory) is refused at once with the
# estimate, exit 1, nothing written; and the estimate is within 20% of the measured peak RSS of
# a mid-size run (100,000 labels, Amazon-670K's 135,909 features).
source "$(dirname "$0")/common.bash"

# Impossible: a 100,000-wide hidden layer on the Amazon-670K shape (over a terabyte). Refused
# from the header alone: the rows after it are never read (they are not even valid).
printf '490449 135909 670091\nthis is not a row\n' >"$work/amazon_header.txt"
start=$(date +%s%N)
expect_exit 1 "$SLIDE_XC" train -i "$work/amazon_header.txt" -o "$work/model" --hidden 100000
elapsed_ms=$((($(date +%s%N) - start) / 1000000))
grep -Eq '^slide-xc: this configuration needs about [0-9.]+ TiB \(network .*optimizer state .*hash tables .*\) but only .* of memory is available$' \
  "$work/err" || fail "impossible configuration: $(cat "$work/err")"
[ $elapsed_ms -lt 5000 ] || fail "the refusal took $elapsed_ms ms"
[ -e "$work/model" ] && fail "a refused run wrote a model"
compgen -G "$work/.*.tmp.*" >/dev/null && fail "a refused run left a temporary file"

# --max-memory (refused from the header, before the data is read).
data=$SLIDE_SOURCE_DIR/corpora/bibtex/bibtex_train.txt.zst
expect_exit 1 "$SLIDE_XC" train -i "$data" -o "$work/model" --max-memory 10M
grep -q 'needs about .* more than --max-memory 10.00 MiB' "$work/err" || fail "$(cat "$work/err")"
expect_exit 64 "$SLIDE_XC" train -i "$data" -o "$work/model" --max-memory lots
expect_exit 0 "$SLIDE_XC" train -i "$data" -o "$work/model" --max-memory 2G -e 1 --eval-rows 0 -q

# The estimate against the peak (GNU time's maximum RSS), on generated data.
gen=${SLIDE_BUILD_DIR:-}/scripts/generators/slide-gen-xc
# ThreadSanitizer's shadow memory multiplies the resident size of every buffer, so under it the
# peak says nothing about the estimate (AddressSanitizer's 1/8 shadow stays within the margin).
if [ "${SLIDE_SANITIZER:-}" = thread ]; then
  echo "note: ThreadSanitizer build; estimate-vs-peak check skipped"
elif [ -x /usr/bin/time ] && [ -x "$gen" ]; then
  "$gen" --preset amazon670k --labels 100000 --train-rows 3000 --test-rows 10 --seed 1 \
    --train "$work/g_train.txt" --test "$work/g_test.txt" 2>/dev/null ||
    fail "slide-gen-xc failed"
  /usr/bin/time -f 'peak_kib %M' "$SLIDE_XC" train -i "$work/g_train.txt" -o "$work/g_model" -e 1 \
    --threads 2 --eval-rows 0 -v >"$work/out" 2>"$work/err" || fail "mid-size run: $(tail -c 300 "$work/err")"
  estimate=$(grep -o 'estimated memory: about [0-9.]* [KMG]iB' "$work/err" |
    awk '{ f = $5 == "GiB" ? 1048576 : $5 == "MiB" ? 1024 : 1; print $4 * f }')
  peak=$(awk '/^peak_kib/ { print $2 }' "$work/err")
  awk -v e="$estimate" -v p="$peak" 'BEGIN {
      printf "memory estimate %.1f MiB, peak RSS %.1f MiB (%+.1f%%)\n", e / 1024, p / 1024, (e / p - 1) * 100
      exit !(e >= 0.8 * p && e <= 1.2 * p) }' ||
    fail "the estimate ($estimate KiB) is not within 20% of the peak RSS ($peak KiB)"
else
  echo "note: /usr/bin/time or slide-gen-xc missing; estimate-vs-peak check skipped"
fi
finish
