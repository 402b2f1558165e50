#!/usr/bin/env bash
# slide-xc train diverging (a learning rate that blows the weights up): exit 1 with one line
# naming the batch and the last good checkpoint; no model is written, the checkpoint left holds
# finite weights and resumes with a sane learning rate. (A NaN feature value cannot get in: the
# reader refuses it, exit 65.)
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

# NaN weights (injected after batch 5, as a diverging update would leave them), checkpoints every
# 2 batches: the NaN is found within one batch (the loss of batch 6 in this exact-mode run), the
# checkpoint after batch 4 is named, it holds finite weights and resumes.
rm -f "$work"/ckpt*
SLIDE_TEST_NAN_AFTER_BATCH=5 expect_exit 1 "$SLIDE_XC" train "${args[@]}" -o "$work/model" \
  --checkpoint "$work/ckpt" --checkpoint-every-batches 2
grep -Eq '^slide-xc: training diverged: .*batch 6 .*the last good checkpoint is '"$work/ckpt" \
  "$work/err" || fail "divergence message: $(cat "$work/err")"
[ -e "$work/model" ] && fail "a diverged run wrote a model"
step=$(grep -a -m1 -o '^train.step=[0-9]*' "$work/ckpt" | cut -d= -f2)
[ "$step" = 4 ] || fail "the last good checkpoint is at step '$step', expected 4"
expect_exit 0 "$SLIDE_XC" predict -m "$work/ckpt" -i "$data/bibtex_test.txt.zst" -o "$work/pred" -q
grep -Eiq 'nan|inf' "$work/pred" && fail "the checkpoint left behind scores NaN or infinity"
expect_exit 0 "$SLIDE_XC" train "${args[@]}" -o "$work/model" --checkpoint "$work/ckpt" --resume
[ -s "$work/model" ] || fail "resuming the last good checkpoint wrote no model"
[ -e "$work/ckpt" ] || [ -e "$work/ckpt.prev" ] && fail "checkpoints left after the model was written"

# The same NaN with a checkpoint due right after it: that checkpoint is refused (the full
# check before every write), the one after batch 4 stays.
rm -f "$work"/ckpt* "$work/model"
SLIDE_TEST_NAN_AFTER_BATCH=6 expect_exit 1 "$SLIDE_XC" train "${args[@]}" -o "$work/model" \
  --checkpoint "$work/ckpt" --checkpoint-every-batches 2
grep -Eq 'the weights are not finite after batch 6; the last good checkpoint is '"$work/ckpt" \
  "$work/err" || fail "divergence message: $(cat "$work/err")"
step=$(grep -a -m1 -o '^train.step=[0-9]*' "$work/ckpt" | cut -d= -f2)
[ "$step" = 4 ] || fail "the last good checkpoint is at step '$step', expected 4"
[ -e "$work/model" ] && fail "a diverged run wrote a model"

# NaN with no checkpoint yet: said so; nothing written.
rm -f "$work"/ckpt* "$work/model"
SLIDE_TEST_NAN_AFTER_BATCH=3 expect_exit 1 "$SLIDE_XC" train "${args[@]}" -o "$work/model" \
  --checkpoint "$work/ckpt"
grep -q 'diverged.*no good checkpoint was written' "$work/err" || fail "message: $(cat "$work/err")"
[ -e "$work/model" ] || [ -e "$work/ckpt" ] && fail "a diverged run without checkpoints wrote a file"

# NaN never enters through the data.
printf '2 3 2\n0 0:nan 1:0.5\n1 2:1\n' >"$work/nan.txt"
expect_exit 65 "$SLIDE_XC" train -i "$work/nan.txt" -o "$work/model" -q
finish
