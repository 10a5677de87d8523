#!/usr/bin/env bash
# Speed benchmark (issue 7): builds Release, then runs the shared side-by-side bench
# (../shared/bench/run.sh: nginx serving pre-rendered pages, the Flask peer, gazette) in
# each scenario of the speed targets, and a few measurements of its own (listing and
# search pages against article pages, start-up time). Prints one table of medians and
# ratios at the end; every run directory stays under $BENCH_TMP for the details.
#
#   bench/speed.sh                       # every scenario (25-40 min, most of it 100k import)
#   SCENARIOS="warm gzip off" bench/speed.sh
#   ROUNDS=1 DURATION=5 bench/speed.sh   # a quick look
#   BIN=/tmp/rel/gazette bench/speed.sh  # this binary instead of `make build`
#
# Scenarios: warm (cache warm, no Accept-Encoding), gzip (Accept-Encoding: gzip, br),
# off (--cache-mb 0), c256 (--connections 256), pages (home, tag and search pages vs
# article pages, gazette alone), scale (1,000 vs 100,000 articles, gazette alone, with
# the cache and without),
# memory (10,000 articles, 64 MiB cache, resident memory after the run), startup
# (100,000 articles: from exec to the first 200).
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED=${SHARED:-../shared/bench}
SCENARIOS=${SCENARIOS:-"warm gzip off c256 pages scale memory startup"}
export ROUNDS=${ROUNDS:-3} DURATION=${DURATION:-10}
export BENCH_TMP=${BENCH_TMP:-/tmp/gazette-bench}
[[ -x $SHARED/run.sh ]] || { echo "needs $SHARED/run.sh (set SHARED=...)" >&2; exit 2; }
command -v wrk >/dev/null || { echo "needs wrk (apt-get install wrk)" >&2; exit 2; }

source bench/lib.sh
use_binary
bench_setup gazette-speed
SUMMARY=$WORK/summary.tsv
: >"$SUMMARY"
row() { printf '%s\t%s\n' "$1" "$2" | tee -a "$SUMMARY"; }

# Runs the shared bench with the given arguments; prints the run directory it made.
shared_run() {
  local before after
  before=$(ls -d "$BENCH_TMP"/run-* 2>/dev/null | sort | tail -n1 || true)
  "$SHARED/run.sh" --gazette "$BIN" "$@" >&2
  after=$(ls -d "$BENCH_TMP"/run-* | sort | tail -n1)
  [[ $after != "$before" ]] || { echo "no new run directory" >&2; exit 1; }
  echo "$after"
}

# median <run dir> <server> <column>: the median over rounds of rounds.tsv's column.
median() {
  awk -F'\t' -v s="$2" -v col="$3" '
    NR == 1 { for (i = 1; i <= NF; i++) if ($i == col) c = i; next }
    $1 == s { print $c }' "$1/rounds.tsv" | sort -g |
    awk '{ v[NR] = $1 } END { if (!NR) print "nan"; else print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf (b > 0 ? "%.2f" : "nan"), a / b }'; }

# One line per server of a run: median req/s and p99.
describe() {
  local run=$1 s
  for s in static flask gazette; do
    grep -q "^$s	" "$run/rounds.tsv" || continue
    printf '  %-8s %9s req/s  p99 %6s us\n' "$s" "$(median "$run" "$s" rps)" \
      "$(median "$run" "$s" p99_us)"
  done
}

# wrk_rps <urls file>: median req/s over ROUNDS rounds of random URLs from the file.
wrk_rps() {
  local urls=$1 r out
  local -a all=()
  # Warm-up: every URL once, so that "cache warm" holds for all of them (a search for a
  # common word takes tens of ms to render; 2 s of random requests left some cold), then
  # 2 s of the load itself.
  python3 - "$urls" "$PORT" <<'EOF'
import http.client, sys
conn = http.client.HTTPConnection("127.0.0.1", int(sys.argv[2]), timeout=30)
for line in open(sys.argv[1]):
    conn.request("GET", line.strip())
    conn.getresponse().read()
EOF
  BENCH_URLS=$urls wrk -t1 -c32 -d2s -s "$SHARED/random_articles.lua" \
    "http://127.0.0.1:$PORT" >/dev/null 2>&1 </dev/null || true
  for ((r = 1; r <= ROUNDS; r++)); do
    out=$(BENCH_URLS=$urls BENCH_SEED=$r wrk -t1 -c32 -d"${DURATION}s" \
      -s "$SHARED/random_articles.lua" "http://127.0.0.1:$PORT" 2>&1 </dev/null)
    all+=("$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")")
  done
  printf '%s\n' "${all[@]}" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

corpus() {  # corpus <n>: path of the shared bench's generated corpus of n articles
  local file=$BENCH_TMP/corpus-n$1-seed42.jsonl
  [[ -s $file ]] || python3 "$SHARED/gen_corpus.py" -n "$1" --seed 42 -o "$file" >&2
  echo "$file"
}

imported() {  # imported <n>: a database of the n-article corpus (made once, reused)
  local db=$BENCH_TMP/gazette-speed-n$1.db
  if [[ ! -s $db || $(corpus "$1") -nt $db || $BIN -nt $db ]]; then
    rm -f "$db" "$db-wal" "$db-shm"
    local t0=$SECONDS
    "$BIN" import --db "$db" "$(corpus "$1")" >/dev/null
    echo "imported $1 articles in $((SECONDS - t0)) s" >&2
  fi
  echo "$db"
}

for scenario in $SCENARIOS; do
  echo "== $scenario" >&2
  case $scenario in
    warm)
      run=$(shared_run)
      describe "$run"
      s=$(median "$run" static rps) f=$(median "$run" flask rps) g=$(median "$run" gazette rps)
      row "warm: gazette/static" "$(ratio "$g" "$s")  ($g / $s req/s)"
      row "warm: gazette/flask" "$(ratio "$g" "$f")  (flask $f req/s)"
      row "warm: gazette p99 / static p99" "$(ratio "$(median "$run" gazette p99_us)" \
        "$(median "$run" static p99_us)")"
      echo "$g" >"$WORK/warm_rps"
      ;;
    gzip)
      run=$(ACCEPT_ENCODING="gzip, br" shared_run)
      describe "$run"
      s=$(median "$run" static rps) f=$(median "$run" flask rps) g=$(median "$run" gazette rps)
      row "gzip, br: gazette/static" "$(ratio "$g" "$s")  ($g / $s req/s)"
      row "gzip, br: gazette/flask" "$(ratio "$g" "$f")"
      row "gzip, br: bytes per response" "$(median "$run" gazette bytes_per_req)"
      [[ -s $WORK/warm_rps ]] &&
        row "gzip, br: gazette / gazette without (earlier run)" "$(ratio "$g" "$(cat "$WORK/warm_rps")")"
      ;;
    off)
      run=$(GAZETTE_SERVE_ARGS="--log-level warn --cache-mb 0" shared_run)
      describe "$run"
      s=$(median "$run" static rps) f=$(median "$run" flask rps) g=$(median "$run" gazette rps)
      row "cache off: gazette/static" "$(ratio "$g" "$s")  ($g / $s req/s)"
      row "cache off: gazette/flask" "$(ratio "$g" "$f")"
      ;;
    c256)
      run=$(shared_run --connections 256)
      describe "$run"
      s=$(median "$run" static rps) g=$(median "$run" gazette rps)
      row "256 connections: gazette/static" "$(ratio "$g" "$s")  ($g / $s req/s)"
      row "256 connections: gazette p99 / static p99" "$(ratio "$(median "$run" gazette p99_us)" \
        "$(median "$run" static p99_us)")"
      ;;
    pages)
      db=$(imported 2000)
      start_server "$db"
      sqlite3() { python3 -c 'import sqlite3, sys
for r in sqlite3.connect(sys.argv[1]).execute(sys.argv[2]): print(r[0])' "$@"; }
      sqlite3 "$db" "SELECT '/articles/' || slug FROM articles WHERE status = 'published'" >"$WORK/articles.txt"
      {
        echo /
        for n in 2 3 4 5; do echo "/page/$n"; done
        sqlite3 "$db" "SELECT DISTINCT '/tags/' || tag FROM article_tags LIMIT 40"
      } >"$WORK/listings.txt"
      sqlite3 "$db" "SELECT title FROM articles LIMIT 200" |
        awk '{ printf "/search?q=%s\n", tolower($1) }' | sed 's/[^a-z0-9/?=]//g' | sort -u >"$WORK/search.txt"
      a=$(wrk_rps "$WORK/articles.txt")
      l=$(wrk_rps "$WORK/listings.txt")
      q=$(wrk_rps "$WORK/search.txt")
      stop_server
      row "pages: article pages" "$a req/s"
      row "pages: home + tag pages / article pages" "$(ratio "$l" "$a")  ($l req/s)"
      row "pages: search pages / article pages" "$(ratio "$q" "$a")  ($q req/s)"
      ;;
    scale)
      # With the cache (64 MiB) the 1,000 pages are all hits and the 100,000 mostly
      # misses, so that ratio is mostly the cost of a miss against a hit. With the cache
      # off both render every page: that ratio is what the size of the site costs.
      run1=$(shared_run --servers gazette --articles 1000)
      run100=$(shared_run --servers gazette --articles 100000)
      a=$(median "$run1" gazette rps) b=$(median "$run100" gazette rps)
      row "scale: 100,000 / 1,000 articles" "$(ratio "$b" "$a")  ($b / $a req/s)"
      run1=$(GAZETTE_SERVE_ARGS="--log-level warn --cache-mb 0" shared_run --servers gazette \
        --articles 1000)
      run100=$(GAZETTE_SERVE_ARGS="--log-level warn --cache-mb 0" shared_run --servers gazette \
        --articles 100000)
      a=$(median "$run1" gazette rps) b=$(median "$run100" gazette rps)
      row "scale, cache off: 100,000 / 1,000 articles" "$(ratio "$b" "$a")  ($b / $a req/s)"
      ;;
    memory)
      run=$(shared_run --servers gazette --articles 10000)
      rss=$(awk -F'\t' '$1 == "gazette" { print $3 }' "$run/mem.tsv")
      row "memory: RSS after the run, 10,000 articles, 64 MiB cache" \
        "$((rss / 1024)) MiB (target <= 104 MiB)"
      ;;
    startup)
      db=$(imported 100000)
      port=$(free_port)
      ms=$(python3 - "$BIN" "$db" "$port" <<'EOF'
import socket, subprocess, sys, time
binary, db, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
start = time.monotonic()
p = subprocess.Popen([binary, "serve", "--db", db, "--port", str(port), "--log-level", "warn"],
                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
try:
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                if s.recv(12).startswith(b"HTTP/1.1 200"):
                    break
        except OSError:
            time.sleep(0.001)
    print(f"{(time.monotonic() - start) * 1000:.0f}")
finally:
    p.terminate()
    p.wait()
EOF
)
      row "startup: exec to first 200 of /, 100,000 articles" "$ms ms (target <= 300)"
      ;;
    *)
      echo "unknown scenario $scenario" >&2
      exit 2
      ;;
  esac
done

echo
echo "Summary ($(date -u +%FT%TZ), $(nproc) cores, ROUNDS=$ROUNDS DURATION=${DURATION}s):"
column -t -s $'\t' "$SUMMARY"
