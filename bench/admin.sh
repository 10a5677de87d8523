#!/usr/bin/env bash
# Admin benchmark: how long a sign-in and an article save take, as an editor sees them
# (curl's total time on 127.0.0.1) and as the server measures them (Server-Timing). A
# save includes the durable commit, the related-list refresh of every article it
# touches and the page-cache invalidation. For each size: a copy of an imported database
# (bench/search.sh with REUSE=1 leaves them in /tmp; else the corpus is imported here),
# then SAVES edits of one existing article (a new title each time) and SAVES new
# articles that share its tags. Prints median and p90 of each. Release build.
#
#   bench/admin.sh                    # 10,000 articles
#   SIZES="10000 100000" bench/admin.sh
#   SAVES=50 BIN=/tmp/rel/gazette bench/admin.sh
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=${SIZES:-10000}
SHARED=${SHARED:-../shared/bench}
SAVES=${SAVES:-20}

source bench/lib.sh
use_binary
bench_setup gazette-admin-bench

# median and p90 of the numbers on stdin (milliseconds)
stats() { sort -n | awk '{a[NR]=$1} END {m=a[int((NR+1)/2)]; p=a[int(NR*0.9+0.999)]; printf "median %.1f ms, p90 %.1f ms (%d)", m, p, NR}'; }

# The CSRF token in the page at $1 (signed in with the jar).
csrf_of() { curl -s -b "$WORK/jar" -c "$WORK/jar" "http://127.0.0.1:$PORT$1" | grep -o 'name="csrf" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//'; }

echo "gazette $($BIN --version | cut -d' ' -f2), $(nproc) cores, $SAVES saves of each kind"
for N in $SIZES; do
  SRC=/tmp/gazette-search-bench-$N.db
  DB=$WORK/site-$N.db
  if [[ -s $SRC ]]; then
    cp "$SRC" "$DB"
  else
    CORPUS=/tmp/gazette-bench-corpus-$N.jsonl
    [[ -s $CORPUS ]] || /usr/bin/python3 "$SHARED/gen_corpus.py" -n "$N" -o "$CORPUS" >&2
    "$BIN" import --db "$DB" "$CORPUS" >/dev/null 2>&1
  fi
  printf 'bench-password-123\n' | "$BIN" user add bench --password-stdin --db "$DB" >/dev/null
  start_server "$DB"
  rm -f "$WORK/jar"

  # Sign in (an argon2id check: 64 MiB, interactive limits).
  token=$(csrf_of /admin/login)
  t=$(curl -s -o /dev/null -w '%{time_total}' -b "$WORK/jar" -c "$WORK/jar" \
        --data-urlencode username=bench --data-urlencode password=bench-password-123 \
        --data-urlencode "csrf=$token" "http://127.0.0.1:$PORT/admin/login")
  echo "$N articles: sign-in $(awk -v t="$t" 'BEGIN{printf "%.1f", t*1000}') ms"

  # An article to edit, and its tags for the new ones.
  slug=$(curl -s -b "$WORK/jar" "http://127.0.0.1:$PORT/admin" | grep -o 'href="/admin/articles/[^/"]*/edit"' | sed -n 5p | sed 's|.*articles/||; s|/edit"||')
  form=$(curl -s -b "$WORK/jar" "http://127.0.0.1:$PORT/admin/articles/$slug/edit")
  tags=$(grep -o 'name="tags" type="text" value="[^"]*"' <<<"$form" | sed 's/.*value="//; s/"$//')
  token=$(grep -o 'name="csrf" value="[^"]*"' <<<"$form" | head -1 | sed 's/.*value="//; s/"$//')
  body="Harbour works and the ferry timetable, again. $(head -c 3000 /dev/zero | tr '\0' 'x' | fold -w 9 | tr '\n' ' ')"

  save() {  # path title [slug] -> "client_ms server_ms"
    local took
    took=$(curl -s -o /dev/null -D "$WORK/headers" -w '%{time_total}' -b "$WORK/jar" \
      -F "csrf=$token" -F "title=$2" -F "slug=${3:-}" -F "summary=A summary." \
      -F "body=$body" -F "author=Bench" -F "tags=$tags" -F status=published \
      -F published_at=2026-01-01T00:00:00Z -F related= "http://127.0.0.1:$PORT$1")
    grep -q '^HTTP/1.1 303' "$WORK/headers" || { echo "save failed:" >&2; cat "$WORK/headers" >&2; exit 1; }
    awk -v t="$took" -v s="$(grep -o 'app;dur=[0-9.]*' "$WORK/headers" | cut -d= -f2)" \
      'BEGIN {printf "%.2f %s\n", t*1000, s}'
  }
  : >"$WORK/edits"; : >"$WORK/creates"
  for i in $(seq "$SAVES"); do save "/admin/articles/$slug" "Edited title $i" "$slug" >>"$WORK/edits"; done
  for i in $(seq "$SAVES"); do save "/admin/articles" "Bench new article $i" >>"$WORK/creates"; done
  echo "  edit   (client) $(cut -d' ' -f1 "$WORK/edits" | stats); server $(cut -d' ' -f2 "$WORK/edits" | stats)"
  echo "  create (client) $(cut -d' ' -f1 "$WORK/creates" | stats); server $(cut -d' ' -f2 "$WORK/creates" | stats)"
  stop_server
done
