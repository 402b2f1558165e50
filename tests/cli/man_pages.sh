#!/usr/bin/env bash
# The man pages are lint-clean, and every long option that --help prints appears in the page.
source "$(dirname "$0")/common.bash"

for app in slide-w2v slide-xc; do
  page="$SLIDE_SOURCE_DIR/man/$app.1"
  warnings=$(groff -man -Tutf8 -ww -z "$page" 2>&1)
  [ -z "$warnings" ] || fail "$page: groff warnings: $warnings"
  grep -q '^\.SH EXIT STATUS' "$page" || fail "$page has no EXIT STATUS section"

  binary=$SLIDE_W2V; [ "$app" = slide-xc ] && binary=$SLIDE_XC
  helps=$("$binary" --help)
  # Subcommands with their own help (slide-xc train --help, ...), where they exist.
  for sub in train predict test analogy similarity nearest; do
    if sub_help=$("$binary" "$sub" --help 2>/dev/null); then helps+=$'\n'"$sub_help"; fi
  done
  options=$(grep -oE -- '--[a-z0-9][a-z0-9-]*' <<<"$helps" | sort -u)
  [ -n "$options" ] || fail "$app --help lists no long options"
  for option in $options; do
    grep -qF -- "${option//-/\\-}" "$page" || fail "$app: $option is in --help but not in $page"
  done
done
finish
