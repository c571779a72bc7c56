#!/usr/bin/env bash
# pod-sizing.sh — what one `cogload run` process (one shard, one pod) costs at a given
# rate: CPU time per request, cores and peak memory, measured against a separate
# `cogload mock --no-limits` on loopback with an endpoint target (tokens minted from the
# mock's users over InitiateAuth, as a pod mints from users.csv; the simulation's
# scenario, deploy/kubernetes/simulate/scenario.yaml, at one constant rate). The Kubernetes Job's
# resource requests (deploy/kubernetes/load-job.yaml) are sized from its output.
#
# Usage: bench/pod-sizing.sh [--rates "250 500 1000"] [-d SECS] [--nice N] [--json FILE]
set -euo pipefail

usage() {
	cat <<'EOF'
usage: bench/pod-sizing.sh [options]

  --rates "R ..."      rates to measure, req/s (default "250 500 1000 2000")
  -d, --duration SECS  seconds per rate (default 15)
      --nice N         run the mock and cogload under `nice -n N` (N < 0 needs root)
      --cogload-bin P  use this cogload binary instead of building one
      --json FILE      also write the measurements as JSON to FILE
  -h, --help           this help

For each rate it runs one `cogload run` under /usr/bin/time and prints: requests sent,
achieved rate, p99, CPU per request (user+sys of the process, token minting included),
cores (CPU seconds over the run's wall time), and peak RSS.
Exit: 0 done, 1 setup failed, 130 interrupted. Needs: go, jq, /usr/bin/time.
EOF
}

die() { echo "pod-sizing: $*" >&2; exit 1; }

rates="250 500 1000 2000" duration=15 nice_n="" cogload_bin="" json_out=""
while (($#)); do
	case "$1" in
	--rates) rates=${2:?"$1 needs rates"}; shift ;;
	-d | --duration) duration=${2:?"$1 needs seconds"}; shift ;;
	--nice) nice_n=${2:?"$1 needs a niceness"}; shift ;;
	--cogload-bin) cogload_bin=${2:?"$1 needs a path"}; shift ;;
	--json) json_out=${2:?"$1 needs a file"}; shift ;;
	-h | --help) usage; exit 0 ;;
	*) usage >&2; die "unknown option $1" ;;
	esac
	shift
done
[[ $duration =~ ^[1-9][0-9]*$ ]] || die "--duration: want whole seconds, got $duration"
for r in $rates; do [[ $r =~ ^[1-9][0-9]*$ ]] || die "--rates: want whole req/s, got $r"; done
command -v jq >/dev/null || die "needs jq"
[[ -x /usr/bin/time ]] || die "needs /usr/bin/time (apt-get install time)"

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/lib.sh
. "$here/lib.sh"
bench_setup pod-sizing

if [[ -z $cogload_bin ]]; then
	echo "== building cogload" >&2
	(cd "$here/.." && CGO_ENABLED=0 go build -o "$work/cogload" .) || die "go build failed"
	cogload_bin=$work/cogload
fi

echo "== starting cogload mock --no-limits" >&2
bench_mock "$cogload_bin" || die "the mock did not start"
# The simulation's scenario; --rate and --duration make it one constant load.
bench_mock_scenario "$here/../deploy/kubernetes/simulate/scenario.yaml" "$work/pod.yaml"

results=()
printf '\n%8s %9s %10s %9s %11s %7s %9s\n' "rate" "requests" "achieved" "p99" "cpu us/req" "cores" "peak RSS" >&2
for r in $rates; do
	out=$work/runs-$r
	rc=0
	/usr/bin/time -f '%U %S %e %M' -o "$work/time-$r" "${prio[@]}" "$cogload_bin" run "$work/pod.yaml" \
		--rate "$r" --duration "${duration}s" --out "$out" --quiet >"$work/run-$r.out" 2>"$work/run-$r.err" || rc=$?
	((rc == 0 || rc == 98 || rc == 99)) || die "cogload run at $r req/s exited $rc: $(tail -3 "$work/run-$r.err")"
	sum=$(tail -1 "$work/run-$r.out")/summary.json
	read -r user sys wall rss_kb <"$work/time-$r"
	read -r reqs achieved p99 < <(jq -r '"\(.totals.requests) \(.totals.achieved_rate) \(.overall.latency.p99_ms)"' "$sum")
	cpu_us=$(awk -v u="$user" -v s="$sys" -v n="$reqs" 'BEGIN {printf "%.1f", (u + s) * 1e6 / n}')
	cores=$(awk -v u="$user" -v s="$sys" -v w="$wall" 'BEGIN {printf "%.3f", (u + s) / w}')
	rss=$(awk -v k="$rss_kb" 'BEGIN {printf "%.0f", k / 1024}')
	printf '%8s %9s %10.1f %7.1fms %11s %7s %6s MiB\n' "$r" "$reqs" "$achieved" "$p99" "$cpu_us" "$cores" "$rss" >&2
	results+=("{\"rate\":$r,\"requests\":$reqs,\"achieved\":$achieved,\"p99_ms\":$p99,\"cpu_us_per_req\":$cpu_us,\"cores\":$cores,\"peak_rss_mib\":$rss}")
done
printf '\nmachine: %s CPUs, %s, load average %s\n' "$(nproc)" "$(go env GOVERSION 2>/dev/null || echo go)" "$(cut -d' ' -f1-3 /proc/loadavg)" >&2
if [[ -n $json_out ]]; then
	printf '%s\n' "${results[@]}" | jq -s --argjson d "$duration" '{duration_s: $d, runs: .}' >"$json_out"
fi
