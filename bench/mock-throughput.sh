#!/usr/bin/env bash
# mock-throughput.sh — how fast is the mock's GetUserAttributeVerificationCode compared
# with the cheapest possible net/http server on this machine, under the same wrk load?
#
# Three servers are measured in one run, alternating, with identical wrk settings:
#   trivial        bench/trivial, returning the very bytes the mock returned;
#   mock           cogload mock --no-limits, the default mode: a token whose exact bytes
#                  already passed RS256 verification skips the RSA check; issuer, expiry,
#                  token_use, scope, client, revocation and user state are still checked
#                  on every request;
#   mock-uncached  the same with --verify-every-request (the RSA check on every request).
# The default mock's RSS is sampled throughout, and --soak adds a long run on it to show
# memory stays flat.
#
# Usage: bench/mock-throughput.sh [options]   (see --help)
# Goal: mock rps / trivial rps >= 0.5, judged on the default mode; the uncached
# ratio is printed next to it so nobody mistakes one for the other. See bench/README.md.
set -euo pipefail

usage() {
	cat <<'USAGE'
usage: bench/mock-throughput.sh [options]

  -d, --duration D    wrk duration per measured run (default 10s)
  -t, --threads N     wrk threads (default 2)
  -c, --conns N       wrk connections (default 64)
  -r, --rounds N      alternating rounds, each one run per server (default 3)
      --soak [SECS]   after the rounds, drive the default mock alone for SECS
                      (default 60) and print its RSS every 5 s
      --pin           pin the servers to CPU 1 and wrk to CPU 0 (taskset), so the
                      load generator does not steal the server's core
      --mock-bin PATH use this binary as `PATH mock ...` instead of building cogload
      --skip-uncached do not measure `mock --verify-every-request` (e.g. for a
                      --mock-bin that predates the flag)
      --json FILE     also write the summary as JSON to FILE
      --min-ratio R   exit 3 when mock/trivial req/s (default mode) is below R
  -h, --help          this help

Needs: go, curl, jq, wrk (installed with apt-get when missing and running as root).
USAGE
}

die() { echo "mock-throughput: $*" >&2; exit 1; }

duration=10s threads=2 conns=64 rounds=3 soak=0 pin=0 mock_bin="" json_out="" min_ratio="" uncached=1
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
	--skip-uncached) uncached=0 ;;
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

# amz ENDPOINT TARGET BODYFILE OUTFILE posts an AWS JSON 1.1 request; the body comes
# from a file so no secret appears in a process list. Prints the HTTP status.
amz() {
	curl -sS -o "$4" -w '%{http_code}' --max-time 10 \
		-H "Content-Type: application/x-amz-json-1.1" \
		-H "X-Amz-Target: AWSCognitoIdentityProviderService.$2" \
		--data-binary "@$3" "$1/"
}

# Per-server state, by server name: process id, URL, wrk script.
declare -A pid_of url_of lua_of

# start_mock NAME FLAGS... starts a mock with a fixed seed (so both mocks serve the same
# users and answer the same bytes), mints an access token with InitiateAuth, checks that
# GUAVC answers 200, keeps that body in $work/NAME.response and writes $work/NAME.lua,
# the wrk script carrying this mock's token (the work dir is private).
start_mock() {
	local name=$1 info ep cid status
	shift
	start "$name" "$mock_bin" mock --no-limits --seed 1 --addr 127.0.0.1:0 "$@"
	pid_of[$name]=$started_pid
	info=$(head -n1 "$work/$name.out")
	ep=$(jq -r '.endpoint // empty' <<<"$info")
	cid=$(jq -r '.clientId // empty' <<<"$info")
	[[ -n $ep && -n $cid ]] || die "$name's first line lacks endpoint/clientId"
	[[ $ep != *:0 && $ep != *:0/ ]] || die "$name reported port 0 as its endpoint; it must print the bound address"
	ep=${ep%/}
	url_of[$name]=$ep
	jq -e '.users | length > 0' >/dev/null <<<"$info" || die "$name's first line lists no sample users"
	jq -c --arg c "$cid" '{AuthFlow: "USER_PASSWORD_AUTH", ClientId: $c,
		AuthParameters: {USERNAME: .users[0].username, PASSWORD: .users[0].password}}' \
		<<<"$info" >"$work/$name.auth.json"
	status=$(amz "$ep" InitiateAuth "$work/$name.auth.json" "$work/$name.auth.out")
	[[ $status == 200 ]] || die "$name: InitiateAuth answered $status: $(jq -c '{__type, message}' "$work/$name.auth.out" 2>/dev/null)"
	jq -c '{AccessToken: .AuthenticationResult.AccessToken, AttributeName: "email"}' \
		"$work/$name.auth.out" >"$work/$name.guavc.json"
	jq -e '.AccessToken | type == "string" and length > 0' "$work/$name.guavc.json" >/dev/null ||
		die "$name: InitiateAuth returned no AccessToken"
	rm -f "$work/$name.auth.out" "$work/$name.auth.json"
	status=$(amz "$ep" GetUserAttributeVerificationCode "$work/$name.guavc.json" "$work/$name.response")
	[[ $status == 200 ]] || die "$name: GUAVC answered $status: $(head -c 300 "$work/$name.response")"
	amz "$ep" GetUserAttributeVerificationCode "$work/$name.guavc.json" "$work/$name.response2" >/dev/null
	cmp -s "$work/$name.response" "$work/$name.response2" ||
		echo "note: $name's GUAVC body differs between calls; the baseline uses the first" >&2
	{
		echo 'wrk.method = "POST"'
		echo 'wrk.headers["Content-Type"] = "application/x-amz-json-1.1"'
		echo 'wrk.headers["X-Amz-Target"] = "AWSCognitoIdentityProviderService.GetUserAttributeVerificationCode"'
		printf 'wrk.body = [==[%s]==]\n' "$(cat "$work/$name.guavc.json")"
	} >"$work/$name.lua"
	lua_of[$name]=$work/$name.lua
}

servers=(trivial mock)
echo "== starting the mock (default: signature cache on)" >&2
start_mock mock
mock_pid=${pid_of[mock]}
if ((uncached)); then
	echo "== starting the mock with --verify-every-request" >&2
	mock_help=$("$mock_bin" mock --help 2>&1 || true)
	[[ $mock_help == *verify-every-request* ]] ||
		die "$mock_bin mock has no --verify-every-request flag; use --skip-uncached"
	start_mock mock-uncached --verify-every-request
	cmp -s "$work/mock.response" "$work/mock-uncached.response" ||
		echo "note: the two mocks' GUAVC bodies differ; the baseline returns the default mock's" >&2
	servers+=(mock-uncached)
fi

echo "== starting the baseline" >&2
start trivial "$work/trivial" -body-file "$work/mock.response" -addr 127.0.0.1:0
pid_of[trivial]=$started_pid
url_of[trivial]=$(head -n1 "$work/trivial.out" | jq -r .endpoint)
url_of[trivial]=${url_of[trivial]%/}
lua_of[trivial]=$work/mock.lua # the same request as the default mock gets
curl -sS -o "$work/trivial-response.json" --max-time 5 -X POST --data-binary "@$work/mock.guavc.json" "${url_of[trivial]}/"
cmp -s "$work/mock.response" "$work/trivial-response.json" || die "baseline does not return the mock's bytes"

# RSS sampler: one "seconds-since-start kib" line per second for the default mock, the
# one whose signature cache holds state.
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

# bench NAME DURATION [LABEL] runs wrk against server NAME and prints
# "label rps requests non2xx errors p50 p99 server-cpu-us-per-request". CPU per request
# is the server's own CPU time over the run divided by the requests it answered: unlike
# req/s it barely moves when other processes steal cores, so it is the steadier view.
bench() {
	local name=$1 d=$2 label=${3:-$1} pid=${pid_of[$1]} out c0 c1
	c0=$(cpu_ticks "$pid")
	out=$("${wrk_prefix[@]}" wrk -t"$threads" -c"$conns" -d"$d" --latency -s "${lua_of[$name]}" "${url_of[$name]}/") ||
		die "wrk against $name failed"
	c1=$(cpu_ticks "$pid")
	awk -v name="$label" -v ticks=$((c1 - c0)) -v hz="$clk_tck" '
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
for srv in "${servers[@]}"; do bench "$srv" 2s >/dev/null; done
rss_warm=$(rss_now)

# Each round runs every server once; the order rotates by one per round so that a
# change in machine load does not always hit the same server.
results=$work/results
: >"$results"
n=${#servers[@]}
for ((r = 1; r <= rounds; r++)); do
	order=()
	for ((i = 0; i < n; i++)); do order+=("${servers[(i + r - 1) % n]}"); done
	echo "== round $r/$rounds: ${order[*]} ($duration each, -t$threads -c$conns)" >&2
	for srv in "${order[@]}"; do
		bench "$srv" "$duration" | tee -a "$results" >&2
	done
	echo "   mock RSS now $(($(rss_now) / 1024)) MiB" >&2
done
rss_after=$(rss_now)

soak_log=$work/soak
: >"$soak_log"
if ((soak > 0)); then
	echo "== soak: default mock alone for ${soak}s, RSS every 5 s" >&2
	soak_t0=$(date +%s)
	(
		while sleep 5; do
			echo "$(($(date +%s) - soak_t0)) $(rss_now)"
		done
	) >"$soak_log" 2>/dev/null &
	soak_sampler=$!
	pids+=("$soak_sampler")
	bench mock "${soak}s" mock-soak >"$work/soak-result"
	kill "$soak_sampler" 2>/dev/null || true
fi

median() { sort -n | awk '{a[NR] = $1} END {if (NR == 0) print 0; else if (NR % 2) print a[(NR + 1) / 2]; else printf "%.2f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
col() { awk -v s="$1" -v c="$2" '$1 == s {print $c}' "$results" | median; }
div() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.3f", (b > 0 ? a / b : 0)}'; }
trivial_rps=$(col trivial 2) mock_rps=$(col mock 2) unc_rps=$(col mock-uncached 2)
trivial_cpu=$(col trivial 8) mock_cpu=$(col mock 8) unc_cpu=$(col mock-uncached 8)
ratio=$(div "$mock_rps" "$trivial_rps") unc_ratio=$(div "$unc_rps" "$trivial_rps")
cpu_ratio=$(div "$trivial_cpu" "$mock_cpu") unc_cpu_ratio=$(div "$trivial_cpu" "$unc_cpu")
bad=$(awk '$1 ~ /^mock/ {s += $4 + $5} END {print s + 0}' "$results")
rss_max=$(awk 'BEGIN {m = 0} $2 > m {m = $2} END {print m}' "$work/rss.log")
# per_round NAME prints each round's NAME/trivial req/s ratio.
per_round() {
	awk -v s="$1" '$1 == "trivial" {t[++nt] = $2} $1 == s {m[++nm] = $2}
		END {for (i = 1; i <= nm && i <= nt; i++) if (t[i] > 0) printf "%.2f ", m[i] / t[i]}' "$results"
}
meets() { awk -v r="$1" 'BEGIN {print (r >= 0.5 ? "meets" : "BELOW")}'; }

pin_note=""
((pin)) && pin_note=", pinned"
echo
echo "mock GUAVC throughput vs a trivial net/http handler (same bytes, same wrk load)"
printf '  machine  %s CPUs, %s; wrk -t%s -c%s -d%s, %s rounds%s; load average %s\n' "$(nproc)" "$(go env GOVERSION)" \
	"$threads" "$conns" "$duration" "$rounds" "$pin_note" "$(cut -d' ' -f1-3 /proc/loadavg)"
echo "  mock = default (signature cache on); mock-uncached = --verify-every-request"
printf '  %-13s %10s %10s %10s %10s %8s %11s\n' server "req/s" requests "p50" "p99" "non-2xx" "cpu us/req"
awk '{printf "  %-13s %10.0f %10s %10s %10s %8d %11.1f\n", $1, $2, $3, $6, $7, $4 + $5, $8}' "$results"
printf '  median req/s      trivial %.0f, mock %.0f' "$trivial_rps" "$mock_rps"
((uncached)) && printf ', mock-uncached %.0f' "$unc_rps"
echo
printf '  median cpu us/req trivial %.1f, mock %.1f' "$trivial_cpu" "$mock_cpu"
((uncached)) && printf ', mock-uncached %.1f' "$unc_cpu"
echo
echo "  goal: mock/trivial >= 0.5 in the default mode. On a shared or loaded machine"
echo "  req/s swings with other processes; CPU per request is the stable signal."
printf '  ratio  mock/trivial          req/s %s (%s the goal; per round %s)  cpu trivial/mock %s (%s)\n' \
	"$ratio" "$(meets "$ratio")" "$(per_round mock)" "$cpu_ratio" "$(meets "$cpu_ratio")"
if ((uncached)); then
	printf '  ratio  mock-uncached/trivial req/s %s (%s 0.5; per round %s)  cpu trivial/mock-uncached %s (%s 0.5)\n' \
		"$unc_ratio" "$(meets "$unc_ratio")" "$(per_round mock-uncached)" "$unc_cpu_ratio" "$(meets "$unc_cpu_ratio")"
	echo "         (uncached: every request pays the RS256 check; shown so nobody reads the default"
	echo "          mode's number as the cost of verifying a new token)"
fi
if ((bad > 0)); then
	awk '$1 ~ /^mock/ {b[$1] += $4 + $5} END {for (s in b) if (b[s] > 0) printf "  WARNING: %s had %d non-2xx responses or socket errors (wrk times out at 2 s); its req/s is not all GUAVC successes\n", s, b[s]}' "$results"
fi
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
		--argjson trivial "$trivial_rps" --argjson mock "$mock_rps" --argjson unc "$unc_rps" \
		--argjson ratio "$ratio" --argjson uratio "$unc_ratio" \
		--argjson tcpu "$trivial_cpu" --argjson mcpu "$mock_cpu" --argjson ucpu "$unc_cpu" \
		--argjson cpuratio "$cpu_ratio" --argjson ucpuratio "$unc_cpu_ratio" \
		--argjson idle "$rss_idle" --argjson warm "$rss_warm" --argjson after "$rss_after" --argjson max "$rss_max" \
		--arg wrk "-t$threads -c$conns -d$duration" --argjson cpus "$(nproc)" --argjson uncached "$uncached" \
		'{wrk: $wrk, cpus: $cpus, trivial_rps: $trivial, mock_rps: $mock, ratio: $ratio,
		  mock_uncached: (if $uncached == 1 then {rps: $unc, ratio: $uratio, cpu_us_per_req: $ucpu, cpu_ratio: $ucpuratio} else null end),
		  cpu_us_per_req: {trivial: $tcpu, mock: $mcpu}, cpu_ratio: $cpuratio,
		  rss_kib: {idle: $idle, warm: $warm, after_rounds: $after, max: $max}, runs: $runs, soak_rss: $soak}' \
		>"$json_out"
	echo "  summary written to $json_out"
fi

if [[ -n $min_ratio ]] && awk -v r="$ratio" -v m="$min_ratio" 'BEGIN {exit !(r < m)}'; then
	echo "mock-throughput: ratio $ratio is below --min-ratio $min_ratio" >&2
	exit 3
fi
