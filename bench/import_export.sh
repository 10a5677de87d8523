#!/usr/bin/env bash
# Import and export benchmark: N generated articles (../shared/bench/gen_corpus.py, the
# same corpus as the side-by-side bench) imported into a fresh database, re-imported
# (everything unchanged), one article changed and imported, dumped, and exported as a
# static site. Prints wall time and peak resident memory of each step. Release build;
# everything under a temporary folder.
#
#   bench/import_export.sh            # 10,000 articles
#   N=2000 bench/import_export.sh
#   BIN=/tmp/rel/gazette bench/import_export.sh  # this binary instead of `make build`
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-10000}
SHARED=${SHARED:-../shared/bench}
[[ -f $SHARED/gen_corpus.py ]] || { echo "needs $SHARED/gen_corpus.py (set SHARED=...)" >&2; exit 2; }
source bench/lib.sh
use_binary
WORK=$(mktemp -d /tmp/gazette-bench-XXXXXX)
trap 'rm -rf "$WORK"' EXIT

CORPUS=/tmp/gazette-bench-corpus-$N.jsonl
[[ -s $CORPUS ]] || /usr/bin/python3 "$SHARED/gen_corpus.py" -n "$N" -o "$CORPUS" >&2

measure() {  # label command...
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$WORK/time" "$@" >"$WORK/out" 2>"$WORK/err" \
    || { cat "$WORK/err" >&2; exit 1; }
  read -r secs kb <"$WORK/time"
  printf '%-28s %8.2f s   peak RSS %6.1f MiB   %s\n' "$label" "$secs" "$(awk -v k="$kb" 'BEGIN { print k / 1024 }')" \
    "$(head -c 120 "$WORK/out" | head -1)"
}

echo "gazette $($BIN --version | cut -d' ' -f2), $N articles ($(du -h "$CORPUS" | cut -f1)), $(nproc) cores"
measure "import (fresh database)" "$BIN" import --db "$WORK/site.db" "$CORPUS"
measure "import again (unchanged)" "$BIN" import --db "$WORK/site.db" "$CORPUS"
# One article edited in a full store: the incremental related-lists path.
head -1 "$CORPUS" | sed -E 's/"title": ?"/"title": "Changed: /' >"$WORK/one.jsonl"
measure "import 1 changed article" "$BIN" import --db "$WORK/site.db" "$WORK/one.jsonl"
measure "dump" "$BIN" dump --db "$WORK/site.db"
measure "export" "$BIN" export --db "$WORK/site.db" --out "$WORK/site"
echo "database $(du -h "$WORK/site.db" | cut -f1), export $(du -sh "$WORK/site" | cut -f1) in $(find "$WORK/site" -type f | wc -l) files"
