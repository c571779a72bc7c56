#!/usr/bin/env bash
# rate-accuracy.sh — does `cogload run` hold the rate it is asked for, and does its report
# say so honestly when it cannot?
#
# 1. accuracy: 2,000 requests/s for 30 s against the embedded mock with every quota,
#    limit and the latency model off (a pool configuration written here), valid minted
#    tokens. Achieved rate vs target; goal: within 1%, and not flagged behind schedule.
# 2. flagged:  a run that cannot keep up by construction — 2,000 requests/s asked of 20
#    workers against a mock answering in ~200 ms (capacity ~100 requests/s). The report
#    must say the attacker fell behind schedule.
# 3. overload: a rate this machine cannot sustain (default 60,000 requests/s, no worker
#    cap). Whatever it achieves, the flag must agree with the measured shortfall.
#
# Usage: bench/rate-accuracy.sh [--quick] [options]   (see --help)
set -euo pipefail

usage() {
	cat <<'EOF'
usage: bench/rate-accuracy.sh [options]

  --quick               short smoke version: 10 s accuracy run, 3 s checks
  -r, --rate R          accuracy run's rate, req/s (default 2000)
  -d, --duration SECS   accuracy run's length (default 30)
      --overload-rate R the unsustainable rate of check 3 (default 60000; 0 skips it)
      --nice N          run cogload (and any server) under `nice -n N` (N < 0 needs root):
                        on a machine busy with other work, favours the measurement
      --connections N   set load.connections (idle connections kept per host) in the
                        accuracy and overload scenarios; default: cogload's own default
      --cogload-bin P   use this cogload binary instead of building one
      --json FILE       also write the results as JSON to FILE
  -h, --help            this help

Exit: 0 every goal met, 3 a goal missed, 1 setup failed, 130 interrupted.
Needs: go, jq.
EOF
}

die() { echo "rate-accuracy: $*" >&2; exit 1; }

quick=0 rate=2000 duration="" overload=60000 nice_n="" conns="" cogload_bin="" json_out="" check_secs=5
while (($#)); do
	case "$1" in
	--quick) quick=1 ;;
	-r | --rate) rate=${2:?"$1 needs a rate"}; shift ;;
	-d | --duration) duration=${2:?"$1 needs seconds"}; shift ;;
	--overload-rate) overload=${2:?"$1 needs a rate"}; shift ;;
	--connections) conns=${2:?"$1 needs a number"}; shift ;;
	--nice) nice_n=${2:?"$1 needs a niceness, e.g. -5"}; shift ;;
	--cogload-bin) cogload_bin=${2:?"$1 needs a path"}; shift ;;
	--json) json_out=${2:?"$1 needs a file"}; shift ;;
	-h | --help) usage; exit 0 ;;
	*) usage >&2; echo >&2; die "unknown option $1" ;;
	esac
	shift
done
if ((quick)); then : "${duration:=10}"; check_secs=3; fi
: "${duration:=30}"
[[ $rate =~ ^[1-9][0-9]*$ ]] || die "--rate: want a positive integer, got $rate"
[[ $duration =~ ^[1-9][0-9]*$ ]] || die "--duration: want a positive integer (seconds), got $duration"
[[ $overload =~ ^[0-9]+$ ]] || die "--overload-rate: want an integer, got $overload"

[[ -z $conns || $conns =~ ^[1-9][0-9]*$ ]] || die "--connections: want a positive integer, got $conns"

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
for tool in go jq timeout; do
	command -v "$tool" >/dev/null || die "$tool not found (apt-get install -y $tool)"
done

# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"
bench_setup rate-accuracy

echo "== building (temp dir $work)" >&2
if [[ -z $cogload_bin ]]; then
	(cd "$root" && go build -o "$work/cogload" .) || die "building cogload failed"
	cogload_bin=$work/cogload
fi

# pool NAME P50 P99 writes a mock pool configuration with every quota and limit off
# (0 switches each off), SES email (no daily limit), no faults, and the given latency
# model (0 0: none).
pool() {
	cat >"$work/$1.yaml" <<EOF
name: $1
description: every quota and limit off (bench/rate-accuracy.sh)
region: us-east-1
clients:
  - name: cogload
    explicitAuthFlows: [ALLOW_USER_PASSWORD_AUTH, ALLOW_REFRESH_TOKEN_AUTH]
delivery:
  email:
    sendingAccount: DEVELOPER
    failureRate: 0
quotas:
  rps: 0
  perUserRps: 0
  codesPerUserPerHour: 0
$( [[ $2 != 0 ]] && printf 'latency:\n  p50: %s\n  p99: %s\n' "$2" "$3")
users:
  generate:
    count: 200
    emailDomain: example.com
    phoneShare: 0
    unconfirmedShare: 0
    disabledShare: 0
    verifiedShare: 0
EOF
}
pool quotas-off 0 0
pool slow 200ms 220ms

# scenario NAME POOL [MAXWORKERS [CONNECTIONS]] writes a one-stage scenario on the embedded mock with
# valid tokens minted from the mock's users, reused in turn (no per-user limit is on).
scenario() {
	cat >"$work/$1.yaml" <<EOF
name: $1
description: bench/rate-accuracy.sh
target:
  mock:
    pools: [$2.yaml]
tokenPools:
  - {name: valid, weight: 1, size: 100, kind: valid, checkout: sequential, source: {mint: {}}}
attributes:
  - {name: email, weight: 1}
load:
  seed: 1
  timeout: 5s
$( [[ -n ${3:-} ]] && printf '  maxWorkers: %s\n' "$3")
$( [[ -n ${4:-} ]] && printf '  connections: %s\n' "$4")
  stages:
    - {name: steady, duration: 1s, rate: 1}
EOF
}
scenario accuracy quotas-off "" "$conns"
scenario capped slow 20
scenario overload quotas-off "" "$conns"

# run NAME RATE SECS runs a scenario quietly and prints its archive's summary.json path.
run() {
	local out=$work/runs-$1 rc=0
	"${prio[@]}" timeout $(($3 + 180)) "$cogload_bin" run "$work/$1.yaml" --rate "$2" --duration "${3}s" --out "$out" --quiet \
		>"$work/$1.out" 2>"$work/$1.err" || rc=$?
	# 98/99 are verdicts (violations, thresholds), not failures to run.
	((rc == 0 || rc == 98 || rc == 99)) || { tail -5 "$work/$1.err" >&2; die "cogload run $1 exited $rc"; }
	local archive
	archive=$(tail -n1 "$work/$1.out")
	[[ -f $archive/summary.json ]] || die "cogload run $1 printed no archive path"
	echo "$archive/summary.json"
}

# flag_agrees SUMMARY: 1 when behind_schedule is set exactly when fewer than 99% of
# the planned requests were sent (the report's own rule, checked from the outside).
flag_agrees() {
	jq -r '((.totals.requests < 0.99 * .totals.planned_requests) == .totals.behind_schedule) | if . then 1 else 0 end' "$1"
}

load_start=$(cut -d' ' -f1 /proc/loadavg)
echo "== 1/3 accuracy: $rate req/s for ${duration}s on the mock, quotas off" >&2
acc=$(run accuracy "$rate" "$duration")
echo "== 2/3 flagged: $rate req/s for ${check_secs}s, 20 workers, mock latency ~200 ms" >&2
cap=$(run capped "$rate" "$check_secs")
ovl=""
if ((overload > 0)); then
	echo "== 3/3 overload: $overload req/s for ${check_secs}s on the mock, quotas off" >&2
	ovl=$(run overload "$overload" "$check_secs")
fi

# Accuracy figures: achieved_rate is requests over the send window (first to last send);
# the per-second spread leaves out the first and last (partial) seconds.
read -r reqs planned achieved ok behind < <(jq -r '.totals | "\(.requests) \(.planned_requests) \(.achieved_rate) \(.ok) \(.behind_schedule)"' "$acc")
read -r smin smax < <(jq -r '[.series.points[] | select(.target_rate > 0) | .rate] | .[1:-1] | if length > 0 then "\(min) \(max)" else "- -" end' "$acc")
read -r p50 p99 < <(jq -r '.overall.latency | "\(.p50_ms) \(.p99_ms)"' "$acc")
err_pct=$(awk -v a="$achieved" -v t="$rate" 'BEGIN {e = 100 * (a - t) / t; printf "%.3f", e}')
sent_pct=$(awk -v r="$reqs" -v p="$planned" 'BEGIN {printf "%.2f", (p > 0 ? 100 * r / p : 0)}')
acc_pass=$(awk -v e="$err_pct" -v b="$behind" 'BEGIN {if (e < 0) e = -e; print ((e <= 1 && b == "false") ? "PASS" : "FAIL")}')

read -r creqs cplanned cach cbehind < <(jq -r '.totals | "\(.requests) \(.planned_requests) \(.achieved_rate) \(.behind_schedule)"' "$cap")
cnote=$(jq -r '.totals.behind_note // ""' "$cap")
cap_pass=FAIL
[[ $cbehind == true && $(flag_agrees "$cap") == 1 ]] && cap_pass=PASS

ovl_pass=SKIP
if [[ -n $ovl ]]; then
	read -r oreqs oplanned oach obehind < <(jq -r '.totals | "\(.requests) \(.planned_requests) \(.achieved_rate) \(.behind_schedule)"' "$ovl")
	onote=$(jq -r '.totals.behind_note // ""' "$ovl")
	ovl_pass=FAIL
	[[ $(flag_agrees "$ovl") == 1 ]] && ovl_pass=PASS
fi

echo
echo "rate accuracy: cogload run against the embedded mock, quotas off"
printf '  machine    %s CPUs, %s, load average %s at start, %s at end%s\n' "$(nproc)" "$(go env GOVERSION)" "$load_start" \
	"$(cut -d' ' -f1 /proc/loadavg)" "$([[ -n $nice_n ]] && echo ", nice $nice_n")"
printf '  cogload    load.connections %s\n' "${conns:-"not set (cogload's default)"}"
printf '  asked      %s req/s for %ss (%.0f requests planned)\n' "$rate" "$duration" "$planned"
printf '  achieved   %s req/s (%s requests, %s%% of planned; %s ok), per-second %s..%s req/s\n' \
	"$achieved" "$reqs" "$sent_pct" "$ok" "$smin" "$smax"
printf '  latency    p50 %sms, p99 %sms\n' "$p50" "$p99"
printf '  error      %+.3f%% of the target (goal within 1%%); behind_schedule=%s: %s\n' "$err_pct" "$behind" "$acc_pass"
printf '  flagged    capped run: asked %s req/s, achieved %s req/s (%s of %.0f sent), behind_schedule=%s: %s\n' \
	"$rate" "$cach" "$creqs" "$cplanned" "$cbehind" "$cap_pass"
[[ -n $cnote ]] && printf '             note: %s\n' "$cnote"
if [[ -n $ovl ]]; then
	printf '  overload   asked %s req/s, achieved %s req/s (%s of %.0f sent), behind_schedule=%s, agrees with the shortfall: %s\n' \
		"$overload" "$oach" "$oreqs" "$oplanned" "$obehind" "$ovl_pass"
	[[ -n $onote ]] && printf '             note: %s\n' "$onote"
fi
overall=PASS
[[ $acc_pass == PASS && $cap_pass == PASS && $ovl_pass != FAIL ]] || overall=FAIL
printf '  result     %s\n' "$overall"

if [[ -n $json_out ]]; then
	jq -n --slurpfile a "$acc" --slurpfile c "$cap" --arg err "$err_pct" --arg result "$overall" \
		--arg acc_pass "$acc_pass" --arg cap_pass "$cap_pass" --arg ovl_pass "$ovl_pass" \
		--argjson cpus "$(nproc)" --arg load "$load_start" \
		'{cpus: $cpus, load_at_start: $load, result: $result,
		  accuracy: ($a[0].totals + {error_pct: ($err | tonumber), latency: $a[0].overall.latency, result: $acc_pass}),
		  capped: ($c[0].totals + {result: $cap_pass}), overload_result: $ovl_pass}' >"$json_out"
	echo "  written    $json_out"
fi
[[ $overall == PASS ]] || exit 3
