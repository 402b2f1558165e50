#!/usr/bin/env bash
# --help and --version succeed on stdout; bad options and impossible kernel sets exit 64 with one
# clear line and a hint on stderr.
source "$(dirname "$0")/common.bash"

for binary in "$SLIDE_W2V" "$SLIDE_XC"; do
  app=$(basename "$binary")
  expect_exit 0 "$binary" --version &&
    { grep -qE "^$app [0-9]+\.[0-9]+\.[0-9]+ \(kernels: [a-z0-9-]+; oneTBB [0-9.]+; Boost [0-9.]+\)$" "$work/out" ||
      fail "$app --version printed: $(cat "$work/out")"; }
  expect_exit 0 "$binary" --help && { grep -q -- '--threads' "$work/out" || fail "$app --help lacks --threads"; }
  [ -s "$work/err" ] && fail "$app --help wrote to stderr"

  expect_exit 64 "$binary" --no-such-option &&
    { grep -q "Try '$app --help'" "$work/err" || fail "$app: no hint after a bad option"; }
  expect_exit 64 "$binary" --kernels sse9 && { grep -q "unknown kernel set 'sse9'" "$work/err" || fail "$app --kernels sse9: $(cat "$work/err")"; }
  expect_exit 64 env SLIDE_KERNELS=bogus "$binary" --version
  # Forcing each supported set works; the scalar one everywhere.
  expect_exit 0 "$binary" --kernels scalar --version &&
    { grep -q "(kernels: scalar;" "$work/out" || fail "$app --kernels scalar not honoured"; }
  expect_exit 0 env SLIDE_KERNELS=scalar "$binary" --version &&
    { grep -q "(kernels: scalar;" "$work/out" || fail "$app SLIDE_KERNELS=scalar not honoured"; }
  # A set this machine lacks is a usage error, never SIGILL.
  if ! grep -q ' amx_tile' /proc/cpuinfo; then
    expect_exit 64 "$binary" --kernels amx --version &&
      { grep -q "not supported" "$work/err" || fail "$app --kernels amx: $(cat "$work/err")"; }
  fi
done
finish
