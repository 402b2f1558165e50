# Shared helpers of the hostile-input CLI tests (sourced after common.bash, not a test itself).
#
#   hostile READER CASE CODE REGEX [--out FILE]... [--stdout-empty] [--ok-lines] -- COMMAND...
#
# runs COMMAND under a time limit and checks the contract of issue 8: the exit status is CODE;
# for a failure, stderr is exactly one line matching REGEX (an extended regex; use it to require the
# file name, the line and what was expected); every --out FILE, given a good output beforehand by
# the caller, is byte-identical afterwards (a bad run never replaces a good file) and no temporary
# file is left beside it; with --stdout-empty a failing run printed nothing on stdout. CODE 0 is a
# case where the input is legal: then only the status (and REGEX against stdout+stderr, if not
# empty) is checked. SLIDE_HOSTILE_TABLE, when set, gets one TSV row per case (reader, case, exit
# status, first stderr line) for docs/RELIABILITY.md.

hostile_tried=0
hostile_dir=$work/h
mkdir -p "$hostile_dir"

# Shortens and makes printable a message for the table and for failure reports.
hostile_printable() {
  printf '%s' "$1" | LC_ALL=C tr -c '[:print:]' '?' | head -c 300
}

hostile() {
  local reader=$1 case=$2 want=$3 regex=$4
  shift 4
  local outs=() stdout_empty=0
  while [ $# -gt 0 ] && [ "$1" != -- ]; do
    case $1 in
      --out) outs+=("$2"); shift 2 ;;
      --stdout-empty) stdout_empty=1; shift ;;
      *) echo "hostile: unknown option $1" >&2; exit 2 ;;
    esac
  done
  shift
  hostile_tried=$((hostile_tried + 1))
  local f
  for f in "${outs[@]}"; do
    [ -e "$f" ] || { fail "$reader / $case: no good output at $f before the run"; return 1; }
    cp "$f" "$work/good.$(basename "$f")"
  done
  # The command (which may be a shell function) runs as its own job, in its own process group, so
  # that the watchdog can kill all of it.
  set -m
  # (Each background subshell drops the EXIT trap that removes $work: bash may run it there.)
  (trap - EXIT; "$@") >"$work/out" 2>"$work/err" &
  local pid=$!
  (trap - EXIT; sleep "${HOSTILE_TIMEOUT:-60}"; kill -KILL -- -"$pid") >/dev/null 2>&1 &
  local dog=$!
  wait "$pid"
  local got=$?
  # SIGKILL: a subshell that a catchable signal meets before its `trap - EXIT` runs the EXIT trap.
  kill -KILL -- -"$dog" 2>/dev/null
  wait "$dog" 2>/dev/null
  set +m
  local label="$reader / $case"
  local first
  first=$(head -n 1 "$work/err")
  if [ -n "${SLIDE_HOSTILE_TABLE:-}" ]; then
    printf '%s\t%s\t%s\t%s\n' "$reader" "$case" "$got" "$(hostile_printable "$first")" \
      >>"$SLIDE_HOSTILE_TABLE"
  fi
  if [ "$got" -eq 124 ] || [ "$got" -eq 137 ]; then
    fail "$label: did not finish within ${HOSTILE_TIMEOUT:-60} s"
    return 1
  fi
  if [ "$got" -ne "$want" ]; then
    fail "$label: exit $got, expected $want; stderr: $(hostile_printable "$(head -c 600 "$work/err")")"
    return 1
  fi
  if [ "$want" -ne 0 ]; then
    local lines
    lines=$(wc -l <"$work/err")
    # A usage error (64) adds the conventional "Try 'PROGRAM --help'." line.
    [ "$lines" -eq 1 ] || { [ "$want" -eq 64 ] && [ "$lines" -eq 2 ] && tail -n 1 "$work/err" | grep -q "^Try '"; } ||
      fail "$label: $lines lines on stderr, expected one: $(hostile_printable "$(head -c 600 "$work/err")")"
    [ "$(head -c 1000 "$work/err" | wc -c)" -lt 1000 ] || fail "$label: a message of 1000 bytes or more"
    LC_ALL=C grep -qE -- "$regex" <<<"$first" ||
      fail "$label: message '$(hostile_printable "$first")' does not match /$regex/"
    # Printable text only: no control bytes and no invalid UTF-8 from the input reach the terminal.
    if LC_ALL=C grep -q '[[:cntrl:]]' <<<"$first" ||
      ! iconv -f UTF-8 -t UTF-8 <<<"$first" >/dev/null 2>&1; then
      fail "$label: control bytes or invalid UTF-8 in the message: $(hostile_printable "$first")"
    fi
    if [ "$stdout_empty" -eq 1 ] && [ -s "$work/out" ]; then
      fail "$label: printed on stdout: $(head -c 200 "$work/out")"
    fi
  elif [ -n "$regex" ]; then
    cat "$work/out" "$work/err" | LC_ALL=C grep -qE -- "$regex" ||
      fail "$label: output does not match /$regex/: $(hostile_printable "$(head -c 600 "$work/err")")"
  fi
  for f in "${outs[@]}"; do
    if [ "$want" -ne 0 ]; then
      cmp -s "$f" "$work/good.$(basename "$f")" || fail "$label: the good $f was overwritten"
    fi
    if ls -A "$(dirname "$f")" | grep -q '\.tmp\.'; then
      fail "$label: a temporary file was left in $(dirname "$f")"
      rm -f "$(dirname "$f")"/.*.tmp.*
    fi
  done
  return 0
}

# Deterministic random bytes: hostile_random FILE BYTES SEED.
hostile_random() {
  /usr/bin/python3 - "$1" "$2" "$3" <<'EOF' 2>/dev/null ||
import random, sys
random.seed(int(sys.argv[3]))
open(sys.argv[1], 'wb').write(bytes(random.getrandbits(8) for _ in range(int(sys.argv[2]))))
EOF
    head -c "$2" /dev/urandom >"$1"
}

# hostile_compressed PLAIN: writes PLAIN.{gz,zst,bz2,xz}.{cut,flip}: each compressed stream cut
# in the middle, and with one byte in the middle flipped (xor 0x55).
hostile_compressed() {
  local plain=$1 ext size at byte
  gzip -c "$plain" >"$plain.gz"
  zstd -q -c "$plain" >"$plain.zst"
  bzip2 -c "$plain" >"$plain.bz2"
  xz -c "$plain" >"$plain.xz"
  for ext in gz zst bz2 xz; do
    size=$(stat -c %s "$plain.$ext")
    head -c $((size / 2)) "$plain.$ext" >"$plain.$ext.cut"
    cp "$plain.$ext" "$plain.$ext.flip"
    at=$((size / 2))
    byte=$(od -An -tu1 -j "$at" -N 1 "$plain.$ext" | tr -d ' ')
    printf "\\x$(printf %02x $((byte ^ 0x55)))" |
      dd of="$plain.$ext.flip" bs=1 seek="$at" conv=notrunc status=none
  done
}

# The 100 MB line without a newline, made once per test run: 'a' repeated (head -c of /dev/zero
# through tr takes a fraction of a second).
hostile_long_line() {
  if [ ! -e "$hostile_dir/long" ]; then
    head -c 100000000 /dev/zero | tr '\0' 'a' >"$hostile_dir/long"
  fi
  echo "$hostile_dir/long"
}

# A FIFO whose writer sends FILE (or nothing, when FILE is empty) and closes it. Echoes the path.
hostile_fifo() {
  local path=$1 content=${2:-}
  rm -f "$path"
  mkfifo "$path"
  if [ -n "$content" ]; then
    (trap - EXIT; cat "$content" >"$path") 2>/dev/null &
  else
    (trap - EXIT; : >"$path") &
  fi
  hostile_fifo_writer=$!
}

# After a FIFO case: a writer still blocked in open(2) (the command never opened the FIFO) is
# released by a reader, then reaped.
hostile_fifo_done() {
  if kill -0 "$hostile_fifo_writer" 2>/dev/null; then
    timeout 5 cat "$1" >/dev/null 2>&1
  fi
  wait "$hostile_fifo_writer" 2>/dev/null
  return 0
}

# The unreadable-file route. As root, chmod 000 does not stop reading, so a file that opens but
# cannot be read stands in: /proc/self/mem (read(2) at offset 0 fails with EIO). Sets
# hostile_unreadable to the path and hostile_unreadable_code to the expected status.
hostile_unreadable_setup() {
  if [ "$(id -u)" -ne 0 ]; then
    hostile_unreadable=$hostile_dir/unreadable
    : >"$hostile_unreadable"
    chmod 000 "$hostile_unreadable"
    hostile_unreadable_code=66
    hostile_unreadable_regex='unreadable: cannot open for reading: Permission denied'
  else
    echo "note: running as root, where chmod 000 does not block reading; testing an unreadable" \
      "file with /proc/self/mem (opens, then read(2) fails with EIO) instead" >&2
    hostile_unreadable=/proc/self/mem
    hostile_unreadable_code=74
    hostile_unreadable_regex='/proc/self/mem: .*(Input/output error|read)'
  fi
}

# A directory the apps cannot write into. As root, a read-only mode does not stop writing; then a
# read-only tmpfs stands in where mount is allowed (EROFS), else /proc/self (which refuses new
# files whatever the user).
hostile_readonly_setup() {
  hostile_readonly=$hostile_dir/readonly
  mkdir -p "$hostile_readonly"
  if [ "$(id -u)" -ne 0 ]; then
    chmod 555 "$hostile_readonly"
  elif mount -t tmpfs -o ro,size=64k tmpfs "$hostile_readonly" 2>/dev/null; then
    hostile_mounts+=("$hostile_readonly")
  else
    echo "note: running as root without mount: /proc/self stands in for a read-only directory" >&2
    hostile_readonly=/proc/self
  fi
}

# Mounts made by the tests, undone on exit (with the removal of $work that common.bash does).
# Only the main shell cleans up: bash runs the EXIT trap in a background subshell killed by a signal
# before its own `trap - EXIT`, which removed $work mid-test.
hostile_mounts=()
hostile_cleanup() {
  [ "$BASHPID" = "$$" ] || return 0
  local m
  for m in "${hostile_mounts[@]}"; do umount "$m" 2>/dev/null; done
  rm -rf "$work"
}
trap hostile_cleanup EXIT

# hostile_full_disk COMMAND...: runs COMMAND with a file size limit of 64 KiB (RLIMIT_FSIZE), so
# that writing past it fails with EFBIG as on a full disk. The apps ignore SIGXFSZ themselves;
# the shell does not ignore it here, to test that.
hostile_full_disk() {
  (trap - EXIT; ulimit -f 64 && exec "$@")
}

hostile_finish() {
  echo "hostile inputs tried: $hostile_tried"
  finish
}
