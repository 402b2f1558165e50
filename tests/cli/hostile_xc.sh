#!/usr/bin/env bash
# Hostile input to every reader of slide-xc (issue 8): XC data (train and the streaming predict),
# the split X_Xf / X_Y files, LIBSVM, model files (predict -m, test -m) and checkpoints
# (train --resume). Each case checks the exit status of apps/common/exit_codes.h, one line on
# stderr naming the file (and line) and what was expected, and that a good output file already at
# the output path is left byte-identical. Then the outputs: a missing or read-only directory, a
# full disk (a small tmpfs where mount is allowed, and RLIMIT_FSIZE in any case), a full stdout.
source "$(dirname "$0")/common.bash"
source "$(dirname "$0")/hostile_lib.bash"
h=$hostile_dir
xc() { "$SLIDE_XC" "$@"; }

data=$SLIDE_SOURCE_DIR/corpora/bibtex
zstd -dc "$data/bibtex_train.txt.zst" | head -301 | sed '1s/.*/300 1836 159/' >"$h/small.txt"
{ echo "300 1836"; tail -n +2 "$h/small.txt" | sed -E 's/^[^ ]* //'; } >"$h/X_Xf.txt"
{ echo "300 159"; tail -n +2 "$h/small.txt" | awk '{ n = split($1, l, ","); s = "";
    for (i = 1; i <= n; i++) s = s (i > 1 ? " " : "") l[i] ":1"; print s }'; } >"$h/X_Y.txt"
tail -n +2 "$h/small.txt" | awk '{ s = $1; for (i = 2; i <= NF; i++) { split($i, p, ":");
    s = s " " (p[1] + 1) ":" p[2] } print s }' >"$h/libsvm.txt"

fast=(--threads 1 -q --hidden 16)
expect_exit 0 xc train -i "$h/small.txt" -o "$h/good.model" -e 1 "${fast[@]}" || finish
mkdir -p "$h/out"
cp "$h/good.model" "$h/out/train.model"
expect_exit 0 xc predict -m "$h/good.model" -i "$h/small.txt" -o "$h/out/pred.txt" || finish
cp "$h/out/pred.txt" "$h/good_pred.txt"
# A good checkpoint: a long run stopped by SIGINT once its first checkpoint is there (it saves
# another and exits 130).
"$SLIDE_XC" train -i "$h/small.txt" -o "$h/ckpt_run.model" "${fast[@]}" -e 100000 --checkpoint "$h/good.ckpt" &
ckpt_pid=$!
for _ in $(seq 600); do [ -s "$h/good.ckpt" ] && break; sleep 0.05; done
kill -INT "$ckpt_pid"
wait "$ckpt_pid"
ckpt_status=$?
[ "$ckpt_status" -eq 130 ] || fail "the checkpoint run exited $ckpt_status after SIGINT, expected 130"
[ -s "$h/good.ckpt" ] || { fail "no checkpoint to start from"; finish; }

# The commands, one per reader, with the hostile file as their argument and a good output at
# their output path.
r_xc_train() { xc train -i "$1" -o "$h/out/train.model" -e 1 "${fast[@]}"; }
r_xc_predict() { xc predict -m "$h/good.model" -i "$1" -o "$h/out/pred.txt"; }
r_split_x() { xc train --format split -i "$1" --input-labels "$h/X_Y.txt" -o "$h/out/train.model" -e 1 "${fast[@]}"; }
r_split_y() { xc train --format split -i "$h/X_Xf.txt" --input-labels "$1" -o "$h/out/train.model" -e 1 "${fast[@]}"; }
r_libsvm() { xc train --format libsvm -i "$1" -o "$h/out/train.model" -e 1 "${fast[@]}"; }
r_model_predict() { xc predict -m "$1" -i "$h/small.txt" -o "$h/out/pred.txt"; }
r_model_test() { xc test -m "$1" -i "$h/small.txt"; }
r_xc_test() { xc test -m "$h/good.model" -i "$1"; }
r_xc_train_test() { xc train -i "$h/small.txt" -t "$1" -o "$h/out/train.model" -e 1 "${fast[@]}"; }
r_resume() { xc train -i "$h/small.txt" -o "$h/out/train.model" "${fast[@]}" -e 2 --resume --checkpoint "$1"; }

outs_of() {
  case $1 in
    r_xc_predict | r_model_predict) echo "--out $h/out/pred.txt" ;;
    r_model_test | r_xc_test) echo "--stdout-empty" ;;
    *) echo "--out $h/out/train.model" ;;
  esac
}

hostile_unreadable_setup
long=$(hostile_long_line)
hostile_random "$h/random" 65536 8
mkdir -p "$h/a_directory"

# generic_cases READER FUNCTION GOOD_INPUT: the cases every reader gets.
generic_cases() {
  local reader=$1 fn=$2 good=$3 outs kind
  outs=$(outs_of "$fn")
  local base
  base=$(basename "$good")
  : >"$h/empty"
  hostile "$reader" "empty file" 65 "^slide-xc: .*empty(:1:1)?: .*(empty file|header|rows|magic|short)" $outs -- $fn "$h/empty"
  hostile "$reader" "random bytes" 65 "^slide-xc: .*random(:[0-9]+)*: " $outs -- $fn "$h/random"
  [ "$good" -ef "$h/$base" ] || cp "$good" "$h/$base"
  hostile_compressed "$h/$base"
  for kind in gz zst bz2 xz; do
    hostile "$reader" "$kind truncated mid-stream" 65 "$base\\.$kind\\.cut(:[0-9]+)*: .*(truncated|corrupt|ends|magic|header)" \
      $outs -- $fn "$h/$base.$kind.cut"
    hostile "$reader" "$kind one byte flipped" 65 "$base\\.$kind\\.flip(:[0-9]+)*: .*(corrupt|CRC|mismatch|invalid|checksum|magic|header|expected)" \
      $outs -- $fn "$h/$base.$kind.flip"
  done
  hostile "$reader" "100 MB line without newline" 65 "long(:1)?(:[0-9]+)*: " $outs -- $fn "$long"
  hostile "$reader" "a directory" 66 "a_directory: cannot open for reading: is a directory" $outs -- $fn "$h/a_directory"
  hostile_fifo "$h/fifo" "$good"
  hostile "$reader" "FIFO with a writer sending valid data" 0 "" -- $fn "$h/fifo"
  hostile_fifo_done "$h/fifo"
  hostile_fifo "$h/fifo"
  hostile "$reader" "empty FIFO (writer closes)" 65 "fifo(:[0-9]+)*: " $outs -- $fn "$h/fifo"
  hostile_fifo_done "$h/fifo"
  hostile "$reader" "unreadable file" "$hostile_unreadable_code" "$hostile_unreadable_regex" $outs -- $fn "$hostile_unreadable"
}

# text_cases READER FUNCTION GOOD_INPUT: edits of a good text input (awk/sed), for the data readers.
# Each edit names the line it damages, so the message must name that line.
text_case() {
  local reader=$1 fn=$2 case=$3 code=$4 regex=$5 file=$6 outs
  outs=$(outs_of "$fn")
  hostile "$reader" "$case" "$code" "$regex" $outs -- $fn "$file"
}

# ---- XC data (one file, header N F L): train loads it whole, predict streams it in batches.
for pair in "xc train:r_xc_train" "xc predict:r_xc_predict"; do
  reader=${pair%%:*} fn=${pair##*:}
  generic_cases "$reader" "$fn" "$h/small.txt"
  s=$h/small.txt
  sed '5s/^[0-9,]*/159/' "$s" >"$h/label_range.txt"
  text_case "$reader" "$fn" "label id out of range" 65 "label_range\\.txt:5:[0-9]+: label id 159 out of range \\((header says|) ?159 labels( given)?\\)" "$h/label_range.txt"
  sed '7s/ [0-9]*:/ 1836:/' "$s" >"$h/feature_range.txt"
  text_case "$reader" "$fn" "feature id out of range" 65 "feature_range\\.txt:7:[0-9]+: feature id 1836 out of range \\((header says|) ?1836 features( given)?\\)" "$h/feature_range.txt"
  sed '9s/ [0-9]*:/ -3:/' "$s" >"$h/negative.txt"
  text_case "$reader" "$fn" "negative feature id" 65 "negative\\.txt:9:[0-9]+: a non-negative feature id, got '-3:" "$h/negative.txt"
  sed '9s/^[0-9,]*/-2/' "$s" >"$h/negative_label.txt"
  text_case "$reader" "$fn" "negative label id" 65 "negative_label\\.txt:9:1: a non-negative label id, got '-2" "$h/negative_label.txt"
  sed '11s/ [0-9]*:/ 4294967296:/' "$s" >"$h/beyond32.txt"
  text_case "$reader" "$fn" "feature id beyond 2^32" 65 "beyond32\\.txt:11:[0-9]+: feature id 4294967296 too large" "$h/beyond32.txt"
  sed '11s/^[0-9,]*/18446744073709551617/' "$s" >"$h/beyond64.txt"
  text_case "$reader" "$fn" "label id beyond 2^64" 65 "beyond64\\.txt:11:1: label id 18446744073709551617 too large" "$h/beyond64.txt"
  sed '1s/.*/301 1836 159/' "$s" >"$h/more_rows.txt"
  text_case "$reader" "$fn" "header says more rows" 65 "more_rows\\.txt:301: (301 rows as the header says, but the file ends after 300|the header says 301 rows, found 300)" "$h/more_rows.txt"
  sed '1s/.*/299 1836 159/' "$s" >"$h/fewer_rows.txt"
  text_case "$reader" "$fn" "header says fewer rows" 65 "fewer_rows\\.txt:301: (no more rows than the header's 299|the header says 299 rows, found 300)" "$h/fewer_rows.txt"
  sed '1s/.*/300 100 159/' "$s" >"$h/few_features.txt"
  text_case "$reader" "$fn" "header says fewer features" 65 "few_features\\.txt:[0-9]+:[0-9]+: feature id [0-9]+ out of range \\((header says|) ?100 features( given)?\\)" "$h/few_features.txt"
  sed '1s/.*/300 1836/' "$s" >"$h/short_header.txt"
  text_case "$reader" "$fn" "header of two numbers" 65 "short_header\\.txt:1:1: a header .(points features labels|N F L).* got '300 1836'" "$h/short_header.txt"
  for v in nan inf -inf 1e300 1e39; do
    sed "13s/:[^ ]*/:$v/" "$s" >"$h/value_$v.txt"
    text_case "$reader" "$fn" "value $v" 65 "value_$v\\.txt:13:[0-9]+: a (finite value|value within float range), got '$v'" "$h/value_$v.txt"
  done
  sed '15s/ [0-9]*:/ \xff\xfe:/' "$s" >"$h/non_utf8.txt"
  text_case "$reader" "$fn" "non-UTF-8 bytes" 65 "non_utf8\\.txt:15:[0-9]+: a feature id \\(a non-negative integer\\), got '\\\\xff\\\\xfe:" "$h/non_utf8.txt"
  { head -n 20 "$s"; head -c 100000000 /dev/zero | tr '\0' '7'; } >"$h/long_row.txt"
  text_case "$reader" "$fn" "100 MB row of digits after 19 rows" 65 "long_row\\.txt:21: (a line of at most|no more rows)" "$h/long_row.txt"
  rm -f "$h/long_row.txt"
done

# ---- XC data through `test -i` (loaded whole, metrics on stdout) and `train -t` (the test file).
generic_cases "xc test -i" r_xc_test "$h/small.txt"
text_case "xc test -i" r_xc_test "value nan" 65 "value_nan\\.txt:13:[0-9]+: a finite value, got 'nan'" "$h/value_nan.txt"
text_case "xc test -i" r_xc_test "header says more rows" 65 "more_rows\\.txt:301: " "$h/more_rows.txt"
text_case "xc train -t" r_xc_train_test "empty file" 65 "empty:1:1: a header" "$h/empty"
text_case "xc train -t" r_xc_train_test "zst truncated mid-stream" 65 "small\\.txt\\.zst\\.cut: truncated zstd frame" "$h/small.txt.zst.cut"
text_case "xc train -t" r_xc_train_test "label id out of range" 65 "label_range\\.txt:5:1: label id 159 out of range" "$h/label_range.txt"

# ---- The split variant: features file and labels file.
generic_cases "split X_Xf" r_split_x "$h/X_Xf.txt"
sed '1s/.*/301 1836/' "$h/X_Xf.txt" >"$h/xf_rows.txt"
text_case "split X_Xf" r_split_x "headers disagree on rows" 65 "X_Y\\.txt:1: the same number of points as .*xf_rows\\.txt \\(301\\), got 300" "$h/xf_rows.txt"
sed '4s/ [0-9]*:/ 1836:/' "$h/X_Xf.txt" >"$h/xf_range.txt"
text_case "split X_Xf" r_split_x "feature id out of range" 65 "xf_range\\.txt:4:[0-9]+: feature id 1836 out of range" "$h/xf_range.txt"
sed '4s/:[^ ]*/:nan/' "$h/X_Xf.txt" >"$h/xf_nan.txt"
text_case "split X_Xf" r_split_x "value nan" 65 "xf_nan\\.txt:4:[0-9]+: a finite value, got 'nan'" "$h/xf_nan.txt"
head -n 200 "$h/X_Xf.txt" | sed '1s/.*/199 1836/' >"$h/xf_short.txt"
text_case "split X_Xf" r_split_x "fewer rows than the labels" 65 "X_Y\\.txt:1: the same number of points as .*xf_short\\.txt \\(199\\), got 300" "$h/xf_short.txt"
generic_cases "split X_Y" r_split_y "$h/X_Y.txt"
sed '6s/^[0-9]*:/159:/' "$h/X_Y.txt" >"$h/y_range.txt"
text_case "split X_Y" r_split_y "label id out of range" 65 "y_range\\.txt:6:1: label id 159 out of range \\(header says 159 labels\\)" "$h/y_range.txt"
sed '6s/^[0-9]*:/-1:/' "$h/X_Y.txt" >"$h/y_negative.txt"
text_case "split X_Y" r_split_y "negative label id" 65 "y_negative\\.txt:6:1: a non-negative label id" "$h/y_negative.txt"
sed '6s/:1/:inf/' "$h/X_Y.txt" >"$h/y_inf.txt"
text_case "split X_Y" r_split_y "label value inf" 65 "y_inf\\.txt:6:[0-9]+: a finite value, got 'inf'" "$h/y_inf.txt"

# ---- LIBSVM (no header; 1-based features).
generic_cases "libsvm" r_libsvm "$h/libsvm.txt"
sed '3s/ [0-9]*:/ 0:/' "$h/libsvm.txt" >"$h/l_zero.txt"
text_case "libsvm" r_libsvm "feature id 0 (ids start at 1)" 65 "l_zero\\.txt:3:[0-9]+: feature id 0 below 1 \\(LIBSVM feature ids start at 1\\)" "$h/l_zero.txt"
sed '3s/ [0-9]*:/ 4294967296:/' "$h/libsvm.txt" >"$h/l_beyond.txt"
text_case "libsvm" r_libsvm "feature id beyond 2^32" 65 "l_beyond\\.txt:3:[0-9]+: feature id 4294967296 too large" "$h/l_beyond.txt"
sed '3s/:[^ ]*/:1e300/' "$h/libsvm.txt" >"$h/l_big.txt"
text_case "libsvm" r_libsvm "value 1e300" 65 "l_big\\.txt:3:[0-9]+: a value within float range, got '1e300'" "$h/l_big.txt"
sed '3s/ [0-9]*:/ \x80:/' "$h/libsvm.txt" >"$h/l_utf.txt"
text_case "libsvm" r_libsvm "non-UTF-8 bytes" 65 "l_utf\\.txt:3:[0-9]+: a feature id .*\\\\x80" "$h/l_utf.txt"

# ---- Model files (predict -m, test -m) and checkpoints (--resume), from the good model.
size=$(stat -c %s "$h/good.model")
head -c $((size / 2)) "$h/good.model" >"$h/half.model"
cp "$h/good.model" "$h/flip.model"
printf '\x55' | dd of="$h/flip.model" bs=1 seek=$((size / 2)) conv=notrunc status=none
head -c 6 "$h/good.model" >"$h/magic_only.model"
size=$(stat -c %s "$h/good.ckpt")
head -c $((size / 2)) "$h/good.ckpt" >"$h/half.ckpt"
cp "$h/good.ckpt" "$h/flip.ckpt"
printf '\x55' | dd of="$h/flip.ckpt" bs=1 seek=$((size / 2)) conv=notrunc status=none
head -c 6 "$h/good.ckpt" >"$h/magic_only.ckpt"
for pair in "model (predict -m):r_model_predict:model" "model (test -m):r_model_test:model" "checkpoint (train --resume):r_resume:ckpt"; do
  reader=${pair%%:*} rest=${pair#*:} fn=${rest%%:*} ext=${pair##*:}
  generic_cases "$reader" "$fn" "$h/good.$ext"
  outs=$(outs_of "$fn")
  hostile "$reader" "truncated at half" 65 "half\\.$ext: (truncated|.*ends)" $outs -- $fn "$h/half.$ext"
  hostile "$reader" "one byte flipped" 65 "flip\\.$ext: .*(CRC|checksum|corrupt)" $outs -- $fn "$h/flip.$ext"
  hostile "$reader" "first 6 bytes only" 65 "magic_only\\.$ext: " $outs -- $fn "$h/magic_only.$ext"
done
# A model is not a checkpoint: the kind is checked.
# (predict accepts a checkpoint as a model on purpose: see slide-xc(1).)
hostile "model (predict -m)" "a checkpoint given as model (legal)" 0 "" -- r_model_predict "$h/good.ckpt"
hostile "checkpoint (train --resume)" "a model file given as checkpoint" 65 "good\\.model: is a xc model file \\(kind 2\\), expected checkpoint" \
  --out "$h/out/train.model" -- r_resume "$h/good.model"

# ---- Outputs: missing and read-only directories, a full disk, a full stdout.
hostile_readonly_setup
hostile "model output" "missing directory" 73 "no/such/dir/m: cannot create: No such file or directory" \
  -- xc train -i "$h/small.txt" -o "$h/no/such/dir/m" -e 1 "${fast[@]}"
hostile "predictions output" "missing directory" 73 "no/such/dir/p: cannot create: No such file or directory" \
  -- xc predict -m "$h/good.model" -i "$h/small.txt" -o "$h/no/such/dir/p"
hostile "model output" "read-only directory" 73 "$hostile_readonly/m: cannot create: " \
  -- xc train -i "$h/small.txt" -o "$hostile_readonly/m" -e 1 "${fast[@]}"
hostile "predictions output" "read-only directory" 73 "$hostile_readonly/p: cannot create: " \
  -- xc predict -m "$h/good.model" -i "$h/small.txt" -o "$hostile_readonly/p"
hostile "predictions output" "stdout is /dev/full" 74 "<stdout>: write error: No space left on device" \
  -- bash -c '"$0" predict -m "$1" -i "$2" -o - >/dev/full' "$SLIDE_XC" "$h/good.model" "$h/small.txt"
hostile "metrics output (test)" "stdout is /dev/full" 74 "<stdout>: write error: (No space left on device|the output is incomplete)" \
  -- bash -c '"$0" test -m "$1" -i "$2" >/dev/full' "$SLIDE_XC" "$h/good.model" "$h/small.txt"

# Devices and FIFOs as outputs are written in place: /dev/null stays a device, a FIFO's reader gets
# the predictions, /dev/stdout stays a link; a model (whose header is patched at the end) needs a
# regular file. (Other programs run as root may have replaced /dev/null already: then that case is
# skipped.)
if [ -c /dev/null ]; then
  hostile "predictions output" "/dev/null" 0 "" -- xc predict -m "$h/good.model" -i "$h/small.txt" -o /dev/null
  [ -c /dev/null ] || fail "/dev/null is no longer a character device"
  ls -A /dev | grep -q '^\.null\.tmp\.' && fail "a temporary file was left in /dev"
else
  echo "note: /dev/null is not a character device on this machine; its case is skipped" >&2
fi
rm -f "$h/pfifo"; mkfifo "$h/pfifo"
(trap - EXIT; cat "$h/pfifo" >"$h/from_fifo.txt") &
fifo_reader=$!
hostile "predictions output" "a FIFO" 0 "" -- xc predict -m "$h/good.model" -i "$h/small.txt" -o "$h/pfifo"
wait "$fifo_reader"
cmp -s "$h/from_fifo.txt" "$h/good_pred.txt" || fail "the FIFO's reader did not get the predictions"
hostile "predictions output" "/dev/stdout onto a regular file" 0 "" -- \
  bash -c '"$0" predict -m "$1" -i "$2" -o /dev/stdout >"$3"' "$SLIDE_XC" "$h/good.model" "$h/small.txt" "$h/via_stdout.txt"
cmp -s "$h/via_stdout.txt" "$h/good_pred.txt" || fail "-o /dev/stdout did not write the predictions"
[ -L /dev/stdout ] || fail "/dev/stdout is no longer a symbolic link"
hostile "model output" "/dev/null" 64 "/dev/null: a model file must be a regular file" \
  -- xc train -i "$h/small.txt" -o /dev/null -e 1 "${fast[@]}"

# A full disk through RLIMIT_FSIZE (64 KiB): write(2) fails with EFBIG, which the apps see because
# they ignore SIGXFSZ. The good file already there is larger than the limit allows to rewrite.
hostile "model output" "file size limit (RLIMIT_FSIZE, EFBIG)" 74 "train\\.model: write error: File too large" \
  --out "$h/out/train.model" -- hostile_full_disk "$SLIDE_XC" train -i "$h/small.txt" -o "$h/out/train.model" -e 1 "${fast[@]}"
zstd -dc "$data/bibtex_train.txt.zst" | head -3001 | sed '1s/.*/3000 1836 159/' >"$h/big.txt"
hostile "predictions output" "file size limit (RLIMIT_FSIZE, EFBIG)" 74 "pred\\.txt: write error: File too large" \
  --out "$h/out/pred.txt" -- hostile_full_disk "$SLIDE_XC" predict -m "$h/good.model" -i "$h/big.txt" -o "$h/out/pred.txt"

# A really full file system: a 256 KiB tmpfs, filled up, where mounting is allowed.
full=$h/full
mkdir -p "$full"
if mount -t tmpfs -o size=256k tmpfs "$full" 2>/dev/null; then
  hostile_mounts+=("$full")
  cp "$h/out/pred.txt" "$full/pred.txt"
  cp "$h/good.model" "$full/train.model" 2>/dev/null || head -c 100000 "$h/good.model" >"$full/train.model"
  dd if=/dev/zero of="$full/filler" bs=4k status=none 2>/dev/null
  hostile "predictions output" "full tmpfs (ENOSPC)" 74 "full/pred\\.txt: (write error|cannot sync).*No space left on device" \
    --out "$full/pred.txt" -- xc predict -m "$h/good.model" -i "$h/big.txt" -o "$full/pred.txt"
  hostile "model output" "full tmpfs (ENOSPC)" 74 "full/train\\.model: (write error|cannot sync).*No space left on device" \
    --out "$full/train.model" -- xc train -i "$h/small.txt" -o "$full/train.model" -e 1 "${fast[@]}"
  umount "$full"
else
  echo "note: mount -t tmpfs is not permitted here; the full disk is tested through RLIMIT_FSIZE and /dev/full only" >&2
fi
hostile_finish
