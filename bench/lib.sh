# shellcheck shell=bash
# Shared by the bench scripts (source it; bash). Each script sets nice_n
# (from --nice, may be empty) before calling bench_setup.

# bench_setup NAME makes the private temp dir $work, the list $pids of
# background processes to stop on exit, the exit traps, and applies --nice:
# it checks nice_n (through the script's die) and sets $prio, the command
# prefix that runs a measured process at that niceness.
bench_setup() {
	[[ -z ${nice_n:-} || $nice_n =~ ^-?[0-9]+$ ]] || die "--nice: want an integer, got $nice_n"
	prio=()
	[[ -z ${nice_n:-} ]] || prio=(nice -n "$nice_n")
	work=$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX")
	chmod 700 "$work"
	pids=()
	trap bench_cleanup EXIT
	trap 'exit 130' INT TERM
	# Under sched_autogroup, nice only ranks processes within one session; sessions
	# compete by their autogroup's nice, so --nice sets that too (put back on exit).
	ag_old=""
	if [[ -n ${nice_n:-} && -w /proc/$$/autogroup ]]; then
		ag_old=$(awk '{print $3}' /proc/$$/autogroup)
		echo "$nice_n" 2>/dev/null >/proc/$$/autogroup || ag_old=""
	fi
}

bench_cleanup() {
	if [[ -n ${ag_old:-} ]]; then echo "$ag_old" 2>/dev/null >/proc/$$/autogroup || true; fi
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
	rm -rf "$work"
}

# bench_mock BIN starts `BIN mock --no-limits --seed 1` on a free loopback port (under
# the script's $prio, if any; stopped on exit), puts its contract line (JSON: endpoint, region, userPoolId, clientId, users)
# in $info and its users in $work/users.csv (username,password; mode 600).
bench_mock() {
	${prio[@]+"${prio[@]}"} "$1" mock --no-limits --seed 1 --addr 127.0.0.1:0 >"$work/mock.out" 2>"$work/mock.err" &
	pids+=($!)
	local _
	for _ in $(seq 100); do [[ -s $work/mock.out ]] && break; sleep 0.1; done
	[[ -s $work/mock.out ]] || { echo "cogload mock printed no info line: $(tail -3 "$work/mock.err")" >&2; return 1; }
	info=$(head -1 "$work/mock.out")
	(umask 077 && jq -r '.users[] | "\(.username),\(.password)"' <<<"$info" >"$work/users.csv")
}

# bench_mock_scenario TEMPLATE OUT writes the scenario TEMPLATE with its MOCK_*
# placeholders filled from $info (see deploy/kubernetes/simulate/scenario.yaml).
bench_mock_scenario() {
	sed -e "s|MOCK_ENDPOINT|$(jq -r .endpoint <<<"$info")|" -e "s|MOCK_REGION|$(jq -r .region <<<"$info")|" \
		-e "s|MOCK_USER_POOL_ID|$(jq -r .userPoolId <<<"$info")|" -e "s|MOCK_CLIENT_ID|$(jq -r .clientId <<<"$info")|" \
		"$1" >"$2"
}

# bench_proc PID prints the process's resident memory (KiB) and open file descriptors,
# "rss_kib fds", or nothing once it has exited.
bench_proc() {
	local rss fds
	rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null) || return 0
	[[ -n $rss ]] || return 0
	fds=$(find "/proc/$1/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)
	echo "$rss $fds"
}
