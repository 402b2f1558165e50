#!/usr/bin/env bash
# Hostile input to every reader of slide-w2v (issue 8): the training corpus, vocabulary files
# (--read-vocab), vector files in the three formats (as read by nearest, analogy and similarity),
# analogy question files, word-pair files and checkpoints (--resume); then the outputs (missing
# and read-only directory, full disk, full stdout). Same contract as hostile_xc.sh: the exit status of exit_codes.h, one
# line on stderr naming the file (and line) and what was expected, a good output never replaced.
source "$(dirname "$0")/common.bash"
source "$(dirname "$0")/hostile_lib.bash"
h=$hostile_dir
w2v() { "$SLIDE_W2V" "$@"; }

questions=$SLIDE_SOURCE_DIR/corpora/word2vec-eval/questions-words.txt
pairs=$SLIDE_SOURCE_DIR/corpora/word2vec-eval/wordsim353.tsv
# A small corpus in which the question and pair words occur (so that the evaluations have work).
zstd -dc "$SLIDE_SOURCE_DIR/corpora/wikitext-2/valid.txt.zst" | head -n 600 >"$h/corpus.txt"
fast=(--size 8 --iter 1 --min-count 1 --window 2 --negative 2 -t 1 -q)
mkdir -p "$h/out"
expect_exit 0 w2v -i "$h/corpus.txt" -o "$h/out/vec.txt" "${fast[@]}" --save-vocab "$h/vocab.txt" || finish
expect_exit 0 w2v -i "$h/corpus.txt" -o "$h/good.bin" "${fast[@]}" --format w2v-bin || finish
expect_exit 0 w2v -i "$h/corpus.txt" -o "$h/good.vec" "${fast[@]}" --format vec || finish
cp "$h/out/vec.txt" "$h/good.txt"
cp "$h/vocab.txt" "$h/out/vocab.txt"
head -n 400 "$questions" >"$h/questions.txt"
cp "$pairs" "$h/pairs.tsv"

r_corpus() { w2v -i "$1" -o "$h/out/vec.txt" "${fast[@]}"; }
r_vocab() { w2v -i "$h/corpus.txt" --read-vocab "$1" -o "$h/out/vec.txt" "${fast[@]}"; }
r_nearest() { w2v nearest -v "$1" -k 3 the; }
r_analogy() { w2v analogy -v "$1" -q "$h/questions.txt"; }
r_similarity() { w2v similarity -v "$1" -p "$h/pairs.tsv"; }
r_questions() { w2v analogy -v "$h/good.txt" -q "$1"; }
r_pairs() { w2v similarity -v "$h/good.txt" -p "$1"; }
outs_of() {
  case $1 in
    r_corpus | r_vocab) echo "--out $h/out/vec.txt" ;;
    *) echo "--stdout-empty" ;;
  esac
}

hostile_unreadable_setup
long=$(hostile_long_line)
hostile_random "$h/random" 65536 8
mkdir -p "$h/a_directory"

# generic_cases READER FUNCTION GOOD_INPUT RANDOM_CODE LONG_CODE: the cases every reader gets.
# RANDOM_CODE and LONG_CODE: 0 where such bytes are legal (a corpus is any bytes, and one 100 MB
# line is Text8's layout), else 65.
generic_cases() {
  local reader=$1 fn=$2 good=$3 random_code=$4 long_code=$5 empty_code=${6:-65} outs base ext=
  outs=$(outs_of "$fn")
  base=$(basename "$good")
  : >"$h/empty"
  hostile "$reader" "empty file" "$empty_code" "empty(:[0-9]+)*: " $outs -- $fn "$h/empty"
  local random_regex="random(:[0-9]+)*: "
  [ "$random_code" -eq 0 ] && random_regex=""
  hostile "$reader" "random bytes" "$random_code" "$random_regex" $outs -- $fn "$h/random"
  [ "$good" -ef "$h/$base" ] || cp "$good" "$h/$base"
  hostile_compressed "$h/$base"
  for ext in gz zst bz2 xz; do
    hostile "$reader" "$ext truncated mid-stream" 65 "$base\\.$ext\\.cut(:[0-9]+)*: .*(truncated|corrupt|ends)" \
      $outs -- $fn "$h/$base.$ext.cut"
    hostile "$reader" "$ext one byte flipped" 65 "$base\\.$ext\\.flip(:[0-9]+)*: .*(corrupt|CRC|mismatch|invalid|checksum)" \
      $outs -- $fn "$h/$base.$ext.flip"
  done
  if [ "$long_code" -eq 0 ]; then
    hostile "$reader" "100 MB line without newline" 0 "" $outs -- $fn "$long"
  else
    hostile "$reader" "100 MB line without newline" 65 "long:1: a line of at most 67108864 bytes" $outs -- $fn "$long"
  fi
  hostile "$reader" "a directory" 66 "a_directory: cannot open for reading: is a directory" $outs -- $fn "$h/a_directory"
  hostile_fifo "$h/fifo" "$good"
  if [ "$fn" = r_corpus ]; then
    # Read twice (vocabulary, then training), so refused like standard input without --read-vocab.
    hostile "$reader" "FIFO without --read-vocab (read twice)" 64 "fifo \\(not a regular file\\) needs --read-vocab" $outs -- $fn "$h/fifo"
  else
    hostile "$reader" "FIFO with a writer sending valid data" 0 "" -- $fn "$h/fifo"
  fi
  hostile_fifo_done "$h/fifo"
  hostile_fifo "$h/fifo"
  if [ "$fn" = r_corpus ]; then
    hostile "$reader" "empty FIFO without --read-vocab" 64 "fifo \\(not a regular file\\) needs --read-vocab" $outs -- $fn "$h/fifo"
  else
    hostile "$reader" "empty FIFO (writer closes)" "$empty_code" "fifo(:[0-9]+)*: " $outs -- $fn "$h/fifo"
  fi
  hostile_fifo_done "$h/fifo"
  hostile "$reader" "unreadable file" "$hostile_unreadable_code" "$hostile_unreadable_regex" $outs -- $fn "$hostile_unreadable"
}

case_of() {
  local reader=$1 fn=$2 case=$3 code=$4 regex=$5 file=$6 outs
  outs=$(outs_of "$fn")
  hostile "$reader" "$case" "$code" "$regex" $outs -- $fn "$file"
}

# ---- Corpus: any bytes are words, one 100 MB line is legal (Text8) and must be read in bounded
# memory. The corpus is read twice (vocabulary, then training), so a FIFO needs --read-vocab,
# exactly like standard input.
generic_cases "corpus (train -i)" r_corpus "$h/corpus.txt" 0 0
/usr/bin/time -f '%M' -o "$work/rss" "$SLIDE_W2V" -i "$long" -o "$h/out/long.txt" "${fast[@]}" 2>/dev/null
rss_kib=$(tail -n 1 "$work/rss")
[ "$rss_kib" -lt 262144 ] || fail "corpus of one 100 MB line: max RSS $rss_kib KiB (>= 256 MiB)"
echo "corpus of one 100 MB line: max RSS $rss_kib KiB"
[ "$(head -n 1 "$h/out/long.txt")" = "2 8" ] || fail "100 MB line: expected 2 words (</s> and the truncated word), got: $(head -n 1 "$h/out/long.txt")"
rm -f "$h/out/long.txt"
hostile_fifo "$h/fifo" "$h/corpus.txt"
hostile "corpus (train -i)" "FIFO with --read-vocab" 0 "" -- \
  w2v -i "$h/fifo" --read-vocab "$h/vocab.txt" -o "$h/out/fifo.txt" "${fast[@]}"
hostile_fifo_done "$h/fifo"
[ -s "$h/out/fifo.txt" ] || fail "FIFO with --read-vocab wrote no vectors"
printf 'caf\xe9 na\xefve \xff\xfe\x80 \xc3\x28 word\n%.0s' {1..50} >"$h/latin1.txt"
case_of "corpus (train -i)" r_corpus "non-UTF-8 bytes" 0 "" "$h/latin1.txt"
printf '   \n\t\n\n' >"$h/blank.txt"
case_of "corpus (train -i)" r_corpus "only blanks" 65 "blank\\.txt: (a corpus with at least one word|at least one word seen --min-count)" "$h/blank.txt"

# ---- Vocabulary files (--read-vocab).
generic_cases "vocabulary (--read-vocab)" r_vocab "$h/vocab.txt" 65 65
sed '5s/ [0-9]*$/ -5/' "$h/vocab.txt" >"$h/v_negative.txt"
case_of "vocabulary (--read-vocab)" r_vocab "negative count" 65 "v_negative\\.txt:5:[0-9]+: a non-negative decimal count after the word, got '-5'" "$h/v_negative.txt"
sed '6s/ [0-9]*$/ 18446744073709551616/' "$h/vocab.txt" >"$h/v_huge.txt"
case_of "vocabulary (--read-vocab)" r_vocab "count beyond 2^64" 65 "v_huge\\.txt:6:[0-9]+: a non-negative decimal count after the word, got '18446744073709551616'" "$h/v_huge.txt"
sed '7s/ [0-9]*$/ nan/' "$h/vocab.txt" >"$h/v_nan.txt"
case_of "vocabulary (--read-vocab)" r_vocab "count nan" 65 "v_nan\\.txt:7:[0-9]+: a non-negative decimal count after the word, got 'nan'" "$h/v_nan.txt"
sed '7s/ [0-9]*$/ 1e300/' "$h/vocab.txt" >"$h/v_big.txt"
case_of "vocabulary (--read-vocab)" r_vocab "count 1e300" 65 "v_big\\.txt:7:[0-9]+: a non-negative decimal count after the word, got '1e300'" "$h/v_big.txt"
sed -n '8p' "$h/vocab.txt" >>"$h/v_dup.txt"; cat "$h/vocab.txt" >>"$h/v_dup.txt"
case_of "vocabulary (--read-vocab)" r_vocab "a word twice" 65 "v_dup\\.txt:9: each word once, but '.*' is also on line 1" "$h/v_dup.txt"
{ cat "$h/vocab.txt"; printf 'caf\xe9 7\n\xff\xfe 3\n'; } >"$h/v_latin1.txt"
case_of "vocabulary (--read-vocab)" r_vocab "non-UTF-8 words" 0 "" "$h/v_latin1.txt"

# ---- Vector files, as nearest, analogy and similarity read them.
for fmt in txt bin vec; do
  generic_cases "vectors .$fmt (nearest -v)" r_nearest "$h/good.$fmt" 65 65
done
hostile "vectors .txt (analogy -v)" "empty file" 65 "empty:1: a header 'V D'" --stdout-empty -- r_analogy "$h/empty"
hostile "vectors .txt (similarity -v)" "empty file" 65 "empty:1: a header 'V D'" --stdout-empty -- r_similarity "$h/empty"
hostile "vectors .bin (analogy -v)" "zst truncated mid-stream" 65 "good\\.bin\\.zst\\.cut: .*truncated" --stdout-empty -- r_analogy "$h/good.bin.zst.cut"
hostile "vectors .bin (similarity -v)" "gz one byte flipped" 65 "good\\.bin\\.gz\\.flip: .*(corrupt|CRC)" --stdout-empty -- r_similarity "$h/good.bin.gz.flip"
v=$(head -n 1 "$h/good.txt" | cut -d' ' -f1)
for value in nan inf -inf 1e300 1e39; do
  sed "3s/ [^ ]* / $value /" "$h/good.txt" >"$h/t_$value.txt"
  case_of "vectors .txt (nearest -v)" r_nearest "value $value" 65 "t_$value\\.txt:3:[0-9]+: a finite number within float range, got '$value'" "$h/t_$value.txt"
done
/usr/bin/python3 - "$h/good.bin" "$h/b_nan.bin" <<'EOF'
import struct, sys
data = bytearray(open(sys.argv[1], 'rb').read())
first = data.index(b'\n') + 1           # after the header
space = data.index(b' ', first) + 1     # after the first word
data[space + 4:space + 8] = struct.pack('<f', float('nan'))
open(sys.argv[2], 'wb').write(data)
EOF
case_of "vectors .bin (nearest -v)" r_nearest "value NaN in a binary record" 65 "b_nan\\.bin: a finite value in vector 1 .*, got nan" "$h/b_nan.bin"
sed "1s/^[0-9]*/$((v + 1))/" "$h/good.txt" >"$h/t_more.txt"
case_of "vectors .txt (nearest -v)" r_nearest "header says more vectors" 65 "t_more\\.txt:$((v + 1)): $((v + 1)) vectors as the header says, got $v" "$h/t_more.txt"
sed "1s/^[0-9]*/$((v - 1))/" "$h/good.txt" >"$h/t_fewer.txt"
case_of "vectors .txt (nearest -v)" r_nearest "header says fewer vectors" 65 "t_fewer\\.txt:$((v + 1)): the end of the file after the $((v - 1)) vectors" "$h/t_fewer.txt"
sed "1s/ 8$/ 9/" "$h/good.txt" >"$h/t_dim.txt"
case_of "vectors .txt (nearest -v)" r_nearest "header says another dimension" 65 "t_dim\\.txt:2: 9 values after the word, got 8" "$h/t_dim.txt"
sed "1s/.*/1 1000000000000/" "$h/good.txt" >"$h/t_hugedim.txt"
case_of "vectors .txt (nearest -v)" r_nearest "dimension 10^12 in the header" 65 "t_hugedim\\.txt:1: .*dimension" "$h/t_hugedim.txt"
sed "1s/.*/18446744073709551617 8/" "$h/good.txt" >"$h/t_hugecount.txt"
case_of "vectors .txt (nearest -v)" r_nearest "count beyond 2^64 in the header" 65 "t_hugecount\\.txt:1: a header 'V D'" "$h/t_hugecount.txt"
sed "1s/.*/-3 8/" "$h/good.txt" >"$h/t_negative.txt"
case_of "vectors .txt (nearest -v)" r_nearest "negative count in the header" 65 "t_negative\\.txt:1: a header 'V D'" "$h/t_negative.txt"
{ printf '2 8\n'; sed -n '2p' "$h/good.txt" | sed 's/^[^ ]*/caf\xe9/'; sed -n '3p' "$h/good.txt"; } >"$h/t_latin1.txt"
hostile "vectors .txt (nearest -v)" "non-UTF-8 word" 0 "" -- w2v nearest -v "$h/t_latin1.txt" -k 1 "$(printf 'caf\xe9')"
size=$(stat -c %s "$h/good.bin")
head -c $((size - 10)) "$h/good.bin" >"$h/b_cut.bin"
case_of "vectors .bin (nearest -v)" r_nearest "binary cut inside the last record" 65 "b_cut\\.bin: the values of vector $v of $v at byte [0-9]+ \\(truncated file\\?\\)" "$h/b_cut.bin"

# ---- Analogy question files.
generic_cases "analogy questions (-q)" r_questions "$h/questions.txt" 65 65
printf ': s\nAthens Greece Baghdad\n' >"$h/q_three.txt"
case_of "analogy questions (-q)" r_questions "3 words on a line" 65 "q_three\\.txt:2: a question of 4 words 'A B C D', got 3 words" "$h/q_three.txt"
printf 'Athens Greece Baghdad Iraq\n' >"$h/q_nosection.txt"
case_of "analogy questions (-q)" r_questions "question before any section" 65 "q_nosection\\.txt:1: a ': section' line before the first question" "$h/q_nosection.txt"
printf ': s\ncaf\xe9 na\xefve \xff\xfe x\n' >"$h/q_latin1.txt"
case_of "analogy questions (-q)" r_questions "non-UTF-8 words" 0 "" "$h/q_latin1.txt"

# ---- Word-pair files (similarity -p).
generic_cases "word pairs (-p)" r_pairs "$h/pairs.tsv" 65 65
for value in nan inf 1e999; do
  sed "5s/[^\t]*$/$value/" "$h/pairs.tsv" >"$h/p_$value.tsv"
  case_of "word pairs (-p)" r_pairs "score $value" 65 "p_$value\\.tsv:5: a line 'word1 word2 score' with a (finite )?numeric score" "$h/p_$value.tsv"
done
sed "5s/[^\t]*$/1e300/" "$h/pairs.tsv" >"$h/p_big.tsv"
case_of "word pairs (-p)" r_pairs "score 1e300 (a legal double)" 0 "" "$h/p_big.tsv"
printf 'caf\xe9\tna\xefve\t3.5\n' >"$h/p_latin1.tsv"
case_of "word pairs (-p)" r_pairs "non-UTF-8 words" 0 "" "$h/p_latin1.tsv"

# ---- Checkpoints (--resume): slide model files of kind w2v.
expect_exit 130 w2v -i "$h/corpus.txt" -o "$h/ck.txt" "${fast[@]}" --stop-after-words 2000 || finish
mv "$h/ck.txt.checkpoint" "$h/good.checkpoint"
r_resume() { w2v -i "$h/corpus.txt" -o "$h/out/vec.txt" "${fast[@]}" --resume "$1"; }
ck_size=$(stat -c %s "$h/good.checkpoint")
head -c $((ck_size / 2)) "$h/good.checkpoint" >"$h/ck.cut"
cp "$h/good.checkpoint" "$h/ck.flip"
ck_byte=$(od -An -tu1 -j $((ck_size / 2)) -N 1 "$h/good.checkpoint" | tr -d ' ')
printf "\\x$(printf %02x $((ck_byte ^ 0x55)))" | dd of="$h/ck.flip" bs=1 seek=$((ck_size / 2)) conv=notrunc status=none
{ printf 'SLIDE-W2V-CHECKPOINT 1\n'; head -c 4000 "$h/random"; } >"$h/ck.old"
ck_out=(--out "$h/out/vec.txt")
hostile "checkpoint (--resume)" "empty file" 65 "empty: truncated" "${ck_out[@]}" -- r_resume "$h/empty"
hostile "checkpoint (--resume)" "random bytes" 65 "random: not a slide model file" "${ck_out[@]}" -- r_resume "$h/random"
hostile "checkpoint (--resume)" "a directory" 66 "a_directory: cannot open for reading: is a directory" "${ck_out[@]}" -- r_resume "$h/a_directory"
hostile "checkpoint (--resume)" "cut in half" 65 "ck\\.cut: truncated" "${ck_out[@]}" -- r_resume "$h/ck.cut"
hostile "checkpoint (--resume)" "one byte flipped" 65 "ck\\.flip: .*checksum mismatch" "${ck_out[@]}" -- r_resume "$h/ck.flip"
hostile "checkpoint (--resume)" "the format of older versions" 65 "ck\\.old: a checkpoint written by an older version of slide-w2v" "${ck_out[@]}" -- r_resume "$h/ck.old"
hostile "checkpoint (--resume)" "a vectors file" 65 "good\\.txt: not a slide model file" "${ck_out[@]}" -- r_resume "$h/good.txt"
hostile "checkpoint (--resume)" "unreadable file" "$hostile_unreadable_code" "$hostile_unreadable_regex" "${ck_out[@]}" -- r_resume "$hostile_unreadable"
hostile_fifo "$h/fifo" "$h/good.checkpoint"
hostile "checkpoint (--resume)" "FIFO with a writer sending a good checkpoint" 0 "" -- r_resume "$h/fifo"
hostile_fifo_done "$h/fifo"

# ---- Outputs.
hostile_readonly_setup
hostile "vectors output" "missing directory" 73 "no/such/dir/v\\.txt: cannot create: No such file or directory" \
  -- w2v -i "$h/corpus.txt" -o "$h/no/such/dir/v.txt" "${fast[@]}"
hostile "vectors output" "read-only directory" 73 "$hostile_readonly/v\\.txt: cannot create: " \
  -- w2v -i "$h/corpus.txt" -o "$hostile_readonly/v.txt" "${fast[@]}"
hostile "vocabulary output (--save-vocab)" "missing directory" 73 "no/such/dir/vocab: cannot create: No such file or directory" \
  --out "$h/out/vec.txt" -- w2v -i "$h/corpus.txt" -o "$h/out/vec.txt" --save-vocab "$h/no/such/dir/vocab" "${fast[@]}"
hostile "vectors output" "stdout is /dev/full" 74 "<stdout>: write error: No space left on device" \
  -- bash -c '"$0" -i "$1" -o - --size 8 --iter 1 --min-count 1 -t 1 -q >/dev/full' "$SLIDE_W2V" "$h/corpus.txt"
hostile "nearest output" "stdout is /dev/full" 74 "<stdout>: write error: (No space left on device|the output is incomplete)" \
  -- bash -c '"$0" nearest -v "$1" -k 3 the >/dev/full' "$SLIDE_W2V" "$h/good.txt"
hostile "analogy output" "stdout is /dev/full" 74 "<stdout>: write error: (No space left on device|the output is incomplete)" \
  -- bash -c '"$0" analogy -v "$1" -q "$2" >/dev/full' "$SLIDE_W2V" "$h/good.txt" "$h/questions.txt"
hostile "vectors output" "file size limit (RLIMIT_FSIZE, EFBIG)" 74 "vec\\.txt: write error: File too large" \
  --out "$h/out/vec.txt" -- hostile_full_disk "$SLIDE_W2V" -i "$h/corpus.txt" -o "$h/out/vec.txt" --size 64 --iter 1 --min-count 1 -t 1 -q
# The whole WikiText-2 validation set has a vocabulary file above the 64 KiB limit.
zstd -dc "$SLIDE_SOURCE_DIR/corpora/wikitext-2/valid.txt.zst" >"$h/valid.txt"
hostile "vocabulary output (--save-vocab)" "file size limit (RLIMIT_FSIZE, EFBIG)" 74 "vocab\\.txt: write error: File too large" \
  --out "$h/out/vocab.txt" --out "$h/out/vec.txt" -- hostile_full_disk "$SLIDE_W2V" -i "$h/valid.txt" -o "$h/out/vec.txt" \
  --save-vocab "$h/out/vocab.txt" --size 8 --iter 1 --min-count 1 -t 1 -q
# A device as the output is written in place (renaming a temporary onto it would replace it).
if [ -c /dev/null ]; then
  hostile "vectors output" "/dev/null" 0 "" -- w2v -i "$h/corpus.txt" -o /dev/null "${fast[@]}"
  [ -c /dev/null ] || fail "/dev/null is no longer a character device"
fi
full=$h/full
mkdir -p "$full"
if mount -t tmpfs -o size=1m tmpfs "$full" 2>/dev/null; then
  hostile_mounts+=("$full")
  cp "$h/good.txt" "$full/vec.txt"
  dd if=/dev/zero of="$full/filler" bs=4k status=none 2>/dev/null
  hostile "vectors output" "full tmpfs (ENOSPC)" 74 "full/vec\\.txt: (write error|cannot sync).*No space left on device" \
    --out "$full/vec.txt" -- w2v -i "$h/corpus.txt" -o "$full/vec.txt" --size 64 --iter 1 --min-count 1 -t 1 -q
  umount "$full"
else
  echo "note: mount -t tmpfs is not permitted here; the full disk is tested through RLIMIT_FSIZE and /dev/full only" >&2
fi
hostile_finish
