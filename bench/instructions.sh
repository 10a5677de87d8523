#!/usr/bin/env bash
# Instructions per uncached article page: gazette under callgrind (valgrind), the cache
# off, serving REQUESTS random article pages of a generated site over one keep-alive
# connection. Only what runs while a connection is served counts (callgrind's
# --toggle-collect), and a run with no page request is subtracted (its /healthz
# checks): start-up, shutdown and background threads, whose share varies with timing,
# do not count. User-space instructions only (the kernel's share is not seen), but the same
# figure on every run: on this shared 2-core machine throughput moves by ±20% between
# runs, so compare two builds here first, then confirm with speed.sh.
#
#   bench/instructions.sh                        # 2,000 articles, 3,000 requests
#   BIN=/tmp/before/gazette bench/instructions.sh
#   ARTICLES=10000 REQUESTS=1000 bench/instructions.sh
#   KEEP=1 bench/instructions.sh                 # keep callgrind's output for callgrind_annotate
set -euo pipefail
cd "$(dirname "$0")/.."
ARTICLES=${ARTICLES:-2000}
REQUESTS=${REQUESTS:-3000}
SHARED=${SHARED:-../shared/bench}
[[ -f $SHARED/gen_corpus.py ]] ||
  { echo "needs $SHARED/gen_corpus.py (set SHARED=...)" >&2; exit 2; }
command -v valgrind >/dev/null || { echo "needs valgrind (apt-get install valgrind)" >&2; exit 2; }

source bench/lib.sh
use_binary
bench_setup gazette-instructions

python3 "$SHARED/gen_corpus.py" -n "$ARTICLES" --seed 42 -o "$WORK/corpus.jsonl" >/dev/null
"$BIN" import --db "$WORK/site.db" "$WORK/corpus.jsonl" >/dev/null

# The article paths of the site, one per line.
/usr/bin/python3 - "$WORK/corpus.jsonl" >"$WORK/paths.txt" <<'EOF'
import json, sys
with open(sys.argv[1], encoding="utf-8") as f:
    for line in f:
        print("/articles/" + json.loads(line)["slug"])
EOF

# instructions N: sets COUNT to callgrind's total for a server that answered N random
# article pages. Runs in this shell, not in $(...), so that a failed request stops the
# script (set -e) and the EXIT trap knows the server.
instructions() {
  local n=$1 out=$WORK/callgrind.$1
  LAUNCHER=(valgrind --tool=callgrind --callgrind-out-file="$out"
    --toggle-collect='*GuardedServer::process_and_close_socket*')
  start_server "$WORK/site.db" --cache-mb 0 --threads 4
  /usr/bin/python3 - "$PORT" "$n" "$WORK/paths.txt" <<'EOF'
import http.client, random, sys
port, n, paths = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
urls = [line.strip() for line in open(paths) if line.strip()]
random.seed(7)
c = http.client.HTTPConnection("127.0.0.1", port)
for _ in range(n):
    url = random.choice(urls)
    c.request("GET", url)
    r = c.getresponse()
    r.read()
    if r.status != 200:
        sys.exit(f"GET {url}: {r.status}")
EOF
  stop_server
  COUNT=$(awk '/^(summary|totals):/ {print $2; exit}' "$out")
}

instructions 0
base=$COUNT
instructions "$REQUESTS"
total=$COUNT
echo "$("$BIN" --version 2>/dev/null || echo gazette): $(((total - base) / REQUESTS)) instructions per uncached article page ($ARTICLES articles, $REQUESTS requests)"
if [[ -n ${KEEP:-} ]]; then
  cp "$WORK/callgrind.$REQUESTS" "/tmp/gazette-callgrind.out"
  echo "callgrind output: /tmp/gazette-callgrind.out (callgrind_annotate --inclusive=yes ...)"
fi
