#!/usr/bin/env bash
# Check that pactreg and PostGraphile answer the benchmark queries with the
# same data, whatever the shape: ids (pactreg's are global) and roles are
# left out; bodies, seats and organisations are compared in order, and each
# seat's people as the harness's first:5 sees them (the first 5 appointments
# by id; pactreg lists all of them by start date, so they are re-sorted by id,
# which follows the seed's id within a body because bench/load writes them in
# that order).
#
#   bench/check-data.sh [PACTREG_URL] [POSTGRAPHILE_URL]
#   (defaults http://127.0.0.1:18080/graphql and http://127.0.0.1:15000/graphql)
#
# Prints one line per query and exits 1 if any differs. Writes the replies
# to $BENCH_DATA/check-*.json.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
: "${SHARED_BENCH:=$(cd "$here/../../shared/bench" && pwd)}"
: "${BENCH_DATA:=/tmp/pactreg-bench}"
pactreg=${1:-http://127.0.0.1:18080/graphql}
peer=${2:-http://127.0.0.1:15000/graphql}
mkdir -p "$BENCH_DATA"

ask() { # URL QUERY_FILE OUT
  jq -n --rawfile q "$2" '{query: $q}' |
    curl -fsS -H 'Content-Type: application/json' --data-binary @- "$1" > "$3"
  jq -e '(.data != null) and (has("errors") | not)' "$3" > /dev/null ||
    { echo "check-data: $1 refused $2: $(head -c 500 "$3")" >&2; exit 1; }
}
for q in nested flat; do
  ask "$pactreg" "$here/query-$q.graphql" "$BENCH_DATA/check-pactreg-$q.json"
  ask "$peer" "$SHARED_BENCH/query-$q.graphql" "$BENCH_DATA/check-postgraphile-$q.json"
done

kinds='{"union":"TRADE_UNION","employers":"EMPLOYER_ORGANISATION","ministry":"GOVERNMENT","municipality":"MUNICIPALITY","region":"REGION","ngo":"OTHER"}'
roles='{"chair":"CHAIR","vice-chair":"VICE_CHAIR","member":"MEMBER","observer":"OBSERVER"}'
peer_nested='[.data.allBodies.nodes[] | {name, seats: [.seats.nodes[] |
  {org: .organisation.name, people: [.appointments.nodes[].person.name]}]}]'
pactreg_nested='[.data.bodies.edges[].node | {name, seats: [.seatAllocations[] |
  {org: .nominatingOrganisation.name, people: [.appointments | sort_by(.id | tonumber) | .[:5][] | .person.name]}]}]'
peer_flat="$kinds as \$k | [.data.allOrganisations.nodes[] | {name, kind: \$k[.kind]}]"
pactreg_flat='[.data.organisations.edges[].node | {name, kind}]'

status=0
same() { # LABEL PACTREG_JQ PEER_JQ QUERY
  local a b
  a=$(jq -S -c "$2" "$BENCH_DATA/check-pactreg-$4.json" | sha256sum | cut -c1-16)
  b=$(jq -S -c "$3" "$BENCH_DATA/check-postgraphile-$4.json" | sha256sum | cut -c1-16)
  if [ "$a" = "$b" ]; then echo "same data: $1 ($a)"; else echo "DIFFERENT: $1 (pactreg $a, PostGraphile $b)"; status=1; fi
}
same "nested: bodies, seats in order, organisation names, first 5 people by id" "$pactreg_nested" "$peer_nested" nested
same "flat: organisation names and kinds in order" "$pactreg_flat" "$peer_flat" flat

# What differs on purpose: list lengths (pactreg has no first: on its lists),
# roles (demoted chairs), response size.
jq -r --argjson r "$roles" --slurpfile p "$BENCH_DATA/check-postgraphile-nested.json" '
  [.data.bodies.edges[].node.seatAllocations[]] as $a
  | [$p[0].data.allBodies.nodes[].seats.nodes[]] as $s
  | "nested: pactreg returns \($a | length) allocations and \([$a[].appointments[]] | length) appointments, " +
    "PostGraphile \($s | length) seats and \([$s[].appointments.nodes[]] | length) appointments; " +
    "\([range(0; [$a, $s] | map(length) | min) | select($r[$s[.].role] != $a[.].role)] | length) role(s) differ (chairs and vice-chairs demoted to MEMBER)"' \
  "$BENCH_DATA/check-pactreg-nested.json"
for q in nested flat; do
  echo "$q: response bytes pactreg $(wc -c < "$BENCH_DATA/check-pactreg-$q.json"), PostGraphile $(wc -c < "$BENCH_DATA/check-postgraphile-$q.json")"
done
exit $status
