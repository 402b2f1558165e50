#!/usr/bin/env bash
# slide-xc train diverging (a learning rate that blows the weights up): exit 1 with one line
# naming the batch and the checkpoint situation; no model is written. (A NaN feature value cannot
# get in: the reader refuses it, exit 65.) NaN weights injected after a batch, and the checkpoint
# named then, are tested through the library's after_batch hook (tests/xc/trainer_test.cc).
source "$(dirname "$0")/common.bash"

data=$SLIDE_SOURCE_DIR/corpora/bibtex
args=(-i "$data/bibtex_train.txt.zst" -e 2 --threads 1 --eval-rows 0 -q)

# A real blow-up (Adam steps of 1e20): the loss of batch 2 is infinite. The checkpoint after
# batch 1 holds finite weights, but they are the ones that diverge: it is set aside as
# CKPT.diverged, and the message says there is no good checkpoint.
expect_exit 1 "$SLIDE_XC" train "${args[@]}" -o "$work/model" --checkpoint "$work/ckpt" \
  --checkpoint-every-batches 1 -r 1e20
[ "$(wc -l <"$work/err")" -eq 1 ] || fail "more than one line: $(cat "$work/err")"
grep -Eq '^slide-xc: training diverged: the loss of batch 2 is not finite.*no good checkpoint' \
  "$work/err" || fail "divergence message: $(cat "$work/err")"
[ -e "$work/model" ] && fail "a diverged run wrote a model"
[ -e "$work/ckpt" ] && fail "the checkpoint that diverges was left as the checkpoint"
[ -s "$work/ckpt.diverged" ] || fail "the checkpoint that diverges was not kept aside"
compgen -G "$work/.*.tmp.*" >/dev/null && fail "a diverged run left a temporary file"

# NaN never enters through the data.
printf '2 3 2\n0 0:nan 1:0.5\n1 2:1\n' >"$work/nan.txt"
expect_exit 65 "$SLIDE_XC" train -i "$work/nan.txt" -o "$work/model" -q
finish
