#!/usr/bin/env bash
# Search benchmark: GET /search latency at 10,000 and 100,000 generated articles
# (../shared/bench/gen_corpus.py, the corpus of the other benches). For each size: import
# into a fresh database (timed), serve it on 127.0.0.1 with --log-level warn, then wrk
# asks random queries of 1 to 3 words drawn from the corpus titles (word occurrences, so
# common words come up as often as in the titles: the hard case). Prints import time,
# database size, requests/s and the p50/p90/p99 latency wrk measured. Release build.
#
#   bench/search.sh                            # 10,000 and 100,000 articles
#   SIZES="2000 10000" bench/search.sh
#   BIN=/tmp/rel/gazette bench/search.sh       # this binary instead of `make build`
#   REUSE=1 bench/search.sh                    # keep/reuse the imported databases in /tmp
#   SERVE_ARGS="--cache-mb 0" bench/search.sh  # every query renders (no page cache)
#   DURATION=30s CONNECTIONS=16 bench/search.sh
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=${SIZES:-"10000 100000"}
SHARED=${SHARED:-../shared/bench}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-8}
QUERIES=${QUERIES:-2000}
[[ -f $SHARED/gen_corpus.py && -f $SHARED/random_articles.lua ]] ||
  { echo "needs $SHARED/gen_corpus.py and random_articles.lua (set SHARED=...)" >&2; exit 2; }
command -v wrk >/dev/null || { echo "needs wrk (apt-get install wrk)" >&2; exit 2; }

source bench/lib.sh
use_binary
bench_setup gazette-search-bench

# QUERIES request paths, each /search?q= with 1 to 3 title words (fixed seed).
make_paths() {  # corpus out
  /usr/bin/python3 - "$1" "$2" "$QUERIES" <<'EOF'
import json, random, re, sys, urllib.parse
corpus, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
words = []
with open(corpus, encoding="utf-8") as f:
    for line in f:
        words += re.findall(r"[a-z0-9]+", json.loads(line)["title"].lower())
rng = random.Random(7)
with open(out, "w") as f:
    for _ in range(n):
        q = " ".join(rng.choice(words) for _ in range(rng.randint(1, 3)))
        f.write("/search?q=" + urllib.parse.quote_plus(q) + "\n")
EOF
}

echo "gazette $($BIN --version | cut -d' ' -f2), $(nproc) cores, wrk -t1 -c$CONNECTIONS -d$DURATION, $QUERIES distinct queries"
for N in $SIZES; do
  CORPUS=/tmp/gazette-bench-corpus-$N.jsonl
  [[ -s $CORPUS ]] || /usr/bin/python3 "$SHARED/gen_corpus.py" -n "$N" -o "$CORPUS" >&2
  PATHS=/tmp/gazette-search-bench-paths-$N.txt
  [[ -s $PATHS ]] || make_paths "$CORPUS" "$PATHS"

  DB=$WORK/site-$N.db
  [[ ${REUSE:-} == 1 ]] && DB=/tmp/gazette-search-bench-$N.db
  if [[ ${REUSE:-} == 1 && -s $DB ]]; then
    echo "$N articles: reusing $DB"
  else
    rm -f "$DB" "$DB-wal" "$DB-shm"
    /usr/bin/time -f "%e" -o "$WORK/time" "$BIN" import --db "$DB" "$CORPUS" >"$WORK/import" 2>&1 ||
      { cat "$WORK/import" >&2; exit 1; }
    echo "$N articles: import $(cat "$WORK/time") s, database $(du -h "$DB" | cut -f1)"
  fi

  start_server "$DB" ${SERVE_ARGS:-}

  # A first pass warms the page cache; the second is the one reported.
  BENCH_URLS=$PATHS wrk -t1 -c"$CONNECTIONS" -d3s -s "$SHARED/random_articles.lua" \
    "http://127.0.0.1:$PORT" >/dev/null
  BENCH_URLS=$PATHS wrk -t1 -c"$CONNECTIONS" -d"$DURATION" --latency \
    -s "$SHARED/random_articles.lua" "http://127.0.0.1:$PORT" >"$WORK/wrk"
  stop_server
  # random_articles.lua ends with "BENCH key=value ...".
  line=$(grep '^BENCH ' "$WORK/wrk") || { cat "$WORK/wrk" >&2; exit 1; }
  val() { sed -n "s/.* $1=\([0-9.]*\).*/\1/p" <<<"$line"; }
  awk -v n="$N" -v req="$(val requests)" -v us="$(val duration_us)" -v p50="$(val p50_us)" \
      -v p90="$(val p90_us)" -v p99="$(val p99_us)" -v max="$(val max_us)" \
      -v errs="$(( $(val err_status) + $(val err_read) + $(val err_timeout) + $(val err_connect) ))" \
      'BEGIN { printf "%d articles: %.0f req/s   p50 %.2f ms   p90 %.2f ms   p99 %.2f ms   max %.1f ms   errors %d\n",
               n, req / (us / 1e6), p50 / 1e3, p90 / 1e3, p99 / 1e3, max / 1e3, errs }'
  [[ ${REUSE:-} == 1 ]] || rm -f "$DB" "$DB-wal" "$DB-shm"
done
