# Sourced by run.sh and run-sqlite.sh: their paths, the shared harness's
# environment (env.sh) and the scale argument.
#   source "$(dirname "$0")/common.sh" DEFAULT_SCALE "$@"
# sets here (this folder), repo, SHARED_BENCH and scale, or exits with the
# usage on a scale other than small or large.
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
: "${SHARED_BENCH:=$(cd "$repo/../shared/bench" && pwd)}"
source "$SHARED_BENCH/env.sh"
scale=${2:-$1}
case $scale in small | large) ;; *) echo "usage: $0 [small|large]" >&2; exit 2 ;; esac
