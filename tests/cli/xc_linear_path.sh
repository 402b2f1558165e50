#!/usr/bin/env bash
# slide-xc with the sparse linear path (--linear-support): train in lsh mode on the shipped
# Bibtex, the model remembers the path (test without flags scores it), exact and LSH inference
# with the path's shortlist (every label) agree within a point, and bad values are refused with
# exit 64. (Resuming with the path: XcTrainer.LinearPathTrainsSavesAndResumesAsTheUninterruptedRun.)
source "$(dirname "$0")/common.bash"

data=$SLIDE_SOURCE_DIR/corpora/bibtex
train=$data/bibtex_train.txt.zst
test=$data/bibtex_test.txt.zst
path_args=(--output-mode lsh --active-size 40 --linear-support 16 --linear-shortlist 32)

expect_exit 0 "$SLIDE_XC" train -i "$train" -o "$work/model" --threads 1 --epochs 3 "${path_args[@]}" ||
  finish
[ -s "$work/model" ] || fail "train wrote no model"

p1() { awk '/P@1:/ { print $2 }' "$work/out"; }
expect_exit 0 "$SLIDE_XC" test -m "$work/model" -i "$test" --metrics p@1 --threads 1
exact=$(p1)
expect_exit 0 "$SLIDE_XC" test -m "$work/model" -i "$test" --metrics p@1 --threads 1 \
  --inference lsh --linear-shortlist 159
lsh=$(p1)
awk -v e="$exact" 'BEGIN { exit !(e > 0.3) }' || fail "exact P@1 $exact with the path (expected > 0.3)"
awk -v e="$exact" -v l="$lsh" 'BEGIN { d = e - l; exit !(d < 0.01 && d > -0.01) }' ||
  fail "LSH inference with the path's shortlist $lsh, exact $exact: more than a point apart"

expect_exit 64 "$SLIDE_XC" train -i "$train" -o "$work/bad" --linear-rate 0
expect_exit 64 "$SLIDE_XC" train -i "$train" -o "$work/bad" --linear-init -1
finish
