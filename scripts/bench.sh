#!/usr/bin/env bash
# bench.sh: whole-process figures of `arazzo run` on the Auth0 seed workflow
# against a local fake of its endpoints (scripts/fakeauth0), and of
# `arazzo validate` over the API Evangelist corpus when ../shared/corpus is
# there. Wall time, CPU time (user + system) and peak RSS come from
# /usr/bin/time -v; each figure is the median of RUNS runs (default 11).
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
  (cd "$root" && go build -o "$tmp/arazzo" ./cmd/arazzo)
  ARAZZO=$tmp/arazzo
fi
(cd "$root" && go build -o "$tmp/fakeauth0" ./scripts/fakeauth0)

"$tmp/fakeauth0" >"$tmp/fake.url" &
fake_pid=$!
for _ in $(seq 50); do [[ -s "$tmp/fake.url" ]] && break; sleep 0.1; done
base=$(cat "$tmp/fake.url")

seed=$root/testdata/auth0/arazzo/auth0-provision-m2m-app-workflow.yml
inputs=$root/testdata/auth0/inputs.json
export ARAZZO_CACHE_DIR=$tmp/cache

# measure NAME CLEAR CMD...: runs CMD $runs times (clearing the cache first
# when CLEAR is 1) and prints the median wall time and peak RSS.
measure() {
  local name=$1 clear=$2
  shift 2
  : >"$tmp/times"
  for _ in $(seq "$runs"); do
    [[ $clear == 1 ]] && rm -rf "$ARAZZO_CACHE_DIR"
    /usr/bin/time -v -o "$tmp/one" "$@" >/dev/null 2>"$tmp/stderr" || {
      echo "$name: command failed:" >&2
      cat "$tmp/stderr" >&2
      exit 1
    }
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$tmp/one" | awk -F: '{ if (NF==3) print ($1*3600+$2*60+$3)*1000; else print ($1*60+$2)*1000 }')
    rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$tmp/one")
    cpu=$(awk -F': ' '/User time|System time/ {s += $2} END {print s*1000}' "$tmp/one")
    echo "$wall $rss $cpu" >>"$tmp/times"
  done
  local mid=$(( (runs + 1) / 2 ))
  local w r c
  w=$(awk '{print $1}' "$tmp/times" | sort -n | sed -n "${mid}p")
  r=$(awk '{print $2}' "$tmp/times" | sort -n | sed -n "${mid}p")
  c=$(awk '{print $3}' "$tmp/times" | sort -n | sed -n "${mid}p")
  printf '%-28s median of %2d: %7.0f ms wall  %7.0f ms cpu  %6.1f MiB max RSS\n' "$name" "$runs" "$w" "$c" "$(echo "$r / 1024" | bc -l)"
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
