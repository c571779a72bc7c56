#!/usr/bin/env bash
# generator-efficiency.sh — how high a rate can `cogload run` sustain against a trivial
# local server, compared with `vegeta attack` (the CLI, at the vegeta version cogload
# links) sending the same request to the same server?
#
# Both tools step the requested rate up (2k, 4k, 6k ... req/s, a few seconds each),
# alternating at every step so drift in machine load hits both alike. A step "kept up"
# when the tool sent at least 99% of the requested requests in the requested time and at
# least 99% of them succeeded. The sustained maximum is the highest step that kept up; a
# tool stops climbing after two consecutive misses. The ladder is climbed --rounds times
# and each tool's maxima are medians over the rounds. CPU time per request (user+sys of
# each generator process) is printed too: it is far less sensitive to other load on the
# machine than the maxima. Goal: cogload/vegeta >= 0.9.
#
# Usage: bench/generator-efficiency.sh [--quick] [options]   (see --help)
set -euo pipefail

usage() {
	cat <<'EOF'
usage: bench/generator-efficiency.sh [options]

  --quick              short smoke version: one round of 3 s steps of 4000 req/s, up to 24000
  -d, --duration SECS  seconds per step (default 5)
      --start R        first requested rate, req/s (default 2000)
      --step R         rate increment between steps (default 2000)
      --max R          highest rate tried (default 40000)
      --misses N       consecutive missed steps before a tool stops climbing (default 2)
      --rounds N       climb the whole ladder N times; maxima are medians (default 3)
      --cooldown SECS  pause before every run, so the server drains (default 2)
      --pin            run the server on CPU 1 and the load generators on CPU 0 (taskset)
      --nice N         run the server and the generators under `nice -n N` (N < 0 needs
                       root): on a machine busy with other work, favours the measurement
      --connections N  set load.connections (idle connections kept per host) in cogload's
                       scenario; default: leave it out, i.e. cogload's own default
      --max-workers N  set load.maxWorkers in cogload's scenario; default: cogload's own
      --cogload-bin P  use this cogload binary instead of building one
      --vegeta-bin P   use this vegeta binary instead of `go install`ing v12.13.0
      --json FILE      also write every step and the result as JSON to FILE
  -h, --help           this help

Exit: 0 goal met, 3 goal missed, 1 setup failed, 130 interrupted.
Needs: go, jq, curl, timeout, /usr/bin/time (apt-get install time).
EOF
}

die() { echo "generator-efficiency: $*" >&2; exit 1; }

duration="" start="" step="" max="" misses=2 rounds="" cooldown=2 nice_n="" conns="" workers="" pin=0 cogload_bin="" vegeta_bin="" json_out="" quick=0
while (($#)); do
	case "$1" in
	--quick) quick=1 ;;
	-d | --duration) duration=${2:?"$1 needs seconds"}; shift ;;
	--start) start=${2:?"$1 needs a rate"}; shift ;;
	--step) step=${2:?"$1 needs a rate"}; shift ;;
	--max) max=${2:?"$1 needs a rate"}; shift ;;
	--misses) misses=${2:?"$1 needs a number"}; shift ;;
	--rounds) rounds=${2:?"$1 needs a number"}; shift ;;
	--cooldown) cooldown=${2:?"$1 needs seconds"}; shift ;;
	--pin) pin=1 ;;
	--connections) conns=${2:?"$1 needs a number"}; shift ;;
	--max-workers) workers=${2:?"$1 needs a number"}; shift ;;
	--nice) nice_n=${2:?"$1 needs a niceness, e.g. -5"}; shift ;;
	--cogload-bin) cogload_bin=${2:?"$1 needs a path"}; shift ;;
	--vegeta-bin) vegeta_bin=${2:?"$1 needs a path"}; shift ;;
	--json) json_out=${2:?"$1 needs a file"}; shift ;;
	-h | --help) usage; exit 0 ;;
	*) usage >&2; echo >&2; die "unknown option $1" ;;
	esac
	shift
done
if ((quick)); then : "${duration:=3}" "${start:=4000}" "${step:=4000}" "${max:=24000}" "${rounds:=1}"; fi
: "${duration:=5}" "${start:=2000}" "${step:=2000}" "${max:=40000}" "${rounds:=3}"
for v in duration start step max misses rounds; do
	[[ ${!v} =~ ^[1-9][0-9]*$ ]] || die "--$v: want a positive integer, got ${!v}"
done
[[ $cooldown =~ ^[0-9]+$ ]] || die "--cooldown: want whole seconds, got $cooldown"
[[ -z $conns || $conns =~ ^[1-9][0-9]*$ ]] || die "--connections: want a positive integer, got $conns"
[[ -z $workers || $workers =~ ^[1-9][0-9]*$ ]] || die "--max-workers: want a positive integer, got $workers"

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
for tool in go jq curl timeout /usr/bin/time; do
	command -v "$tool" >/dev/null || die "$tool not found (apt-get install -y ${tool##*/})"
done
if ((pin)); then
	command -v taskset >/dev/null || die "--pin needs taskset (util-linux)"
	(($(nproc) >= 2)) || die "--pin needs at least 2 CPUs"
fi

# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"
bench_setup generator-efficiency

server_prefix=() gen_prefix=()
if [[ -n $nice_n ]]; then server_prefix=(nice -n "$nice_n") gen_prefix=(nice -n "$nice_n"); fi
if ((pin)); then server_prefix+=(taskset -c 1) gen_prefix+=(taskset -c 0); fi

echo "== building (temp dir $work)" >&2
(cd "$root" && go build -o "$work/trivial" ./bench/trivial) || die "building bench/trivial failed"
if [[ -z $cogload_bin ]]; then
	(cd "$root" && go build -o "$work/cogload" .) || die "building cogload failed"
	cogload_bin=$work/cogload
fi
# The CLI at the version cogload's go.mod pins, so both sides run the same vegeta code.
vegeta_version=$(awk '$1 == "github.com/tsenart/vegeta/v12" {print $2; exit}' "$root/go.mod")
[[ -n $vegeta_version ]] || vegeta_version=v12.13.0
if [[ -z $vegeta_bin ]]; then
	echo "== go install github.com/tsenart/vegeta/v12@$vegeta_version (temp GOBIN)" >&2
	(cd "$work" && GOBIN="$work/bin" timeout 600 go install "github.com/tsenart/vegeta/v12@$vegeta_version") ||
		die "go install vegeta failed (needs the Go module proxy); or pass --vegeta-bin"
	vegeta_bin=$work/bin/vegeta
fi
[[ -x $vegeta_bin ]] || die "vegeta binary $vegeta_bin is not executable"

# A fixed GUAVC success body; the trivial server returns it for every request.
printf '%s' '{"CodeDeliveryDetails":{"AttributeName":"email","DeliveryMedium":"EMAIL","Destination":"a***@e***"}}' >"$work/response.json"
"${server_prefix[@]}" "$work/trivial" -body-file "$work/response.json" -addr 127.0.0.1:0 >"$work/trivial.out" 2>"$work/trivial.err" &
pids+=("$!")
for ((i = 0; i < 100; i++)); do
	[[ -s $work/trivial.out ]] && break
	kill -0 "${pids[0]}" 2>/dev/null || { cat "$work/trivial.err" >&2; die "trivial server exited"; }
	sleep 0.1
done
url=$(head -n1 "$work/trivial.out" | jq -r '.endpoint // empty')
[[ $url == http://127.0.0.1:* ]] || die "trivial server printed no loopback endpoint"

# A valid-looking (never verified) access token, inline, so cogload mints nothing.
b64() { printf '%s' "$1" | base64 -w0 | tr '+/' '-_' | tr -d '='; }
token="$(b64 '{"alg":"RS256","kid":"bench"}').$(b64 '{"sub":"bench-user","token_use":"access"}').$(b64 'not-a-real-signature-0123456789')"
printf '{"AccessToken":"%s","AttributeName":"email"}' "$token" >"$work/body.json"

cat >"$work/scenario.yaml" <<EOF
name: generator-efficiency
description: one constant stage against a trivial local server (bench/generator-efficiency.sh)
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
    - {name: steady, duration: ${duration}s, rate: $start}
EOF
cat >"$work/targets.txt" <<EOF
POST $url/
Content-Type: application/x-amz-json-1.1
X-Amz-Target: AWSCognitoIdentityProviderService.GetUserAttributeVerificationCode
@$work/body.json
EOF

# Each run_* TOOL RATE SECS prints one line:
#   requests ok p50_ms p99_ms cpu_s rss_kib behind [failure]
# failure: cogload's most frequent non-ok outcome, or vegeta's first error string.
# cpu_s is user+sys of the generator process, including writing its results file.
run_cogload() {
	local rate=$1 secs=$2 archive
	rm -rf "$work/runs"
	"${gen_prefix[@]}" /usr/bin/time -f '%U %S %M' -o "$work/time.txt" \
		timeout $((secs + 120)) "$cogload_bin" run "$work/scenario.yaml" --rate "$rate" --duration "${secs}s" \
		--out "$work/runs" --quiet >"$work/cogload.out" 2>"$work/cogload.err" || {
		local rc=$?
		# 99/98 are verdicts (thresholds, violations), not failures to run.
		((rc == 99 || rc == 98)) || { tail -5 "$work/cogload.err" >&2; die "cogload run exited $rc at $rate req/s"; }
	}
	archive=$(tail -n1 "$work/cogload.out")
	[[ -f $archive/summary.json ]] || die "cogload printed no archive path (got '$archive')"
	read -r u s m <"$work/time.txt"
	jq -r --arg cpu "$(awk -v u="$u" -v s="$s" 'BEGIN {print u + s}')" --arg rss "$m" \
		'"\(.totals.requests) \(.totals.ok) \(.overall.latency.p50_ms) \(.overall.latency.p99_ms) \($cpu) \($rss) \(.totals.behind_schedule) \([.outcomes[] | select(.outcome != "ok") | .outcome][0] // "")"' \
		"$archive/summary.json"
	rm -rf "$work/runs"
}

run_vegeta() {
	local rate=$1 secs=$2
	"${gen_prefix[@]}" /usr/bin/time -f '%U %S %M' -o "$work/time.txt" \
		timeout $((secs + 120)) "$vegeta_bin" attack -targets "$work/targets.txt" -rate "$rate/1s" \
		-duration "${secs}s" -timeout 5s -output "$work/vegeta.bin" 2>"$work/vegeta.err" ||
		{ tail -5 "$work/vegeta.err" >&2; die "vegeta attack failed at $rate req/s"; }
	"$vegeta_bin" report -type=json "$work/vegeta.bin" >"$work/vegeta.json" || die "vegeta report failed"
	read -r u s m <"$work/time.txt"
	jq -r --arg cpu "$(awk -v u="$u" -v s="$s" 'BEGIN {print u + s}')" --arg rss "$m" \
		'"\(.requests) \((.requests * .success + 0.5) | floor) \(.latencies["50th"] / 1e6) \(.latencies["99th"] / 1e6) \($cpu) \($rss) - \((.errors // [])[0] // "" | .[:80])"' \
		"$work/vegeta.json"
	rm -f "$work/vegeta.bin"
}

# drain_time_wait waits (up to 65 s) until fewer than 10000 sockets are in TIME_WAIT. A
# step that churns connections leaves tens of thousands behind for 60 s, and vegeta
# binds its source port explicitly (LocalAddr 0.0.0.0:0), so its next step fails with
# "bind: address already in use" — one tool's churn would be charged to the other.
drain_time_wait() {
	command -v ss >/dev/null || return 0
	local i n
	for ((i = 0; i < 65; i++)); do
		n=$(ss -Htan state time-wait | wc -l)
		((n < 10000)) && return 0
		((i == 0)) && echo "   (waiting for $n TIME_WAIT sockets to expire)" >&2
		sleep 1
	done
}

echo "== warm-up: each tool 1000 req/s for 2 s (discarded)" >&2
run_cogload 1000 2 >/dev/null
run_vegeta 1000 2 >/dev/null

load_start=$(cut -d' ' -f1 /proc/loadavg)
steps=$work/steps maxima=$work/maxima
: >"$steps"
: >"$maxima"
# ladder ROUND climbs both tools from --start, alternating which goes first at every
# step (and between rounds), and appends "round tool max" to $maxima.
ladder() {
	local round=$1 rate t n=$1 reqs ok p50 p99 cpu rss behind failure achieved okpct cpu_us kept
	local -A best=([cogload]=0 [vegeta]=0) missed=([cogload]=0 [vegeta]=0) stopped=([cogload]=0 [vegeta]=0)
	echo "== round $round/$rounds" >&2
	printf '  %-8s %8s %9s %7s %9s %9s %8s %8s  %s\n' tool asked achieved "ok%" "p50" "p99" "cpu/req" "RSS" "kept up" >&2
	for ((rate = start; rate <= max; rate += step)); do
		((stopped[cogload] && stopped[vegeta])) && break
		local order=(cogload vegeta)
		((n++ % 2)) && order=(vegeta cogload)
		for t in "${order[@]}"; do
			((stopped[$t])) && continue
			# Let the server drain what the previous run left (an overloaded step can leave it
			# seconds behind), so one tool's overload does not land on the other's step.
			sleep "$cooldown"
			drain_time_wait
			"run_$t" "$rate" "$duration" >"$work/line"
			read -r reqs ok p50 p99 cpu rss behind failure <"$work/line"
			# Same yardstick for both tools: requests sent in the requested window.
			read -r achieved okpct cpu_us kept < <(awk -v r="$reqs" -v ok="$ok" -v rate="$rate" -v d="$duration" -v c="$cpu" 'BEGIN {
				a = r / d; okp = (r > 0 ? 100 * ok / r : 0)
				printf "%.0f %.2f %.1f %s\n", a, okp, (r > 0 ? 1e6 * c / r : 0), ((r >= 0.99 * rate * d && okp >= 99) ? "yes" : "no")
			}')
			printf '  %-8s %8d %9d %7s %7.2fms %7.2fms %6sµs %6dMiB  %s%s\n' "$t" "$rate" "$achieved" "$okpct" "$p50" "$p99" \
				"$cpu_us" $((rss / 1024)) "$kept" "$([[ $behind == true ]] && echo ' (report: behind schedule)')$([[ $ok != "$reqs" && -n $failure ]] && echo " (failures: $failure)")" >&2
			echo "$round $t $rate $reqs $achieved $okpct $p50 $p99 $cpu_us $rss $kept $behind" >>"$steps"
			if [[ $kept == yes ]]; then
				best[$t]=$rate missed[$t]=0
			elif ((++missed[$t] >= misses)); then
				stopped[$t]=1
			fi
		done
	done
	for t in cogload vegeta; do
		echo "$round $t ${best[$t]} ${stopped[$t]}" >>"$maxima"
	done
}
for ((r = 1; r <= rounds; r++)); do ladder "$r"; done

median() { sort -n | awk '{a[NR] = $1} END {if (NR == 0) print 0; else if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
cl_max=$(awk '$2 == "cogload" {print $3}' "$maxima" | median)
vg_max=$(awk '$2 == "vegeta" {print $3}' "$maxima" | median)
ratio=$(awk -v c="$cl_max" -v v="$vg_max" 'BEGIN {printf "%.3f", (v > 0 ? c / v : 0)}')
pass=$(awk -v r="$ratio" 'BEGIN {print (r >= 0.9 ? "PASS" : "FAIL")}')
# Median CPU per request over the steps both tools kept up at: the efficiency behind the
# maxima, and much less sensitive to other load on the machine than the maxima.
cpu_med() { awk -v t="$1" '$11 == "yes" {k[$1 " " $2 " " $3] = $9} END {for (x in k) {split(x, a, " "); o = (a[2] == "cogload" ? "vegeta" : "cogload"); if (a[2] == t && ((a[1] " " o " " a[3]) in k)) print k[x]}}' "$steps" | median; }
cl_cpu=$(cpu_med cogload)
vg_cpu=$(cpu_med vegeta)

echo
echo "generator efficiency: cogload run vs vegeta attack $vegeta_version, same trivial server, same request"
printf '  machine    %s CPUs, %s, load average %s at start, %s at end%s\n' "$(nproc)" "$(go env GOVERSION)" "$load_start" \
	"$(cut -d' ' -f1 /proc/loadavg)" "$( ((pin)) && echo ', pinned (server CPU 1, generators CPU 0)')$([[ -n $nice_n ]] && echo ", nice $nice_n")"
printf '  cogload    load.connections %s; vegeta CLI defaults (-workers 10, -connections 10000)\n' "${conns:-"not set (cogload's default)"}, load.maxWorkers ${workers:-"not set (cogload's default)"}"
printf '  ladder     %ss per step, %s..%s req/s by %s, %s round(s); kept up = >= 99%% of requests sent in time, >= 99%% ok\n' \
	"$duration" "$start" "$max" "$step" "$rounds"
printf '  maxima     %s\n' "$(awk '{printf "r%s %s %s%s  ", $1, $2, $3, ($4 ? "" : "+")}' "$maxima")"
printf '  sustained  cogload %s req/s, vegeta %s req/s (median over rounds)\n' "$cl_max" "$vg_max"
[[ -n $cl_cpu && $cl_cpu != 0 ]] && printf '  cpu/req    cogload %sµs, vegeta %sµs (median over steps both kept up; includes writing results)\n' "$cl_cpu" "$vg_cpu"
grep -q ' 0$' "$maxima" && echo "  note       + marks a tool that kept up at every step to --max $max; raise --max for its true maximum"
awk -v n="$(nproc)" -v l="$load_start" 'BEGIN {exit !(l > n)}' &&
	echo "  note       the machine was busy (load average above its CPU count): maxima are noisy; prefer the ratio of a quiet run"
printf '  ratio      cogload/vegeta = %s (goal >= 0.9): %s\n' "$ratio" "$pass"

if [[ -n $json_out ]]; then
	jq -n --slurpfile steps <(awk '{printf "{\"round\":%s,\"tool\":\"%s\",\"rate\":%s,\"requests\":%s,\"achieved\":%s,\"ok_pct\":%s,\"p50_ms\":%s,\"p99_ms\":%s,\"cpu_us_per_req\":%s,\"rss_kib\":%s,\"kept_up\":%s,\"behind_schedule\":\"%s\"}\n", $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, ($11 == "yes" ? "true" : "false"), $12}' "$steps") \
		--argjson c "$cl_max" --argjson v "$vg_max" --argjson ratio "$ratio" --arg pass "$pass" \
		--argjson cpus "$(nproc)" --arg load "$load_start" --argjson d "$duration" --arg vv "$vegeta_version" --arg conns "$conns" --arg workers "$workers" \
		'{cpus: $cpus, load_at_start: $load, step_seconds: $d, vegeta_version: $vv, cogload_connections: $conns, cogload_max_workers: $workers,
		  cogload_max: $c, vegeta_max: $v, ratio: $ratio, goal: 0.9, result: $pass, steps: $steps}' >"$json_out"
	echo "  written    $json_out"
fi
[[ $pass == PASS ]] || exit 3
