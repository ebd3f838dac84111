#!/usr/bin/env bash
# pactreg against PostGraphile v4 on the harness's dataset, one scale:
#
#   bench/run.sh [small|large]                        (default small)
#   DURATION=5s WARMUP=1s ROUNDS=1 bench/run.sh small  (a short try)
#
# 1. builds bench/load and pactreg (the release build of .ci/run and the
#    Dockerfile) into $BENCH_DATA/bin;
# 2. drops and recreates the PostgreSQL database $PACTREG_BENCH_DB
#    (pactreg_bench) on 127.0.0.1 and loads the scale into it with
#    bench/load (pactreg's normal write path; see bench/README.md);
# 3. starts pactreg on 127.0.0.1:$PACTREG_PORT (18080) with -demo=false and
#    -rate 0 (no rate limit: one client address sends everything), anonymous
#    reads, every other limit, privacy and the audit trail as shipped;
# 4. seeds the peer database (../shared/bench/setup-db.sh) and starts
#    PostGraphile v4 (../shared/bench/start-postgraphile.sh, npm-installed
#    into $BENCH_DATA on first use);
# 5. checks both return the same data (bench/check-data.sh);
# 6. runs ../shared/bench/run.sh for both, ROUNDS times, the order swapped
#    every round; stops both servers; prints the medians and the ratios
#    pactreg/PostGraphile of this run from $BENCH_DATA/results.tsv.
#
# Environment (defaults in brackets): ROUNDS [1]; DURATION, WARMUP,
# CONNECTIONS, THREADS, TIMEOUT as for ../shared/bench/run.sh [20s 3s 16 2 10s];
# PACTREG_BENCH_DB [pactreg_bench]; PG_SUPERUSER [postgres] (trust auth on
# 127.0.0.1); PACTREG_PORT [18080]; PACTREG_FLAGS [-] extra server flags,
# e.g. "-max-cost 20000"; KEEP_DB [0] (1: reuse the database when the last
# load by this script filled it with the same scale); LOAD_WORKERS [1]
# (2 loads large faster, but ids then interleave between bodies and differ
# from load to load); BENCH_DATA [/tmp/pactreg-bench];
# SHARED_BENCH [../shared/bench]. Everything written goes to $BENCH_DATA.
set -euo pipefail
source "$(dirname "$0")/common.sh" small "$@"
: "${ROUNDS:=1}" "${PACTREG_BENCH_DB:=pactreg_bench}" "${PG_SUPERUSER:=postgres}"
: "${PACTREG_PORT:=18080}" "${PACTREG_FLAGS:=}" "${LOAD_WORKERS:=1}" "${KEEP_DB:=0}"
export BENCH_DATA SHARED_BENCH GOTOOLCHAIN=local
pg_admin=(psql -X -q -h 127.0.0.1 -p "$PGB_PORT" -U "$PG_SUPERUSER" -v ON_ERROR_STOP=1)
db_url="postgres://$PG_SUPERUSER@127.0.0.1:$PGB_PORT/$PACTREG_BENCH_DB?sslmode=disable"
pactreg_url="http://127.0.0.1:$PACTREG_PORT/graphql"
peer_url="http://127.0.0.1:$POSTGRAPHILE_PORT/graphql"

missing=()
for tool in go psql wrk jq curl node npm python3; do command -v "$tool" > /dev/null || missing+=("$tool"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "run.sh: missing ${missing[*]} (Debian: apt-get install -y wrk jq curl; PostGraphile needs node and npm)" >&2
  exit 2
fi
for port in "$PACTREG_PORT" "$POSTGRAPHILE_PORT"; do
  if curl -s -o /dev/null "http://127.0.0.1:$port/"; then
    echo "run.sh: something already listens on 127.0.0.1:$port; stop it first" >&2; exit 2
  fi
done
mkdir -p "$BENCH_DATA/bin"
since=$(date -u +%FT%TZ)

pactreg_pid=
started_peer=
cleanup() {
  if [ -n "$pactreg_pid" ] && kill -0 "$pactreg_pid" 2> /dev/null; then
    kill "$pactreg_pid" && wait "$pactreg_pid" 2> /dev/null || true
  fi
  if [ -n "$started_peer" ]; then "$SHARED_BENCH/stop-postgraphile.sh" > /dev/null || true; fi
}
trap cleanup EXIT

echo "== build (release flags) into $BENCH_DATA/bin"
(cd "$repo" && go build -o "$BENCH_DATA/bin/pactreg-load" ./bench/load &&
  CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o "$BENCH_DATA/bin/pactreg" ./server)

scale_file="$BENCH_DATA/$PACTREG_BENCH_DB.scale"
if [ "$KEEP_DB" = 1 ] && [ "$(cat "$scale_file" 2> /dev/null)" = "$scale" ]; then
  echo "== reusing $PACTREG_BENCH_DB, which the last load filled with scale=$scale (KEEP_DB=1)"
  load_s=reused
else
  echo "== fresh database $PACTREG_BENCH_DB, load scale=$scale"
  rm -f "$scale_file"
  "${pg_admin[@]}" -d postgres -c "drop database if exists $PACTREG_BENCH_DB with (force)" -c "create database $PACTREG_BENCH_DB"
  t0=$(date +%s.%N)
  "$BENCH_DATA/bin/pactreg-load" -db "$db_url" -scale "$scale" -workers "$LOAD_WORKERS" | tee "$BENCH_DATA/pactreg-load-$scale.log"
  load_s=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b - a}')
  echo "load took ${load_s}s (wall clock, process start to exit)"
  "${pg_admin[@]}" -d "$PACTREG_BENCH_DB" -c "vacuum analyze"
  echo "$scale" > "$scale_file"
fi

echo "== start pactreg on $pactreg_url"
# shellcheck disable=SC2086 # PACTREG_FLAGS is a list of flags
"$BENCH_DATA/bin/pactreg" -addr "127.0.0.1:$PACTREG_PORT" -db "$db_url" -demo=false -rate 0 $PACTREG_FLAGS \
  > "$BENCH_DATA/pactreg.log" 2>&1 < /dev/null &
pactreg_pid=$!
echo "$pactreg_pid" > "$BENCH_DATA/pactreg.pid"
for _ in $(seq 1 100); do
  curl -fsS -o /dev/null "http://127.0.0.1:$PACTREG_PORT/readyz" 2> /dev/null && break
  kill -0 "$pactreg_pid" 2> /dev/null || { cat "$BENCH_DATA/pactreg.log" >&2; exit 1; }
  sleep 0.2
done
curl -fsS -o /dev/null "http://127.0.0.1:$PACTREG_PORT/readyz" || { echo "pactreg did not come up" >&2; exit 1; }

echo "== peer database (scale=$scale) and PostGraphile v4"
"$SHARED_BENCH/setup-db.sh" "$scale"
started_peer=1
"$SHARED_BENCH/start-postgraphile.sh"
peer_pid=$(cat "$BENCH_DATA/postgraphile.pid")

echo "== same data?"
"$here/check-data.sh" "$pactreg_url" "$peer_url"

bench_pactreg() {
  LABEL=pactreg TAG=$scale SERVER_PID=$pactreg_pid \
    "$SHARED_BENCH/run.sh" "$pactreg_url" "$here/query-nested.graphql" "$here/query-flat.graphql"
}
bench_peer() {
  LABEL=postgraphile TAG=$scale SERVER_PID=$peer_pid \
    "$SHARED_BENCH/run.sh" "$peer_url" "$SHARED_BENCH/query-nested.graphql" "$SHARED_BENCH/query-flat.graphql"
}
echo "== load test: $ROUNDS round(s), DURATION=${DURATION:-20s} WARMUP=${WARMUP:-3s}"
echo "| server | scale | query | req/s | p50 ms | p99 ms | errors | server CPU ms/req | PG CPU ms/req | other CPU % | resp_sha |"
for r in $(seq 1 "$ROUNDS"); do
  if [ $((r % 2)) = 1 ]; then bench_pactreg; bench_peer; else bench_peer; bench_pactreg; fi
done
cleanup
pactreg_pid=
started_peer=

echo "== results of this run (rows since $since)"
# summarise.sh's first table only (its others compare v5 with v4 and SQL).
SINCE=$since "$SHARED_BENCH/summarise.sh" "$BENCH_DATA/results.tsv" /dev/null | awk 'stop { next } /^$/ { stop = 1; next } { print }'
echo
python3 - "$BENCH_DATA/results.tsv" "$since" "$scale" "$load_s" << 'PY'
import csv, statistics as st, sys
path, since, scale, load_s = sys.argv[1:5]
rows = [r for r in csv.DictReader(open(path), delimiter='\t')
        if r['date'] >= since and r['tag'] == scale and r['label'] in ('pactreg', 'postgraphile')]
def med(lab, q, k):
    xs = [float(r[k]) for r in rows if r['label'] == lab and r['query'] == q and r[k] not in ('', 'nan')]
    return st.median(xs) if xs else float('nan')
load = "database reused" if load_s == "reused" else f"load took {load_s}s"
print(f"pactreg / PostGraphile v4, scale {scale} (medians of this run; {load}):")
print()
print("| query | req/s pactreg | req/s PostGraphile | req/s ratio | p99 ms pactreg | p99 ms PostGraphile | p99 ratio "
      "| server CPU ms/req pactreg | PostGraphile | CPU ratio | PG CPU ms/req pactreg | PostGraphile | PG CPU ratio |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
for q in ('nested', 'flat'):
    line = f"| {q} |"
    for k, f in (('rps', '.0f'), ('p99_ms', '.1f'), ('server_cpu_ms_per_req', '.2f'), ('pg_cpu_ms_per_req', '.2f')):
        a, b = med('pactreg', q, k), med('postgraphile', q, k)
        line += f" {a:{f}} | {b:{f}} | **{a / b:.2f}** |" if b else f" {a:{f}} | {b:{f}} | - |"
    print(line)
PY
