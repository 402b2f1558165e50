#!/usr/bin/env bash
# Decode throughput of the input streams per format on a ~50 MB text (docs/PERFORMANCE.md,
# "Input streams"). Usage: scripts/benchmarks/io_bench.sh [BUILD_DIR]  (default build/)
# Makes the data in $SLIDE_IO_BENCH_DIR (default /tmp/slide-io-bench) once, from the one-line
# corpus named by $SLIDE_IO_BENCH_CORPUS (the figures used the 34 MB Text8-like corpus; text8 from
# scripts/fetch-text8, decompressed, serves as well), then runs io_bench and, as a baseline in the
# same run, each format's own command-line decoder.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build}
dir=${SLIDE_IO_BENCH_DIR:-/tmp/slide-io-bench}
export SLIDE_IO_BENCH_DIR=$dir
mkdir -p "$dir"
if [ ! -s "$dir/text.txt.xz" ]; then
  # text8-like corpus (34 MB, one line) folded into ~200-character lines, plus its first 16 MB
  # again: the repeat is 34 MB back, beyond every compressor's window at these levels.
  corpus=${SLIDE_IO_BENCH_CORPUS:?set SLIDE_IO_BENCH_CORPUS to a one-line text corpus (e.g. text8)}
  cp "$corpus" "$dir/text8.txt"
  { fold -s -w 200 "$dir/text8.txt"; head -c 16000000 "$dir/text8.txt" | fold -s -w 200; } \
    > "$dir/text.txt"
  rm "$dir/text8.txt"
  gzip -6 -c "$dir/text.txt" > "$dir/text.txt.gz"
  zstd -q -3 -c "$dir/text.txt" > "$dir/text.txt.zst"
  bzip2 -9 -c "$dir/text.txt" > "$dir/text.txt.bz2"
  xz -6 -T1 -c "$dir/text.txt" > "$dir/text.txt.xz"
fi
ls -l "$dir"
"$build/scripts/benchmarks/io_bench" --benchmark_counters_tabular=true "${@:2}"
# The machine may be shared: compare CPU seconds (Google Benchmark's rate is per CPU second too).
echo "command-line decoders (user+sys CPU seconds, output to /dev/null):"
size=$(stat -c %s "$dir/text.txt")
TIMEFORMAT='%U %S %R'
for tool in "cat" "gzip -dc" "zstd -dc" "bzip2 -dc" "xz -dc -T1"; do
  case $tool in cat) f=text.txt;; gzip*) f=text.txt.gz;; zstd*) f=text.txt.zst;;
    bzip2*) f=text.txt.bz2;; xz*) f=text.txt.xz;; esac
  times=$( { time $tool "$dir/$f" > /dev/null; } 2>&1 )
  awk -v t="$tool" -v n="$size" -v times="$times" 'BEGIN { split(times, x, " ");
    printf "  %-12s cpu %7.3f s  %8.1f MB/s  (wall %.3f s)\n", t, x[1] + x[2], n / (x[1] + x[2] + 1e-9) / 1e6, x[3] }'
done
