#!/usr/bin/env bash
# soak.sh — do `cogload run` and `cogload mock` stay flat over a long run?
#
# Starts `cogload mock --no-limits` on loopback and runs one constant stage against it
# at --rate (default 2,000 req/s) for --duration (default 600 s), valid tokens minted
# from the mock's users. Both processes run under bench/cpuprofile -runtime, which
# samples their goroutines and heap in use from the inside; this script samples their
# RSS and open file descriptors from /proc every --every seconds.
#
# Criterion, per process and measure: after a warm-up (the first 60 s), the mean of the
# last two minutes is at most the mean of the first two minutes after the warm-up plus
# 10% and a small allowance (RSS 16 MiB, heap 16 MiB, goroutines 50, descriptors 50). A
# leak of a goroutine, a connection or a buffer per request, or a cache without bound,
# fails it; a level that settles passes.
#
# Usage: bench/soak.sh [options]   (see --help)
set -euo pipefail

usage() {
	cat <<'EOF'
usage: bench/soak.sh [options]

  -r, --rate R         requested rate, req/s (default 2000)
  -d, --duration SECS  length of the run (default 600; at least 300 for the criterion)
      --every SECS     sampling interval (default 10)
      --nice N         run both processes under `nice -n N` (N < 0 needs root)
      --cogload-bin P  use this cogload binary instead of building one (the mock; the
                       run itself goes through bench/cpuprofile, built from this tree)
      --json FILE      also write every sample and the verdicts as JSON to FILE
  -h, --help           this help

Exit: 0 both processes flat, 3 something grew, 1 setup failed, 130 interrupted.
Needs: go, jq, curl, timeout.
EOF
}

die() { echo "soak: $*" >&2; exit 1; }

rate=2000 duration=600 every=10 nice_n="" cogload_bin="" json_out=""
while (($#)); do
	case "$1" in
	-r | --rate) rate=${2:?"$1 needs a rate"}; shift ;;
	-d | --duration) duration=${2:?"$1 needs seconds"}; shift ;;
	--every) every=${2:?"$1 needs seconds"}; shift ;;
	--nice) nice_n=${2:?"$1 needs a niceness, e.g. -5"}; shift ;;
	--cogload-bin) cogload_bin=${2:?"$1 needs a path"}; shift ;;
	--json) json_out=${2:?"$1 needs a file"}; shift ;;
	-h | --help) usage; exit 0 ;;
	*) usage >&2; echo >&2; die "unknown option $1" ;;
	esac
	shift
done
for v in rate duration every; do
	[[ ${!v} =~ ^[1-9][0-9]*$ ]] || die "--$v: want a positive integer, got ${!v}"
done
((duration >= 300)) || die "--duration: at least 300 s (60 s warm-up, two 2-minute windows)"
for tool in go jq curl timeout; do
	command -v "$tool" >/dev/null || die "$tool not found (apt-get install -y $tool)"
done

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"
bench_setup soak

echo "== building (temp dir $work)" >&2
(cd "$root" && go build -o "$work/cpuprofile" ./bench/cpuprofile) || die "building bench/cpuprofile failed"
if [[ -z $cogload_bin ]]; then
	(cd "$root" && go build -o "$work/cogload" .) || die "building cogload failed"
	cogload_bin=$work/cogload
fi

# The mock runs under cpuprofile -runtime: bench_mock starts "BIN mock ...", so BIN is a
# wrapper that execs cpuprofile (its pid is the mock's).
cat >"$work/mock-sampled" <<EOF
#!/bin/sh
shift # "mock"
exec "$work/cpuprofile" -runtime "$work/mock.rt" -every ${every}s -- mock "\$@"
EOF
chmod +x "$work/mock-sampled"
bench_mock "$work/mock-sampled" || die "starting the mock failed"
mock_pid=${pids[-1]}
cat >"$work/scenario.yaml" <<EOF
name: soak
description: a long constant run against the mock (bench/soak.sh)
target:
  endpoint: {url: "$(jq -r .endpoint <<<"$info")", region: $(jq -r .region <<<"$info"), userPoolId: $(jq -r .userPoolId <<<"$info"), clientId: $(jq -r .clientId <<<"$info"), maxRate: 1000000}
tokenPools:
  - {name: valid, kind: valid, size: 200, checkout: sequential, source: {mint: {users: $work/users.csv}}}
attributes:
  - {name: email}
load:
  seed: 1
  stages:
    - {name: soak, duration: ${duration}s, rate: $rate}
EOF

load_start=$(cut -d' ' -f1 /proc/loadavg)
echo "== soak: $rate req/s for ${duration}s against the mock, sampling every ${every}s" >&2
${prio[@]+"${prio[@]}"} timeout $((duration + 300)) "$work/cpuprofile" -runtime "$work/run.rt" -every "${every}s" -- \
	run "$work/scenario.yaml" --out "$work/runs" --quiet >"$work/run.out" 2>"$work/run.err" &
run_pid=$!
pids+=("$run_pid")
# sample NAME PID appends "t rss_kib fds" (t: seconds since the run started).
t0=$(date +%s)
sample() {
	local now
	now=$(bench_proc "$2")
	[[ -n $now ]] && echo "$(($(date +%s) - t0)) $now" >>"$work/$1.proc"
	return 0
}
: >"$work/run.proc"
: >"$work/mock.proc"
gen_pid="" # the generator is timeout's child
while kill -0 "$run_pid" 2>/dev/null; do
	[[ -n $gen_pid ]] || gen_pid=$(pgrep -P "$run_pid" | head -n1 || true)
	[[ -n $gen_pid ]] && sample run "$gen_pid"
	sample mock "$mock_pid"
	for ((i = 0; i < every * 10; i++)); do
		kill -0 "$run_pid" 2>/dev/null || break
		sleep 0.1
	done
done
rc=0
wait "$run_pid" || rc=$?
archive=$(tail -n1 "$work/run.out")
[[ -f $archive/summary.json ]] || { tail -5 "$work/run.err" >&2; die "cogload run exited $rc without an archive"; }
sum=$archive/summary.json

# The runtime samples are stamped in Unix seconds: put them on the run's time axis.
for p in run mock; do
	awk -v t0="$t0" '{print $1 - t0, $2, $3}' "$work/$p.rt" >"$work/$p.rtt"
done

# flat FILE COLUMN ALLOWANCE NAME: "early late verdict" over the criterion's windows.
flat() {
	awk -v col="$2" -v allow="$3" -v d="$duration" '
		$1 >= 60 && $1 < 180 { e += $col; ne++ }
		$1 >= d - 120 && $1 <= d { l += $col; nl++ }
		END {
			if (ne == 0 || nl == 0) { print "- - NO-DATA"; exit }
			em = e / ne; lm = l / nl
			printf "%.0f %.0f %s\n", em, lm, (lm <= em * 1.10 + allow ? "flat" : "GREW")
		}' "$1"
}
results=()
overall=PASS
report_line() { # PROCESS MEASURE FILE COLUMN ALLOWANCE UNIT-DIVISOR UNIT
	local early late verdict
	read -r early late verdict < <(flat "$3" "$4" "$5")
	[[ $verdict == flat ]] || overall=FAIL
	if [[ $early != - ]]; then
		early=$(awk -v x="$early" -v d="$6" 'BEGIN {printf "%.1f", x / d}')
		late=$(awk -v x="$late" -v d="$6" 'BEGIN {printf "%.1f", x / d}')
	fi
	printf '  %-5s %-12s %10s → %-10s %-4s %s\n' "$1" "$2" "$early" "$late" "$7" "$verdict"
	results+=("$(jq -nc --arg p "$1" --arg m "$2" --arg e "$early" --arg l "$late" --arg v "$verdict" '{process: $p, measure: $m, early: $e, late: $l, verdict: $v}')")
}

read -r requests achieved behind <<<"$(jq -r '.totals | "\(.requests) \(.achieved_rate) \(.behind_schedule)"' "$sum")"
mix=$(jq -r '[.outcomes[] | "\(.outcome) \(.count)"] | join(", ")' "$sum")
echo
echo "soak: cogload run at $rate req/s for ${duration}s against cogload mock --no-limits"
printf '  machine     %s CPUs, %s, load average %s at start, %s at end%s\n' "$(nproc)" "$(go env GOVERSION)" "$load_start" \
	"$(cut -d' ' -f1 /proc/loadavg)" "$([[ -n $nice_n ]] && echo ", nice $nice_n")"
printf '  run         %s requests (achieved %s req/s, behind schedule: %s), exit status %s; outcomes: %s\n' "$requests" "$achieved" "$behind" "$rc" "$mix"
echo "  criterion   mean of the last 2 min vs the 2 min after a 60 s warm-up: at most +10% and an allowance"
printf '  %-5s %-12s %10s   %-10s %-4s %s\n' "" "measure" "early" "late" "unit" "verdict"
for p in run mock; do
	report_line "$p" "RSS" "$work/$p.proc" 2 16384 1024 MiB
	report_line "$p" "heap in use" "$work/$p.rtt" 3 16777216 1048576 MiB
	report_line "$p" "goroutines" "$work/$p.rtt" 2 50 1 ""
	report_line "$p" "descriptors" "$work/$p.proc" 3 50 1 ""
done
printf '  result      %s\n' "$overall"

if [[ -n $json_out ]]; then
	jq -n --argjson rate "$rate" --argjson duration "$duration" --argjson rc "$rc" --argjson requests "$requests" \
		--argjson achieved "$achieved" --arg result "$overall" \
		--slurpfile verdicts <(printf '%s\n' "${results[@]}") \
		--slurpfile run_proc <(awk '{printf "{\"t\":%s,\"rss_kib\":%s,\"fds\":%s}\n", $1, $2, $3}' "$work/run.proc") \
		--slurpfile mock_proc <(awk '{printf "{\"t\":%s,\"rss_kib\":%s,\"fds\":%s}\n", $1, $2, $3}' "$work/mock.proc") \
		--slurpfile run_rt <(awk '{printf "{\"t\":%s,\"goroutines\":%s,\"heap_inuse\":%s}\n", $1, $2, $3}' "$work/run.rtt") \
		--slurpfile mock_rt <(awk '{printf "{\"t\":%s,\"goroutines\":%s,\"heap_inuse\":%s}\n", $1, $2, $3}' "$work/mock.rtt") \
		'{rate: $rate, duration_s: $duration, exit_status: $rc, requests: $requests, achieved_rate: $achieved,
		  verdicts: $verdicts, run: {proc: $run_proc, runtime: $run_rt}, mock: {proc: $mock_proc, runtime: $mock_rt}, result: $result}' >"$json_out"
	echo "  written     $json_out"
fi
[[ $overall == PASS ]] || exit 3
