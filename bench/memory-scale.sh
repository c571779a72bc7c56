#!/usr/bin/env bash
# memory-scale.sh — does a 1,000,000-request `cogload run` stay in bounded memory, and is
# its archive quick to report on again?
#
# Runs one constant stage against a trivial local server (bench/trivial; inline tokens,
# so nothing is minted) at --rate for as long as --requests takes, under /usr/bin/time -v,
# sampling the cogload process's RSS every few seconds. Then times `cogload report` on
# the archive (text, the default, plus json and html for reference).
# Goals: peak RSS < 150 MB (150,000,000 bytes); `cogload report` < 10 s.
#
# Usage: bench/memory-scale.sh [--quick] [options]   (see --help)
set -euo pipefail

usage() {
	cat <<'EOF'
usage: bench/memory-scale.sh [options]

  --quick              short smoke version: 100,000 requests at 5000 req/s
  -r, --rate R         requested rate, req/s (default 10000); pick one this machine
                       sustains (see generator-efficiency.sh): falling behind inflates
                       memory with requests in flight, which is not what this measures
  -n, --requests N     requests to send (default 1000000); duration = N / rate
      --nice N          run cogload (and any server) under `nice -n N` (N < 0 needs root):
                        on a machine busy with other work, favours the measurement
      --connections N   set load.connections (idle connections kept per host) in the
                        scenario; default: cogload's own default
      --max-workers N   set load.maxWorkers in the scenario; default: cogload's own
      --cogload-bin P  use this cogload binary instead of building one
      --keep DIR       copy the run archive to DIR (must not exist) before cleaning up
      --json FILE      also write the results as JSON to FILE
  -h, --help           this help

Exit: 0 goals met, 3 a goal missed or fewer than 99% of the requests sent, 1 setup
failed, 130 interrupted.
Needs: go, jq, timeout, /usr/bin/time (apt-get install time).
EOF
}

die() { echo "memory-scale: $*" >&2; exit 1; }

rate="" requests="" nice_n="" conns="" workers="" cogload_bin="" keep="" json_out="" quick=0
while (($#)); do
	case "$1" in
	--quick) quick=1 ;;
	-r | --rate) rate=${2:?"$1 needs a rate"}; shift ;;
	-n | --requests) requests=${2:?"$1 needs a number"}; shift ;;
	--connections) conns=${2:?"$1 needs a number"}; shift ;;
	--max-workers) workers=${2:?"$1 needs a number"}; shift ;;
	--nice) nice_n=${2:?"$1 needs a niceness, e.g. -5"}; shift ;;
	--cogload-bin) cogload_bin=${2:?"$1 needs a path"}; shift ;;
	--keep) keep=${2:?"$1 needs a directory"}; shift ;;
	--json) json_out=${2:?"$1 needs a file"}; shift ;;
	-h | --help) usage; exit 0 ;;
	*) usage >&2; echo >&2; die "unknown option $1" ;;
	esac
	shift
done
if ((quick)); then : "${rate:=5000}" "${requests:=100000}"; fi
: "${rate:=10000}" "${requests:=1000000}"
[[ $rate =~ ^[1-9][0-9]*$ ]] || die "--rate: want a positive integer, got $rate"
[[ $requests =~ ^[1-9][0-9]*$ ]] || die "--requests: want a positive integer, got $requests"
[[ -z $keep || ! -e $keep ]] || die "--keep: $keep already exists"
duration=$(((requests + rate - 1) / rate))

[[ -z $conns || $conns =~ ^[1-9][0-9]*$ ]] || die "--connections: want a positive integer, got $conns"
[[ -z $workers || $workers =~ ^[1-9][0-9]*$ ]] || die "--max-workers: want a positive integer, got $workers"

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if [[ ! -x /usr/bin/time ]]; then
	if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
		echo "installing time (apt-get)..." >&2
		{ apt-get update -qq >/dev/null && apt-get install -y -qq time >/dev/null; } || die "apt-get install time failed"
	else
		die "/usr/bin/time not found; install it: sudo apt-get install -y time"
	fi
fi
for tool in go jq timeout; do
	command -v "$tool" >/dev/null || die "$tool not found (apt-get install -y $tool)"
done

# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"
bench_setup memory-scale

echo "== building (temp dir $work)" >&2
(cd "$root" && go build -o "$work/trivial" ./bench/trivial) || die "building bench/trivial failed"
if [[ -z $cogload_bin ]]; then
	(cd "$root" && go build -o "$work/cogload" .) || die "building cogload failed"
	cogload_bin=$work/cogload
fi

printf '%s' '{"CodeDeliveryDetails":{"AttributeName":"email","DeliveryMedium":"EMAIL","Destination":"a***@e***"}}' >"$work/response.json"
"${prio[@]}" "$work/trivial" -body-file "$work/response.json" -addr 127.0.0.1:0 >"$work/trivial.out" 2>"$work/trivial.err" &
pids+=("$!")
for ((i = 0; i < 100; i++)); do
	[[ -s $work/trivial.out ]] && break
	kill -0 "${pids[0]}" 2>/dev/null || { cat "$work/trivial.err" >&2; die "trivial server exited"; }
	sleep 0.1
done
url=$(head -n1 "$work/trivial.out" | jq -r '.endpoint // empty')
[[ $url == http://127.0.0.1:* ]] || die "trivial server printed no loopback endpoint"

b64() { printf '%s' "$1" | base64 -w0 | tr '+/' '-_' | tr -d '='; }
token="$(b64 '{"alg":"RS256","kid":"bench"}').$(b64 '{"sub":"bench-user","token_use":"access"}').$(b64 'not-a-real-signature-0123456789')"
cat >"$work/scenario.yaml" <<EOF
name: memory-scale
description: one long constant stage against a trivial local server (bench/memory-scale.sh)
target:
  endpoint: {url: "$url", userPoolId: us-east-1_BenchPool1, clientId: benchclient00000000000000, maxRate: 1000000}
tokenPools:
  - {name: valid, weight: 1, kind: valid, checkout: sequential, source: {inline: ["$token"]}}
attributes:
  - {name: email, weight: 1}
load:
  seed: 1
  timeout: 5s
$([[ -n $conns ]] && echo "  connections: $conns")
$([[ -n $workers ]] && echo "  maxWorkers: $workers")
  stages:
    - {name: steady, duration: ${duration}s, rate: $rate}
EOF

load_start=$(cut -d' ' -f1 /proc/loadavg)
echo "== run: $rate req/s for ${duration}s ($requests requests) under /usr/bin/time -v" >&2
"${prio[@]}" /usr/bin/time -v -o "$work/time.txt" timeout $((duration + 300)) \
	"$cogload_bin" run "$work/scenario.yaml" --out "$work/runs" --quiet >"$work/run.out" 2>"$work/run.err" &
time_pid=$!
pids+=("$time_pid")
# Sample the cogload process's RSS every 5 s (it is timeout's child, time's grandchild).
rss_log=$work/rss.log
: >"$rss_log"
t0=$(date +%s)
cl_pid=""
while kill -0 "$time_pid" 2>/dev/null; do
	if [[ -z $cl_pid ]]; then
		to_pid=$(pgrep -P "$time_pid" | head -n1 || true)
		[[ -n $to_pid ]] && cl_pid=$(pgrep -P "$to_pid" | head -n1 || true)
	fi
	if [[ -n $cl_pid ]]; then
		rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$cl_pid/status" 2>/dev/null || true)
		[[ -n $rss ]] && echo "$(($(date +%s) - t0)) $rss" >>"$rss_log"
	fi
	for ((i = 0; i < 50; i++)); do
		kill -0 "$time_pid" 2>/dev/null || break
		sleep 0.1
	done
done
rc=0
wait "$time_pid" || rc=$?
((rc == 0 || rc == 98 || rc == 99)) || { tail -5 "$work/run.err" >&2; die "cogload run exited $rc"; }
archive=$(tail -n1 "$work/run.out")
[[ -f $archive/summary.json ]] || die "cogload run printed no archive path"

peak_kib=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time.txt")
wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$work/time.txt")
cpu_s=$(awk -F': ' '/User time/ {u = $2} /System time/ {s = $2} END {print u + s}' "$work/time.txt")
read -r sent achieved behind < <(jq -r '.totals | "\(.requests) \(.achieved_rate) \(.behind_schedule)"' "$archive/summary.json")
bin_bytes=$(stat -c %s "$archive/results.bin")
sum_bytes=$(stat -c %s "$archive/summary.json")

# report_time FORMAT: seconds (and peak KiB) `cogload report` takes to render FORMAT.
report_time() {
	/usr/bin/time -f '%e %M' -o "$work/rt.txt" timeout 300 "$cogload_bin" report "$archive" --format "$1" \
		>"$work/report.$1" 2>"$work/report.err" || { cat "$work/report.err" >&2; die "cogload report --format $1 failed"; }
	cat "$work/rt.txt"
}
echo "== cogload report on the archive" >&2
read -r rep_s rep_kib < <(report_time text)
read -r rep_json_s _ < <(report_time json)
read -r rep_html_s _ < <(report_time html)

if [[ -n $keep ]]; then cp -r "$archive" "$keep"; fi

limit_kib=$((150000000 / 1024))
rss_pass=$(awk -v p="$peak_kib" -v l="$limit_kib" 'BEGIN {print (p < l ? "PASS" : "FAIL")}')
rep_pass=$(awk -v t="$rep_s" 'BEGIN {print (t < 10 ? "PASS" : "FAIL")}')
scale_ok=$(awk -v s="$sent" -v n="$requests" 'BEGIN {print (s >= 0.99 * n ? 1 : 0)}')

echo
echo "memory and scale: cogload run, one constant stage against a trivial local server"
printf '  machine    %s CPUs, %s, load average %s at start, %s at end%s\n' "$(nproc)" "$(go env GOVERSION)" "$load_start" \
	"$(cut -d' ' -f1 /proc/loadavg)" "$([[ -n $nice_n ]] && echo ", nice $nice_n")"
printf '  cogload    load.connections %s\n' "${conns:-"not set (cogload's default)"}, load.maxWorkers ${workers:-"not set (cogload's default)"}"
printf '  run        %s req/s for %ss: %s requests sent (achieved %s req/s, behind_schedule=%s), wall %s, CPU %ss\n' \
	"$rate" "$duration" "$sent" "$achieved" "$behind" "$wall" "$cpu_s"
printf '  archive    results.bin %.1f MiB, summary.json %.1f KiB\n' "$(awk -v b="$bin_bytes" 'BEGIN {print b / 1048576}')" \
	"$(awk -v b="$sum_bytes" 'BEGIN {print b / 1024}')"
if [[ -s $rss_log ]]; then
	printf '  RSS (s:MiB) %s\n' "$(awk '{printf "%s:%.0f ", $1, $2 / 1024}' "$rss_log" | cut -c1-400)"
fi
printf '  peak RSS   %.1f MiB (%.0f MB; goal < 150 MB): %s\n' "$(awk -v k="$peak_kib" 'BEGIN {print k / 1024}')" \
	"$(awk -v k="$peak_kib" 'BEGIN {print k * 1024 / 1e6}')" "$rss_pass"
printf '  report     cogload report (text) %ss, peak RSS %.0f MiB (goal < 10 s): %s; json %ss, html %ss\n' \
	"$rep_s" "$(awk -v k="$rep_kib" 'BEGIN {print k / 1024}')" "$rep_pass" "$rep_json_s" "$rep_html_s"
overall=PASS
[[ $rss_pass == PASS && $rep_pass == PASS ]] || overall=FAIL
if ((!scale_ok)); then
	overall=FAIL
	echo "  note       only $sent of $requests requests were sent: this machine did not sustain $rate req/s;"
	echo "             rerun with a lower --rate (the duration grows to keep --requests)"
fi
printf '  result     %s\n' "$overall"

if [[ -n $json_out ]]; then
	jq -n --argjson cpus "$(nproc)" --arg load "$load_start" --argjson rate "$rate" --argjson duration "$duration" \
		--argjson sent "$sent" --argjson achieved "$achieved" --argjson peak "$peak_kib" --arg cpu "$cpu_s" \
		--argjson bin "$bin_bytes" --arg rep "$rep_s" --arg repj "$rep_json_s" --arg reph "$rep_html_s" --arg result "$overall" --arg conns "$conns" --arg workers "$workers" \
		--slurpfile rss <(awk '{printf "{\"t\":%s,\"rss_kib\":%s}\n", $1, $2}' "$rss_log") \
		'{cpus: $cpus, load_at_start: $load, connections: $conns, max_workers: $workers, rate: $rate, duration_s: $duration, requests: $sent, achieved_rate: $achieved,
		  peak_rss_kib: $peak, cpu_s: ($cpu | tonumber), results_bin_bytes: $bin,
		  report_s: {text: ($rep | tonumber), json: ($repj | tonumber), html: ($reph | tonumber)}, rss: $rss, result: $result}' >"$json_out"
	echo "  written    $json_out"
fi
[[ $overall == PASS ]] || exit 3
