# Shared helpers of the CLI tests (sourced, not a test itself).
set -uo pipefail
: "${SLIDE_W2V:?}" "${SLIDE_XC:?}" "${SLIDE_SOURCE_DIR:?}"
failures=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# expect_exit CODE COMMAND...: runs the command, checks its exit status; stdout/stderr kept in
# $work/out and $work/err.
expect_exit() {
  local want=$1; shift
  "$@" >"$work/out" 2>"$work/err"
  local got=$?
  if [ "$got" -ne "$want" ]; then
    fail "'$*' exited $got, expected $want; stderr: $(head -c 500 "$work/err")"
    return 1
  fi
  return 0
}

# checkpoint_step FILE: the optimizer step a slide-xc checkpoint was written at (0 if none).
checkpoint_step() {
  local s=0
  [ -e "$1" ] && s=$(grep -a -m1 -o '^train.step=[0-9]*' "$1" | cut -d= -f2)
  echo "${s:-0}"
}

finish() {
  if [ "$failures" -ne 0 ]; then
    echo "$failures check(s) failed" >&2
    exit 1
  fi
  echo "all checks passed"
}
