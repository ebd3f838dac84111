#!/usr/bin/env bash
# pactreg on its embedded SQLite default, one scale, with the harness's
# load test: the figures to set beside run.sh's PostgreSQL ones (there is no
# peer on SQLite; they tell users when to move to PostgreSQL).
#
#   bench/run-sqlite.sh [small|large]                  (default large)
#   ROUNDS=3 bench/run-sqlite.sh large
#
# 1. builds bench/load and pactreg (release flags) into $BENCH_DATA/bin;
# 2. writes the scale into a fresh SQLite file $BENCH_DATA/pactreg-<scale>.db
#    through pactreg's normal write path (bench/load), unless that file is
#    there already (delete it to reload; KEEP_DB=0 does);
# 3. starts pactreg on it on 127.0.0.1:$PACTREG_PORT (18080) with
#    -demo=false -rate 0, everything else as shipped;
# 4. runs ../shared/bench/run.sh ROUNDS times (LABEL pactreg-sqlite), stops
#    the server and prints this run's rows (summarise.sh).
#
# Environment: ROUNDS [1], DURATION/WARMUP/CONNECTIONS/THREADS/TIMEOUT as
# for ../shared/bench/run.sh, PACTREG_PORT [18080], PACTREG_FLAGS [-],
# KEEP_DB [1], BENCH_DATA [/tmp/pactreg-bench], SHARED_BENCH [../shared/bench].
set -euo pipefail
source "$(dirname "$0")/common.sh" large "$@"
: "${ROUNDS:=1}" "${PACTREG_PORT:=18080}" "${PACTREG_FLAGS:=}" "${KEEP_DB:=1}"
export BENCH_DATA SHARED_BENCH GOTOOLCHAIN=local
url="http://127.0.0.1:$PACTREG_PORT/graphql"
db="$BENCH_DATA/pactreg-$scale.db"
for tool in go wrk jq curl; do
  command -v "$tool" > /dev/null || { echo "run-sqlite.sh: missing $tool" >&2; exit 2; }
done
if curl -s -o /dev/null "http://127.0.0.1:$PACTREG_PORT/"; then
  echo "run-sqlite.sh: something already listens on 127.0.0.1:$PACTREG_PORT; stop it first" >&2; exit 2
fi
mkdir -p "$BENCH_DATA/bin"
since=$(date -u +%FT%TZ)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2> /dev/null && wait "$pid" 2> /dev/null || true' EXIT

echo "== build (release flags) into $BENCH_DATA/bin"
(cd "$repo" && go build -o "$BENCH_DATA/bin/pactreg-load" ./bench/load &&
  CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o "$BENCH_DATA/bin/pactreg" ./server)

# $db.loaded is written only when a load has finished: a load that stopped
# half-way is never reused.
if [ "$KEEP_DB" = 0 ] || [ ! -s "$db" ] || [ ! -e "$db.loaded" ]; then
  echo "== fresh SQLite file $db, load scale=$scale"
  rm -f "$db" "$db-wal" "$db-shm" "$db.loaded"
  t0=$(date +%s.%N)
  "$BENCH_DATA/bin/pactreg-load" -db "$db" -scale "$scale" | tee "$BENCH_DATA/pactreg-load-sqlite-$scale.log"
  awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "load took %.1fs\n", b - a}'
  touch "$db.loaded"
else
  echo "== reusing $db (KEEP_DB=0 reloads)"
fi

echo "== pactreg on $db"
# shellcheck disable=SC2086 # PACTREG_FLAGS is a list of flags
"$BENCH_DATA/bin/pactreg" -addr "127.0.0.1:$PACTREG_PORT" -db "$db" -demo=false -rate 0 $PACTREG_FLAGS \
  > "$BENCH_DATA/pactreg-sqlite-server.log" 2>&1 &
pid=$!
for _ in $(seq 100); do
  curl -s -o /dev/null "http://127.0.0.1:$PACTREG_PORT/readyz" && break
  kill -0 "$pid" 2> /dev/null || { cat "$BENCH_DATA/pactreg-sqlite-server.log" >&2; exit 1; }
  sleep 0.2
done
curl -fsS -o /dev/null "http://127.0.0.1:$PACTREG_PORT/readyz" || { echo "pactreg did not come up" >&2; exit 1; }

for round in $(seq "$ROUNDS"); do
  echo "== round $round of $ROUNDS"
  LABEL=pactreg-sqlite TAG="$scale" SERVER_PID=$pid "$SHARED_BENCH/run.sh" "$url" \
    "$here/query-nested.graphql" "$here/query-flat.graphql"
done
kill "$pid" && wait "$pid" 2> /dev/null || true
pid=

echo "== results of this run (rows since $since)"
SINCE=$since "$SHARED_BENCH/summarise.sh" "$BENCH_DATA/results.tsv" /dev/null | awk 'stop { next } /^$/ { stop = 1; next } { print }'
