#!/usr/bin/env bash
# Related-articles benchmark at N generated articles (default 100,000; the corpus of the
# other benches, ../shared/bench/gen_corpus.py, cached under /tmp/gazette-bench):
#   1. import the corpus into a fresh database (timed; the import rebuilds every list);
#   2. `gazette related --rebuild`: wall time and peak RSS (GNU time);
#   3. RUNS one-article writes with `gazette import` of a single record, alternately
#      a new article and an edit of it (new body, so its vector and every list it
#      enters or leaves change): the median wall time of the whole command (process
#      start, open, write, search index, related refresh incl. the reverse side,
#      commit), and the same for a no-op import (nothing changed) to subtract;
#   4. the query plan of the read of one related list.
#
#   bench/related.sh
#   N=10000 RUNS=21 bench/related.sh
#   BIN=/tmp/rel/gazette bench/related.sh      # this binary instead of `make build`
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-100000}
RUNS=${RUNS:-15}
SHARED=${SHARED:-../shared/bench}
CORPUS_DIR=${CORPUS_DIR:-/tmp/gazette-bench}
[[ -f $SHARED/gen_corpus.py ]] || { echo "needs $SHARED/gen_corpus.py (set SHARED=...)" >&2; exit 2; }
[[ -x /usr/bin/time ]] || { echo "needs GNU time (apt-get install time)" >&2; exit 2; }
source bench/lib.sh
use_binary
bench_setup gazette-related-bench

mkdir -p "$CORPUS_DIR"
CORPUS=$CORPUS_DIR/corpus-n$N-seed42.jsonl
[[ -s $CORPUS ]] || /usr/bin/python3 "$SHARED/gen_corpus.py" -n "$N" --seed 42 -o "$CORPUS"
DB=$WORK/related.db

ms() { date +%s%N; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

t0=$(ms)
"$BIN" import --db "$DB" "$CORPUS" >/dev/null 2>&1
echo "import of $N articles (incl. the first rebuild): $(( ($(ms) - t0) / 1000000 )) ms"

/usr/bin/time -f "%e %M" -o "$WORK/time.txt" "$BIN" related --rebuild --db "$DB" >/dev/null 2>&1
read -r secs kib <"$WORK/time.txt"
echo "related --rebuild: ${secs} s, peak RSS $((kib / 1024)) MiB"

# One article on two of the corpus's topics, with words of their vocabularies.
record() {  # body-variant
  /usr/bin/python3 - "$CORPUS" "$1" <<'PY'
import json, sys
corpus, variant = sys.argv[1], int(sys.argv[2])
with open(corpus, encoding="utf-8") as f:
    a = json.loads(f.readline())
    b = json.loads(f.readline())
src = a if variant % 2 == 0 else b
rec = dict(src)
rec["slug"] = "bench-related-article"
rec["title"] = src["title"] + " (bench)"
rec["body_markdown"] = src["body_markdown"] + "\n\nRevision %d." % variant
rec["related"] = []
print(json.dumps(rec))
PY
}
: >"$WORK/writes.txt"
: >"$WORK/noop.txt"
for i in $(seq "$RUNS"); do
  record "$i" >"$WORK/one.jsonl"
  t0=$(ms); "$BIN" import --db "$DB" "$WORK/one.jsonl" >/dev/null; t1=$(ms)
  echo $(( (t1 - t0) / 1000 )) >>"$WORK/writes.txt"
  t0=$(ms); "$BIN" import --db "$DB" "$WORK/one.jsonl" >/dev/null; t1=$(ms)
  echo $(( (t1 - t0) / 1000 )) >>"$WORK/noop.txt"
done
w=$(median <"$WORK/writes.txt")
z=$(median <"$WORK/noop.txt")
echo "one-article write (create or edit), whole import command: median $((w / 1000)).$(( (w % 1000) / 100 )) ms over $RUNS"
echo "the same import when nothing changed (process, open, compare): median $((z / 1000)).$(( (z % 1000) / 100 )) ms"

/usr/bin/python3 - "$DB" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
plan = c.execute("""EXPLAIN QUERY PLAN
  SELECT a.slug, a.title, a.summary, r.score
  FROM related r CROSS JOIN articles a ON a.id = r.related_id
  WHERE r.article_id = 1 AND r.pinned <= 1 AND a.status = 'published' AND a.published_at <= '2030'
  ORDER BY r.rank LIMIT 5""").fetchall()
print("read plan:", "; ".join(p[3] for p in plan))
print("stored rows: related %d, related_vectors %d, related_postings %d (blocks)" % (
    c.execute("SELECT count(*) FROM related").fetchone()[0],
    c.execute("SELECT count(*) FROM related_vectors").fetchone()[0],
    c.execute("SELECT count(*) FROM related_postings").fetchone()[0]))
PY
