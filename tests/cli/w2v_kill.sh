#!/usr/bin/env bash
# slide-w2v killed at random moments: SIGKILL during training, SIGTERM followed within a few
# milliseconds by SIGKILL (so that the kill lands inside the checkpoint write), or a plain
# SIGTERM. After every kill no vectors file exists, and the checkpoint present (if any) still
# loads: the next run resumes from it. With one thread, the run killed KILLS times and resumed
# writes the same vectors, byte for byte, as an uninterrupted run; vectors are never partial (a
# kill after they were committed leaves the complete file), and the checkpoint goes once they
# are written.
#
# KILLS (default 20) random kill points; SLIDE_KILL_SEED seeds them (default: the time).
source "$(dirname "$0")/common.bash"

kills=${KILLS:-20}
seed=${SLIDE_KILL_SEED:-$(date +%s)}
RANDOM=$seed
corpus=$SLIDE_SOURCE_DIR/corpora/wikitext-2/valid.txt.zst
args=(-i "$corpus" --size 100 --iter 6 --min-count 5 -t 1 --seed 3 -q --model skipgram --window 3)

expect_exit 0 "$SLIDE_W2V" "${args[@]}" -o "$work/reference.txt" || { finish; exit 1; }

out=$work/v.txt
ckpt=$out.checkpoint
killed=0 terms=0 during_write=0 resumed=0 runs=0
while [ $killed -lt "$kills" ]; do
  runs=$((runs + 1))
  [ $runs -gt $((kills * 3)) ] && { fail "only $killed kills in $runs runs"; break; }
  resume=(); [ -e "$ckpt" ] && { resume=(--resume "$ckpt"); resumed=$((resumed + 1)); }
  "$SLIDE_W2V" "${args[@]}" -o "$out" "${resume[@]}" >"$work/out" 2>"$work/err" &
  pid=$!
  sleep "$(printf '0.%03d' $((100 + RANDOM % 500)))"
  case $((RANDOM % 3)) in
    0) kill -KILL $pid 2>/dev/null ;;
    1) kill -TERM $pid 2>/dev/null
       sleep "$(printf "0.%03d" $((RANDOM % 25)))"
       kill -KILL $pid 2>/dev/null ;;
    2) kill -TERM $pid 2>/dev/null ;;
  esac
  wait $pid
  code=$?
  case $code in
    137) killed=$((killed + 1))
         compgen -G "$work/.v.txt.checkpoint.tmp.*" >/dev/null && during_write=$((during_write + 1)) ;;
    143) terms=$((terms + 1)); killed=$((killed + 1)) ;;
    0) # This leg finished the run before the signal: start over for more kill points.
       cmp -s "$work/reference.txt" "$out" || { fail "a run that finished wrote other vectors"; break; }
       rm -f "$out" "$ckpt"; continue ;;
    *) fail "run $runs exited $code: $(head -c 300 "$work/err")"; break ;;
  esac
  if [ -e "$out" ]; then
    # Killed after the vectors were committed: they must be the complete ones.
    cmp -s "$work/reference.txt" "$out" || { fail "a killed run left other vectors"; break; }
    rm -f "$out" "$ckpt"
  fi
  rm -f "$work"/.*.tmp.*
done
resume=(); [ -e "$ckpt" ] && resume=(--resume "$ckpt")
expect_exit 0 "$SLIDE_W2V" "${args[@]}" -o "$out" "${resume[@]}"
cmp -s "$work/reference.txt" "$out" || fail "the killed and resumed run wrote other vectors"
[ -e "$ckpt" ] && fail "the checkpoint was left after the vectors were written"
echo "kills: $killed ($terms SIGTERM with a checkpoint, $during_write inside a checkpoint write), resumes: $resumed, runs: $runs, seed $seed"
finish
