# shellcheck shell=bash
# Shared by the bench scripts (source it; bash). Each script sets nice_n
# (from --nice, may be empty) before calling bench_setup.

# bench_setup NAME makes the private temp dir $work, the list $pids of
# background processes to stop on exit, the exit traps, and applies --nice.
bench_setup() {
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
