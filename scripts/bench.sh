#!/usr/bin/env bash
# bench.sh: whole-process figures of `arazzo run` on the Auth0 seed workflow
# against a local fake of its endpoints (scripts/fakeauth0), and of
# `arazzo validate` over the API Evangelist corpus when ../shared/corpus is
# there. Wall time (the clock around each run), CPU time (user + system) and
# peak RSS (the kernel's rusage of the process) are measured by
# scripts/benchproc; each figure is the median of RUNS runs (default 11).
# On a busy machine wall time mostly measures the wait for a CPU: the CPU
# time is the steadier figure.
#
#   scripts/bench.sh            # build, then measure
#   RUNS=21 scripts/bench.sh
#   ARAZZO=/path/to/arazzo scripts/bench.sh   # measure another binary
#
# "first" runs start with an empty cache directory each time; "warm" runs
# reuse the cache the first run wrote. Nothing touches the user's cache:
# ARAZZO_CACHE_DIR points into a temporary directory.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
runs=${RUNS:-11}
tmp=$(mktemp -d)
trap 'kill "${fake_pid:-}" 2>/dev/null || true; rm -rf "$tmp"' EXIT

if [[ -z "${ARAZZO:-}" ]]; then
  # As the README installs it: static (CGO_ENABLED=0).
  (cd "$root" && CGO_ENABLED=0 go build -o "$tmp/arazzo" ./cmd/arazzo)
  ARAZZO=$tmp/arazzo
fi
(cd "$root" && go build -o "$tmp/fakeauth0" ./scripts/fakeauth0 && go build -o "$tmp/benchproc" ./scripts/benchproc)

"$tmp/fakeauth0" >"$tmp/fake.url" &
fake_pid=$!
for _ in $(seq 50); do [[ -s "$tmp/fake.url" ]] && break; sleep 0.1; done
base=$(cat "$tmp/fake.url")

seed=$root/testdata/auth0/arazzo/auth0-provision-m2m-app-workflow.yml
inputs=$root/testdata/auth0/inputs.json
export ARAZZO_CACHE_DIR=$tmp/cache

# measure NAME CLEAR CMD...: runs CMD $runs times (clearing the cache first
# when CLEAR is 1) and prints the median wall time, CPU time and peak RSS.
measure() {
  local name=$1 clear=$2
  shift 2
  local opts=(-n "$runs" -name "$name")
  [[ $clear == 1 ]] && opts+=(-clear "$ARAZZO_CACHE_DIR")
  "$tmp/benchproc" "${opts[@]}" -- "$@"
}

run=("$ARAZZO" run "$seed" --inputs "$inputs" --server "auth0ManagementApi=$base/api/v2" --auth bearerAuth=bench-token -q)
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) CPUs"
measure "run, first (no cache)" 1 "${run[@]}"
rm -rf "$ARAZZO_CACHE_DIR"
"${run[@]}" >/dev/null 2>&1
measure "run, warm (cached)" 0 "${run[@]}"
if "$ARAZZO" run --help 2>/dev/null | grep -q -- --no-cache; then
  measure "run --no-cache" 0 "${run[@]}" --no-cache
fi
# A cross-check of benchproc with GNU time (the same rusage), when installed;
# it prints times to 10 ms only, which is why benchproc measures.
if [[ -x /usr/bin/time ]]; then
  for _ in 1 2 3; do
    /usr/bin/time -f "/usr/bin/time, warm run:         %e s wall, %U + %S s CPU, %M KB max RSS" "${run[@]}" 2>&1 >/dev/null | tail -1
  done
fi

corpus=$root/../shared/corpus/apievangelist
if [[ -d $corpus ]]; then
  mapfile -t docs < <(find "$corpus" -path '*/arazzo/*' \( -name '*.yml' -o -name '*.yaml' -o -name '*.json' \) | sort)
  if ((${#docs[@]} > 0)); then
    # validate exits 1 when a document has errors: that is not a failure here.
    vrun() { "$ARAZZO" validate "$@" || [[ $? == 1 ]]; }
    export -f vrun
    export ARAZZO
    RUNS_SAVED=$runs
    runs=${VALIDATE_RUNS:-3}
    rm -rf "$ARAZZO_CACHE_DIR"
    measure "validate ${#docs[@]} docs, first" 1 bash -c 'vrun "$@"' _ "${docs[@]}"
    bash -c 'vrun "$@"' _ "${docs[@]}" >/dev/null 2>&1 || true
    measure "validate ${#docs[@]} docs, warm" 0 bash -c 'vrun "$@"' _ "${docs[@]}"
    runs=$RUNS_SAVED
  fi
fi
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
