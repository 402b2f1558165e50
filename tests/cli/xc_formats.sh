#!/usr/bin/env bash
# slide-xc reads the split (X_Xf + X_Y) and LIBSVM variants: the same rows in the split format
# give the same model and predictions as in the XC format; LIBSVM (1-based features) trains and
# predicts one line per row. test --predictions scores a prediction file as test -m scores a model.
source "$(dirname "$0")/common.bash"

data=$SLIDE_SOURCE_DIR/corpora/bibtex
zstd -dc "$data/bibtex_train.txt.zst" | head -401 | sed '1s/.*/400 1836 159/' >"$work/xc.txt"
# Split files: features `N F` + rows of f:v; labels `N L` + rows of l:1.
{ echo "400 1836"; tail -n +2 "$work/xc.txt" | sed -E 's/^[^ ]* //'; } >"$work/X_Xf.txt"
{ echo "400 159"; tail -n +2 "$work/xc.txt" | awk '{ n = split($1, l, ","); s = "";
    for (i = 1; i <= n; i++) s = s (i > 1 ? " " : "") l[i] ":1"; print s }'; } >"$work/X_Y.txt"
# LIBSVM: no header, feature ids + 1.
tail -n +2 "$work/xc.txt" | awk '{ s = $1; for (i = 2; i <= NF; i++) { split($i, p, ":");
    s = s " " (p[1] + 1) ":" p[2] } print s }' >"$work/libsvm.txt"

common=(-e 2 --threads 1 -q)
expect_exit 0 "$SLIDE_XC" train -i "$work/xc.txt" -o "$work/xc.model" "${common[@]}"
expect_exit 0 "$SLIDE_XC" train --format split -i "$work/X_Xf.txt" --input-labels "$work/X_Y.txt" \
  -o "$work/split.model" "${common[@]}"
cmp -s "$work/xc.model" "$work/split.model" || fail "split and XC inputs gave different models"
expect_exit 0 "$SLIDE_XC" predict -m "$work/xc.model" -i "$work/xc.txt" -o "$work/xc.pred"
expect_exit 0 "$SLIDE_XC" predict --format split -m "$work/xc.model" -i "$work/X_Xf.txt" -o "$work/split.pred"
cmp -s "$work/xc.pred" "$work/split.pred" || fail "predict --format split differs from XC"
expect_exit 0 "$SLIDE_XC" test --format split -m "$work/xc.model" -i "$work/X_Xf.txt" \
  --input-labels "$work/X_Y.txt" --metrics p@1
p_split=$(cat "$work/out")
expect_exit 0 "$SLIDE_XC" test -m "$work/xc.model" -i "$work/xc.txt" --metrics p@1
[ "$p_split" = "$(cat "$work/out")" ] || fail "test --format split: $p_split vs $(cat "$work/out")"

expect_exit 0 "$SLIDE_XC" train --format libsvm -i "$work/libsvm.txt" -o "$work/libsvm.model" "${common[@]}"
expect_exit 0 "$SLIDE_XC" predict --format libsvm -m "$work/libsvm.model" -i "$work/libsvm.txt" -o "$work/libsvm.pred"
[ "$(wc -l <"$work/libsvm.pred")" -eq 400 ] || fail "libsvm predict wrote $(wc -l <"$work/libsvm.pred") lines"
expect_exit 64 "$SLIDE_XC" predict --format libsvm -m "$work/libsvm.model" -i "$work/libsvm.txt" --header
# A gzip-compressed input reads like the plain one.
gzip -c "$work/xc.txt" >"$work/xc.txt.gz"
expect_exit 0 "$SLIDE_XC" predict -m "$work/xc.model" -i "$work/xc.txt.gz" -o "$work/gz.pred"
cmp -s "$work/xc.pred" "$work/gz.pred" || fail "gzip input gave other predictions"

# test --predictions: a prediction file scored by the same metric code as the model itself, in
# slide-xc's format and in napkinXC's (no header, a trailing space); the misuses refused.
expect_exit 0 "$SLIDE_XC" test -m "$work/xc.model" -i "$work/xc.txt" --metrics p@1,p@3,p@5,ndcg@5
by_model=$(cat "$work/out")
expect_exit 0 "$SLIDE_XC" test --predictions "$work/xc.pred" -i "$work/xc.txt" --metrics p@1,p@3,p@5,ndcg@5
[ "$by_model" = "$(cat "$work/out")" ] || fail "test --predictions: $(cat "$work/out") vs $by_model"
sed 's/$/ /' "$work/xc.pred" >"$work/napkin.pred"
expect_exit 0 "$SLIDE_XC" test --predictions "$work/napkin.pred" -i "$work/xc.txt.gz" --metrics p@1,p@3,p@5,ndcg@5
[ "$by_model" = "$(cat "$work/out")" ] || fail "napkinXC-style predictions: $(cat "$work/out") vs $by_model"
expect_exit 64 "$SLIDE_XC" test --predictions "$work/xc.pred" -m "$work/xc.model" -i "$work/xc.txt"
expect_exit 64 "$SLIDE_XC" test --predictions "$work/xc.pred" -i "$work/xc.txt" --metrics psp@5
expect_exit 64 "$SLIDE_XC" test --predictions "$work/xc.pred" -i "$work/xc.txt" --inference lsh
expect_exit 64 "$SLIDE_XC" test --predictions "$work/xc.pred"
head -5 "$work/xc.pred" >"$work/short.pred"
expect_exit 65 "$SLIDE_XC" test --predictions "$work/short.pred" -i "$work/xc.txt" &&
  { grep -q 'short.pred' "$work/err" || fail "row-count mismatch does not name the file: $(cat "$work/err")"; }
expect_exit 66 "$SLIDE_XC" test --predictions "$work/absent.pred" -i "$work/xc.txt"

# --output-mode auto: exact below 20000 labels, lsh from 20000 on (stored in the model's CONFIG).
for labels in 19999 20000; do
  { echo "200 50 $labels"; for i in $(seq 0 199); do
      echo "$((i * 97 % 19000)),$((i * 31 % 19000 + 1)) $((i % 50)):1 $(((i + 7) % 50)):0.5"; done; } >"$work/wide.txt"
  expect_exit 0 "$SLIDE_XC" train -i "$work/wide.txt" -o "$work/wide.model" -e 1 -q
  want=exact; [ "$labels" -ge 20000 ] && want=lsh
  grep -aq "xc.output_mode=$want" "$work/wide.model" || fail "auto with $labels labels did not pick $want"
done
finish
