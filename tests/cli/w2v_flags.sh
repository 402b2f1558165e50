#!/usr/bin/env bash
# word2vec's -hs and -negative are independent, as in word2vec.c: -hs 1 -negative N trains both
# output layers, -hs 1 -negative 0 the tree only, -negative 0 alone nothing (refused).
source "$(dirname "$0")/common.bash"

corpus=$SLIDE_SOURCE_DIR/corpora/wikitext-2/valid.txt.zst
small=(-size 8 -iter 1 -min-count 50 -window 2 -threads 1)

# loss_of ARGS...: the output layer the run trained (from --verbose), "" when it failed.
loss_of() {
  expect_exit 0 "$SLIDE_W2V" -train "$corpus" -output "$work/v.txt" "${small[@]}" --verbose "$@" ||
    return
  sed -n 's/^Model: .*, loss: \([^,]*\),.*/\1/p' "$work/err"
}
check() {
  local want=$1; shift
  local got; got=$(loss_of "$@")
  [ "$got" = "$want" ] || fail "'$*' trained '$got', expected '$want'"
}
check ns
check ns -hs 0
check ns -hs 0 -negative 5
check hs+ns -hs 1
check hs+ns -hs 1 -negative 5
check hs -hs 1 -negative 0
check hs --loss hs
check hs --loss hs -hs 1
check hs+ns --loss ns -hs 1
check hs+ns --loss hs+ns
check hs+ns --loss ns+hs --negative 3

# Refused with a usage error, and no output written.
for args in "-negative 0" "-hs 0 -negative 0" "--loss hs+ns -negative 0" "--loss lsh -hs 1" \
            "--loss hs -hs 0" "--loss ns -hs 1 -negative 0"; do
  # shellcheck disable=SC2086
  expect_exit 64 "$SLIDE_W2V" -train "$corpus" -output "$work/bad.txt" "${small[@]}" $args
  [ -e "$work/bad.txt" ] && fail "'$args' left an output file"
  rm -f "$work/bad.txt"
done

finish
