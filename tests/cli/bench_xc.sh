#!/usr/bin/env bash
# scripts/bench xc end to end on a toy problem (no PyTorch, so no `slow` label), on the shipped
# Bibtex (--preset bibtex), the napkinxc method's refusals, and, where SLIDE_NXC names a built
# napkinXC `nxc` (the CI has none), slide-xc against napkinXC on a few hundred Bibtex rows; and the
# error and checksum paths of scripts/fetch-xc on local files (no network).
source "$(dirname "$0")/common.bash"
: "${SLIDE_BUILD_DIR:?}"
bench=$SLIDE_SOURCE_DIR/scripts/bench
fetch=$SLIDE_SOURCE_DIR/scripts/fetch-xc
if ! /usr/bin/python3 -c 'import numpy, matplotlib' 2>/dev/null; then
  echo "note: /usr/bin/python3 lacks numpy or matplotlib (python3-numpy, python3-matplotlib); bench checks skipped"
else
  # One method unbounded (its epoch measured), two bounded by a 1 s budget: extrapolated where the
  # budget stopped them, measured where the machine finished the toy epoch first (an idle one does).
  expect_exit 0 "$bench" xc --labels 3000 --methods slide,exact,uniform --slide-budget 0 \
    --time-budget 1 --eval-rows 200 --out "$work/b" --img-dir "$work/img" --build-dir "$SLIDE_BUILD_DIR"
  for m in slide exact uniform; do
    grep -q "^| $m | " "$work/out" || fail "the table has no row for $m: $(cat "$work/out")"
    [ -s "$work/b/$m.json" ] || fail "no $m.json"
  done
  grep -q '^| slide | .*(measured)' "$work/out" || fail "slide's epoch should be measured: $(cat "$work/out")"
  for m in exact uniform; do
    grep -Eq "^\| $m \| [0-9.]+ s \((measured|extrap\. from)" "$work/out" ||
      fail "$m's epoch should say measured or extrapolated: $(cat "$work/out")"
  done
  # Issue 7's targets, checked from the run: the relative ones only (3,000 labels is not the
  # Amazon-670K shape that the 200 s and 2.5 GB targets are for).
  grep -q '^Targets (issue 7):' "$work/out" || fail "no targets section: $(cat "$work/out")"
  grep -Eq '^- beats uniform at equal time .*: (met|MISSED) \(0\.[0-9]{4} against 0\.[0-9]{4} at' "$work/out" ||
    fail "no uniform target line: $(cat "$work/out")"
  ! grep -q '^- epoch <= 200 s' "$work/out" || fail "the 200 s target is for the full Amazon-670K shape only"
  [ -s "$work/img/bench_xc_amazon670k_L3000_convergence.png" ] || fail "no convergence plot"
  head -c 8 "$work/img/bench_xc_amazon670k_L3000_convergence.png" | grep -q PNG || fail "the plot is not a PNG"
  # The same fixed evaluation subset for every method: 200 rows.
  [ "$(head -1 "$work"/b/test_subset_*_200.txt | cut -d' ' -f1)" = 200 ] || fail "evaluation subset size"
  # --reuse keeps results; bad usage is refused.
  expect_exit 0 "$bench" xc --labels 3000 --methods slide --reuse --no-plots --eval-rows 200 \
    --out "$work/b" --build-dir "$SLIDE_BUILD_DIR" && grep -q 'reusing' "$work/err" || fail "--reuse did not reuse"
  expect_exit 2 "$bench" xc --methods nosuch --out "$work/b"
  expect_exit 1 "$bench" xc --out "$work/b" --build-dir "$work/nothing"

  # A shipped set in one option: its files, slide-xc's epochs unless --epochs, its name on the plot.
  expect_exit 0 "$bench" xc --preset bibtex --methods slide --epochs 1 --eval-rows 300 \
    --out "$work/bib" --img-dir "$work/img" --build-dir "$SLIDE_BUILD_DIR"
  grep -q '^| slide | ' "$work/out" || fail "--preset bibtex: no slide row: $(cat "$work/out")"
  [ "$(head -1 "$work"/bib/test_subset_*_300.txt)" = "300 1836 159" ] || fail "--preset bibtex: not Bibtex's test file"
  grep -q -- "-i $SLIDE_SOURCE_DIR/corpora/bibtex/bibtex_train.txt.zst .* -e 1 " "$work/bib/slide.json" ||
    fail "--preset bibtex: not Bibtex's training file or not --epochs 1: $(grep command "$work/bib/slide.json")"
  [ -s "$work/img/bench_xc_bibtex_convergence.png" ] || fail "--preset bibtex: no bench_xc_bibtex plot"

  # slide-xc against napkinXC (PLT) on 400 training rows and 200 test rows of Bibtex, where a built
  # nxc is at hand: both in the table, both final models timed and scored by slide-xc's metrics.
  if [ -n "${SLIDE_NXC:-}" ]; then
    data=$SLIDE_SOURCE_DIR/corpora/bibtex
    zstd -dc "$data/bibtex_train.txt.zst" | head -401 | sed '1s/.*/400 1836 159/' >"$work/nxc_train.txt"
    zstd -dc "$data/bibtex_test.txt.zst" | head -201 | sed '1s/.*/200 1836 159/' | zstd -q >"$work/nxc_test.txt.zst"
    expect_exit 0 "$bench" xc --train "$work/nxc_train.txt" --test "$work/nxc_test.txt.zst" \
      --methods slide,napkinxc --napkinxc "$SLIDE_NXC" --epochs 2 --slide-budget 0 --eval-rows 200 \
      --out "$work/n" --img-dir "$work/img" --build-dir "$SLIDE_BUILD_DIR"
    [ "$(grep -c '^| napkinxc | ' "$work/out")" = 2 ] ||
      fail "no napkinxc row in both tables: $(cat "$work/out")"
    grep -Eq '^\| napkinxc \| [0-9.]+ s \(whole training\) ' "$work/out" ||
      fail "napkinxc's training should be marked whole: $(cat "$work/out")"
    grep -Eq '^\| slide \| [0-9.]+ / [0-9.]+ \| .* \| 0\.[0-9]{4} / 0\.[0-9]{4} / 0\.[0-9]{4} \|$' "$work/out" ||
      fail "slide's final model was not timed and scored: $(cat "$work/out")"
    /usr/bin/python3 - "$work/n/napkinxc.json" <<'PY' || fail "napkinxc.json: $(cat "$work/n/napkinxc.json")"
import json, sys
r = json.load(open(sys.argv[1]))
p = r['predict']
assert r['command'].split()[1:2] == ['train'] and ' -t 2 ' in r['command'], r['command']
assert p['rows'] == 200 and 0.1 < p['p@1'] <= 1 and p['p@1'] >= p['p@5'] > 0, p
assert r['peak_rss'] > 0 and p['peak_rss'] > 0 and p['wall_ms_per_row'] > 0 and r['train_seconds'] > 0, r
assert r['curve'] == [[r['train_seconds'], p['p@1'], p['p@3'], p['p@5']]], r['curve']
PY
    [ "$(wc -l <"$work/n/napkinxc.pred")" = 200 ] || fail "nxc predicted $(wc -l <"$work/n/napkinxc.pred") rows, not 200"
  else
    echo "note: SLIDE_NXC not set (the path of a built napkinXC nxc); the napkinxc end-to-end run skipped"
  fi
fi
# The napkinxc method: refused without --napkinxc (a usage error naming it), or with a path that
# is not a runnable nxc; --preset of a shipped set takes no --train.
expect_exit 64 "$bench" xc --methods slide,napkinxc --out "$work/b" --build-dir "$SLIDE_BUILD_DIR" &&
  { grep -q -- '--napkinxc' "$work/err" || fail "the refusal does not name --napkinxc: $(cat "$work/err")"; }
expect_exit 1 "$bench" xc --methods napkinxc --napkinxc "$work/nothing/nxc" --out "$work/b" \
  --build-dir "$SLIDE_BUILD_DIR" && { grep -q 'cannot run' "$work/err" || fail "bad nxc path: $(cat "$work/err")"; }
expect_exit 1 "$bench" xc --methods napkinxc --napkinxc /bin/false --out "$work/b" --build-dir "$SLIDE_BUILD_DIR" &&
  { grep -q 'napkinXC version' "$work/err" || fail "a non-nxc executable: $(cat "$work/err")"; }
expect_exit 64 "$bench" xc --preset bibtex --train "$work/none.txt" --test "$work/none.txt" \
  --out "$work/b" --build-dir "$SLIDE_BUILD_DIR"
expect_exit 64 "$bench" nosuch

# fetch-xc: the error paths, and the checksum path on the MULAN Bibtex files where
# SLIDE_BIBTEX_MULAN_DIR names a folder holding them (bibtex-train.arff.zst, bibtex-test.arff.zst,
# bibtex.xml: the files fetch-xc downloads).
expect_exit 64 "$fetch" nosuch
expect_exit 69 "$fetch" amazon670k
printf '2 3 4\n1 0:1\n0 1:1\n' > "$work/small_train.txt"
expect_exit 65 "$fetch" amazon670k --from "$work/small_train.txt,$work/small_train.txt" --dir "$work/d"
expect_exit 66 "$fetch" eurlex4k --from "$work/none" --dir "$work/d"
expect_exit 74 "$fetch" bibtex --mirror "file://$work/none" --dir "$work/d"
shared=${SLIDE_BIBTEX_MULAN_DIR:-}
if [ -n "$shared" ] && [ -d "$shared" ] && command -v zstd >/dev/null; then
  expect_exit 0 "$fetch" bibtex --from "$shared" --dir "$work/d" &&
    [ "$(zstd -dc "$work/d/bibtex_train.txt.zst" | sha256sum | cut -c1-64)" = \
      b4ea0ea4064004fa7b9a83fba84563ac3cac1971462a3633deb58f5d968f8d54 ] || fail "bibtex conversion"
  mkdir -p "$work/bad"
  zstd -dcq "$shared/bibtex-train.arff.zst" > "$work/bad/bibtex-train.arff"
  zstd -dcq "$shared/bibtex-test.arff.zst" | sed '$s/1}$/0}/' > "$work/bad/bibtex-test.arff"
  cp "$shared/bibtex.xml" "$work/bad/"
  expect_exit 65 "$fetch" bibtex --from "$work/bad" --dir "$work/d2" &&
    grep -q 'sha256' "$work/err" || fail "a changed file was not refused by its checksum"
else
  echo "note: SLIDE_BIBTEX_MULAN_DIR not set; fetch-xc checksum check skipped"
fi
finish
