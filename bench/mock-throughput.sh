#!/usr/bin/env bash
# mock-throughput.sh — how fast is the mock's GetUserAttributeVerificationCode compared
# with the cheapest possible net/http server on this machine, under the same wrk load?
#
# Both servers are measured in one run, alternating, with identical wrk settings; the
# baseline (bench/trivial) returns the very bytes the mock returned for the request. The
# mock runs with --no-limits but still verifies the token's RS256 signature. The mock's
# RSS is sampled throughout, and --soak adds a long run to show memory stays flat.
#
# Usage: bench/mock-throughput.sh [options]   (see --help)
# Goal (issue 2): mock rps / trivial rps >= 0.5. See bench/README.md.
set -euo pipefail

usage() {
	cat <<'EOF'
usage: bench/mock-throughput.sh [options]

  -d, --duration D    wrk duration per measured run (default 10s)
  -t, --threads N     wrk threads (default 2)
  -c, --conns N       wrk connections (default 64)
  -r, --rounds N      alternating rounds, each one run per server (default 3)
      --soak [SECS]   after the rounds, drive the mock alone for SECS (default 60)
                      and print its RSS every 5 s
      --pin           pin the servers to CPU 1 and wrk to CPU 0 (taskset), so the
                      load generator does not steal the server's core
      --mock-bin PATH use this binary as `PATH mock ...` instead of building cogload
      --json FILE     also write the summary as JSON to FILE
      --min-ratio R   exit 3 when mock/trivial is below R (for CI gates)
  -h, --help          this help

Needs: go, curl, jq, wrk (installed with apt-get when missing and running as root).
EOF
}

die() { echo "mock-throughput: $*" >&2; exit 1; }

duration=10s threads=2 conns=64 rounds=3 soak=0 pin=0 mock_bin="" json_out="" min_ratio=""
while (($#)); do
	case "$1" in
	-d | --duration) duration=${2:?"$1 needs a value, e.g. 10s"}; shift ;;
	-t | --threads) threads=${2:?"$1 needs a number"}; shift ;;
	-c | --conns) conns=${2:?"$1 needs a number"}; shift ;;
	-r | --rounds) rounds=${2:?"$1 needs a number"}; shift ;;
	--soak)
		soak=60
		if [[ ${2:-} =~ ^[0-9]+$ ]]; then soak=$2; shift; fi ;;
	--pin) pin=1 ;;
	--mock-bin) mock_bin=${2:?"--mock-bin needs a path"}; shift ;;
	--json) json_out=${2:?"--json needs a file"}; shift ;;
	--min-ratio) min_ratio=${2:?"--min-ratio needs a number, e.g. 0.5"}; shift ;;
	-h | --help) usage; exit 0 ;;
	*) usage >&2; echo >&2; die "unknown option $1" ;;
	esac
	shift
done
[[ $rounds =~ ^[1-9][0-9]*$ ]] || die "--rounds: want a positive integer, got $rounds"
[[ $threads =~ ^[1-9][0-9]*$ && $conns =~ ^[1-9][0-9]*$ ]] || die "--threads/--conns: want positive integers"
[[ $duration =~ ^[0-9]+[smh]?$ ]] || die "--duration: want e.g. 10s or 2m, got $duration"
[[ -z $min_ratio || $min_ratio =~ ^[0-9]*\.?[0-9]+$ ]] || die "--min-ratio: want a number, got $min_ratio"

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

for tool in go curl jq; do
	command -v "$tool" >/dev/null || die "$tool not found; install it (apt-get install -y $tool)"
done
if ! command -v wrk >/dev/null; then
	if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
		echo "installing wrk (apt-get)..." >&2
		{ apt-get update -qq >/dev/null && apt-get install -y -qq wrk >/dev/null; } || die "apt-get install wrk failed"
	else
		die "wrk not found; install it: sudo apt-get update && sudo apt-get install -y wrk"
	fi
fi
if ((pin)); then
	command -v taskset >/dev/null || die "--pin needs taskset (util-linux)"
	(($(nproc) >= 2)) || die "--pin needs at least 2 CPUs"
fi

# The work dir holds the access token and the user's password, so keep it private and
# remove it on every exit path; processes are stopped by the PIDs recorded here.
work=$(mktemp -d "${TMPDIR:-/tmp}/mock-throughput.XXXXXX")
chmod 700 "$work"
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

server_prefix=() wrk_prefix=()
if ((pin)); then server_prefix=(taskset -c 1) wrk_prefix=(taskset -c 0); fi

echo "== building" >&2
(cd "$root" && go build -o "$work/trivial" ./bench/trivial) || die "building bench/trivial failed"
if [[ -z $mock_bin ]]; then
	(cd "$root" && go build -o "$work/cogload" .) || die "building cogload failed"
	mock_bin=$work/cogload
fi

# start NAME CMD... runs a server in the background and waits (up to 60 s) for the JSON
# object on its first stdout line; it sets $started_pid.
start() {
	local name=$1 out=$work/$1.out
	shift
	"${server_prefix[@]}" "$@" >"$out" 2>"$work/$name.err" &
	started_pid=$!
	pids+=("$started_pid")
	local i
	for ((i = 0; i < 600; i++)); do
		if [[ -s $out ]] && head -n1 "$out" | jq -e 'type == "object"' >/dev/null 2>&1; then
			return 0
		fi
		kill -0 "$started_pid" 2>/dev/null || { cat "$work/$name.err" >&2; die "$name exited before printing its address"; }
		sleep 0.1
	done
	die "$name printed no JSON first line within 60 s"
}

# amz TARGET BODYFILE OUTFILE posts an AWS JSON 1.1 request; the body comes from a file
# so no secret appears in a process list. Prints the HTTP status.
amz() {
	curl -sS -o "$3" -w '%{http_code}' --max-time 10 \
		-H "Content-Type: application/x-amz-json-1.1" \
		-H "X-Amz-Target: AWSCognitoIdentityProviderService.$1" \
		--data-binary "@$2" "$endpoint/"
}

echo "== starting the mock" >&2
start mock "$mock_bin" mock --no-limits --addr 127.0.0.1:0
mock_pid=$started_pid
info=$(head -n1 "$work/mock.out")
endpoint=$(jq -r '.endpoint // empty' <<<"$info")
client_id=$(jq -r '.clientId // empty' <<<"$info")
[[ -n $endpoint && -n $client_id ]] || die "mock's first line lacks endpoint/clientId"
[[ $endpoint != *:0 && $endpoint != *:0/ ]] || die "mock reported port 0 as its endpoint; it must print the bound address"
endpoint=${endpoint%/}
jq -e '.users | length > 0' >/dev/null <<<"$info" || die "mock's first line lists no sample users"
jq -c --arg c "$client_id" '{AuthFlow: "USER_PASSWORD_AUTH", ClientId: $c,
	AuthParameters: {USERNAME: .users[0].username, PASSWORD: .users[0].password}}' \
	<<<"$info" >"$work/auth.json"

status=$(amz InitiateAuth "$work/auth.json" "$work/auth.out")
[[ $status == 200 ]] || die "InitiateAuth answered $status: $(jq -c '{__type, message}' "$work/auth.out" 2>/dev/null)"
jq -c '{AccessToken: .AuthenticationResult.AccessToken, AttributeName: "email"}' \
	"$work/auth.out" >"$work/guavc.json"
jq -e '.AccessToken | type == "string" and length > 0' "$work/guavc.json" >/dev/null ||
	die "InitiateAuth returned no AccessToken"
rm -f "$work/auth.out" "$work/auth.json"

# Capture the mock's answer; the baseline will return exactly these bytes.
status=$(amz GetUserAttributeVerificationCode "$work/guavc.json" "$work/response.json")
[[ $status == 200 ]] || die "GUAVC answered $status: $(head -c 300 "$work/response.json")"
amz GetUserAttributeVerificationCode "$work/guavc.json" "$work/response2.json" >/dev/null
cmp -s "$work/response.json" "$work/response2.json" ||
	echo "note: the mock's GUAVC body differs between calls; the baseline uses the first" >&2

echo "== starting the baseline" >&2
start trivial "$work/trivial" -body-file "$work/response.json" -addr 127.0.0.1:0
trivial_pid=$started_pid
trivial_url=$(head -n1 "$work/trivial.out" | jq -r .endpoint)
curl -sS -o "$work/trivial-response.json" --max-time 5 -X POST --data-binary "@$work/guavc.json" "$trivial_url/"
cmp -s "$work/response.json" "$work/trivial-response.json" || die "baseline does not return the mock's bytes"

# The wrk script carries the token, so it lives in the private work dir.
{
	echo 'wrk.method = "POST"'
	echo 'wrk.headers["Content-Type"] = "application/x-amz-json-1.1"'
	echo 'wrk.headers["X-Amz-Target"] = "AWSCognitoIdentityProviderService.GetUserAttributeVerificationCode"'
	printf 'wrk.body = [==[%s]==]\n' "$(cat "$work/guavc.json")"
} >"$work/guavc.lua"

# RSS sampler: one "seconds-since-start kib" line per second for the mock's process.
t_start=$(date +%s)
(
	while kill -0 "$mock_pid" 2>/dev/null; do
		rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$mock_pid/status" 2>/dev/null) || break
		echo "$(($(date +%s) - t_start)) $rss"
		sleep 1
	done
) >"$work/rss.log" &
pids+=("$!")
rss_now() { awk '/^VmRSS:/ {print $2}' "/proc/$mock_pid/status"; }

# cpu_ticks PID prints the process's user+system CPU time in clock ticks.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
clk_tck=$(getconf CLK_TCK)

# bench NAME URL DURATION PID runs wrk and prints
# "name rps requests non2xx errors p50 p99 server-cpu-us-per-request". CPU per request
# is the server's own CPU time over the run divided by the requests it answered: unlike
# req/s it barely moves when other processes steal cores, so it is the steadier view.
bench() {
	local name=$1 url=$2 d=$3 pid=$4 out c0 c1
	c0=$(cpu_ticks "$pid")
	out=$("${wrk_prefix[@]}" wrk -t"$threads" -c"$conns" -d"$d" --latency -s "$work/guavc.lua" "$url/") ||
		die "wrk against $name failed"
	c1=$(cpu_ticks "$pid")
	awk -v name="$name" -v ticks=$((c1 - c0)) -v hz="$clk_tck" '
		/Requests\/sec:/ {rps = $2}
		/requests in/ {reqs = $1}
		/Non-2xx or 3xx responses:/ {non2xx = $NF}
		/Socket errors:/ {gsub(/,/, ""); errs = $4 + $6 + $8 + $10}
		$1 == "50%" {p50 = $2}
		$1 == "99%" {p99 = $2}
		END {printf "%s %s %s %d %d %s %s %.1f\n", name, rps, reqs, non2xx, errs, p50, p99, (reqs > 0 ? ticks * 1e6 / hz / reqs : 0)}
	' <<<"$out"
}

rss_idle=$(rss_now)
echo "== warm-up (2 s each, discarded)" >&2
bench trivial "$trivial_url" 2s "$trivial_pid" >/dev/null
bench mock "$endpoint" 2s "$mock_pid" >/dev/null
rss_warm=$(rss_now)

results=$work/results
: >"$results"
for ((r = 1; r <= rounds; r++)); do
	echo "== round $r/$rounds: trivial, then mock ($duration each, -t$threads -c$conns)" >&2
	bench trivial "$trivial_url" "$duration" "$trivial_pid" | tee -a "$results" >&2
	bench mock "$endpoint" "$duration" "$mock_pid" | tee -a "$results" >&2
	echo "   mock RSS now $(($(rss_now) / 1024)) MiB" >&2
done
rss_after=$(rss_now)

soak_log=$work/soak
: >"$soak_log"
if ((soak > 0)); then
	echo "== soak: mock alone for ${soak}s, RSS every 5 s" >&2
	soak_t0=$(date +%s)
	(
		while sleep 5; do
			echo "$(($(date +%s) - soak_t0)) $(rss_now)"
		done
	) >"$soak_log" 2>/dev/null &
	soak_sampler=$!
	pids+=("$soak_sampler")
	bench mock-soak "$endpoint" "${soak}s" "$mock_pid" >"$work/soak-result"
	kill "$soak_sampler" 2>/dev/null || true
fi

median() { sort -n | awk '{a[NR] = $1} END {if (NR % 2) print a[(NR + 1) / 2]; else printf "%.2f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
trivial_rps=$(awk '$1 == "trivial" {print $2}' "$results" | median)
mock_rps=$(awk '$1 == "mock" {print $2}' "$results" | median)
ratio=$(awk -v m="$mock_rps" -v t="$trivial_rps" 'BEGIN {printf "%.3f", (t > 0 ? m / t : 0)}')
trivial_cpu=$(awk '$1 == "trivial" {print $8}' "$results" | median)
mock_cpu=$(awk '$1 == "mock" {print $8}' "$results" | median)
cpu_ratio=$(awk -v m="$mock_cpu" -v t="$trivial_cpu" 'BEGIN {printf "%.3f", (m > 0 ? t / m : 0)}')
bad=$(awk '$1 == "mock" {s += $4 + $5} END {print s + 0}' "$results")
rss_max=$(awk 'BEGIN {m = 0} $2 > m {m = $2} END {print m}' "$work/rss.log")

pin_note=""
((pin)) && pin_note=", pinned"
echo
echo "mock GUAVC throughput vs a trivial net/http handler (same bytes, same wrk load)"
printf '  machine       %s CPUs, %s; wrk -t%s -c%s -d%s, %s rounds%s\n' "$(nproc)" "$(go env GOVERSION)" \
	"$threads" "$conns" "$duration" "$rounds" "$pin_note"
printf '  %-8s %12s %12s %10s %10s %8s %12s\n' server "req/s" requests "p50" "p99" "non-2xx" "cpu us/req"
awk '{printf "  %-8s %12.0f %12s %10s %10s %8d %12.1f\n", $1, $2, $3, $6, $7, $4 + $5, $8}' "$results"
printf '  median   trivial %.0f req/s, mock %.0f req/s\n' "$trivial_rps" "$mock_rps"
verdict=$(awk -v r="$ratio" 'BEGIN {print (r >= 0.5 ? "meets the >= 0.5 goal" : "BELOW the 0.5 goal")}')
printf '  ratio    mock/trivial = %s (%s); per round: %s\n' "$ratio" "$verdict" \
	"$(awk '$1 == "trivial" {t = $2} $1 == "mock" && t > 0 {printf "%.2f ", $2 / t}' "$results")"
printf '  cpu      server CPU per request: trivial %.1f us, mock %.1f us; trivial/mock = %s\n' \
	"$trivial_cpu" "$mock_cpu" "$cpu_ratio"
((bad == 0)) || echo "  WARNING: $bad mock responses were non-2xx or socket errors; its rps is not all GUAVC successes"
printf '  mock RSS idle %d MiB, after warm-up %d MiB, after rounds %d MiB, max %d MiB\n' \
	$((rss_idle / 1024)) $((rss_warm / 1024)) $((rss_after / 1024)) $((rss_max / 1024))
if [[ -s $soak_log ]]; then
	read -r _ soak_rps soak_reqs soak_non2xx soak_errs soak_p50 soak_p99 soak_cpu <"$work/soak-result"
	printf '  soak     %.0f req/s over %ss (%s requests, p50 %s, p99 %s, %s us CPU/req, %d non-2xx/errors)\n' \
		"$soak_rps" "$soak" "$soak_reqs" "$soak_p50" "$soak_p99" "$soak_cpu" $((soak_non2xx + soak_errs))
	printf '  soak RSS (s:MiB) %s\n' "$(awk '{printf "%s:%.1f ", $1, $2 / 1024}' "$soak_log")"
	# Flat means the last sample is within 10% (or 8 MiB) of the first one after warm-up.
	awk 'NR == 1 {first = $2} {last = $2} END {
		d = last - first; lim = first * 0.10; if (lim < 8192) lim = 8192
		printf "  soak RSS change %+.1f MiB from first to last sample: %s\n", d / 1024, (d <= lim ? "flat" : "GROWING")
	}' "$soak_log"
fi

if [[ -n $json_out ]]; then
	jq -n --slurpfile runs <(awk '{printf "{\"server\":\"%s\",\"rps\":%s,\"requests\":%s,\"bad\":%d,\"p50\":\"%s\",\"p99\":\"%s\",\"cpu_us_per_req\":%s}\n", $1, $2, $3, $4 + $5, $6, $7, $8}' "$results") \
		--slurpfile soak <(awk '{printf "{\"t\":%s,\"rss_kib\":%s}\n", $1, $2}' "$soak_log") \
		--argjson trivial "$trivial_rps" --argjson mock "$mock_rps" --argjson ratio "$ratio" \
		--argjson tcpu "$trivial_cpu" --argjson mcpu "$mock_cpu" --argjson cpuratio "$cpu_ratio" \
		--argjson idle "$rss_idle" --argjson warm "$rss_warm" --argjson after "$rss_after" --argjson max "$rss_max" \
		--arg wrk "-t$threads -c$conns -d$duration" --argjson cpus "$(nproc)" \
		'{wrk: $wrk, cpus: $cpus, trivial_rps: $trivial, mock_rps: $mock, ratio: $ratio,
		  cpu_us_per_req: {trivial: $tcpu, mock: $mcpu}, cpu_ratio: $cpuratio,
		  rss_kib: {idle: $idle, warm: $warm, after_rounds: $after, max: $max}, runs: $runs, soak_rss: $soak}' \
		>"$json_out"
	echo "  summary written to $json_out"
fi

if [[ -n $min_ratio ]] && awk -v r="$ratio" -v m="$min_ratio" 'BEGIN {exit !(r < m)}'; then
	echo "mock-throughput: ratio $ratio is below --min-ratio $min_ratio" >&2
	exit 3
fi
