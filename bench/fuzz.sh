#!/usr/bin/env bash
# fuzz.sh — run every fuzz target of the module for a fixed time each and say, per
# target, how many inputs it ran, how many new interesting inputs it found and whether
# it crashed. Any crash (or a target that fails to build) makes the script exit 1; Go
# writes the failing input under the package's testdata/fuzz/<Target>/, where it becomes
# a regression test of `go test` once committed. A run that fails with nothing but
# Go's own "context deadline exceeded" at the -fuzztime boundary and writes no input
# (golang/go#75804, a coordinator race under load, fixed in Go 1.27) is run again once.
#
# Targets are the module's Fuzz functions (what `go test -list '^Fuzz' ./...` lists), so
# a new fuzz target is run without editing this script. CI runs each briefly (.ci/run);
# a long session is `bench/fuzz.sh 10m` (one target at a time) or `bench/fuzz.sh -j 2 10m`.
#
# Usage: bench/fuzz.sh [options] DURATION   (see --help)
set -euo pipefail

usage() {
	cat <<'EOF'
usage: bench/fuzz.sh [options] DURATION

  DURATION            how long each target fuzzes, as go test -fuzztime takes it
                      (10m, 30s, or 5000x for a count of inputs)
  -j, --jobs N        targets fuzzed at once (default 1)
  -p, --parallel N    fuzzing workers per target (go test -parallel; default 1)
  -m, --match RE      only targets whose "package.Target" matches the extended regex RE
      --minimize D    time spent minimizing each new interesting input and each crash
                      (go test -fuzzminimizetime; default 5s: Go's 60s stalls targets
                      whose inputs are large, such as whole summary.json files)
  -l, --list          list the targets and exit
      --json FILE     also write the per-target results as JSON lines to FILE
      --nice N        fuzz under `nice -n N`
  -h, --help          this help

Exit: 0 no target crashed, 1 a target crashed or did not build, 2 usage, 130 interrupted.
Needs: go.
EOF
}

die() { echo "fuzz: $*" >&2; exit 2; }

jobs=1 parallel=1 match="" list=0 json_out="" nice_n="" fuzztime="" minimize=5s
while [[ $# -gt 0 ]]; do
	case $1 in
	-j | --jobs) jobs=${2:?}; shift 2 ;;
	-p | --parallel) parallel=${2:?}; shift 2 ;;
	-m | --match) match=${2:?}; shift 2 ;;
	--minimize) minimize=${2:?}; shift 2 ;;
	-l | --list) list=1; shift ;;
	--json) json_out=${2:?}; shift 2 ;;
	--nice) nice_n=${2:?}; shift 2 ;;
	-h | --help) usage; exit 0 ;;
	-*) usage >&2; die "unknown option $1" ;;
	*) [[ -z $fuzztime ]] || die "one DURATION, got $fuzztime and $1"; fuzztime=$1; shift ;;
	esac
done
[[ $jobs =~ ^[1-9][0-9]*$ ]] || die "--jobs wants a count >= 1, got $jobs"
[[ $parallel =~ ^[1-9][0-9]*$ ]] || die "--parallel wants a count >= 1, got $parallel"
[[ $list == 1 || -n $fuzztime ]] || { usage >&2; die "give a DURATION such as 10m"; }

cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
source bench/lib.sh
bench_setup fuzz

# The targets are the Fuzz functions in each package's test files as `go list` selects
# them (build constraints applied): what `go test -list '^Fuzz' ./...` lists, without
# building every test binary first.
targets=()
while read -r pkg dir files; do
	for f in $files; do
		while read -r name; do
			if [[ -z $match ]] || [[ "$pkg.$name" =~ $match ]]; then targets+=("$pkg $name"); fi
		done < <(sed -nE 's/^func (Fuzz[A-Za-z0-9_]*)\(f \*testing\.F\).*/\1/p' "$dir/$f")
	done
done < <(go list -f '{{.ImportPath}} {{.Dir}} {{join .TestGoFiles " "}} {{join .XTestGoFiles " "}}' ./...)
[[ ${#targets[@]} -gt 0 ]] || die "no fuzz targets${match:+ match $match}"

if [[ $list == 1 ]]; then
	printf '%s\n' "${targets[@]}"
	exit 0
fi

echo "fuzz: ${#targets[@]} targets, $fuzztime each, $jobs at a time, $parallel worker(s) each"

# result I PKG NAME RC writes target I's result line (from its log) to $work/I.result.
result() {
	local log=$work/$1.log last execs="?" newi="?" status=ok input=""
	last=$(grep -E '^fuzz: elapsed: .*execs: ' "$log" | tail -1 || true)
	if [[ -n $last ]]; then
		execs=$(sed -E 's/.*execs: ([0-9]+).*/\1/' <<<"$last")
		newi=$(sed -nE 's/.*new interesting: ([0-9]+).*/\1/p' <<<"$last")
		newi=${newi:-0}
	fi
	if [[ $4 -ne 0 ]]; then
		status=FAIL
		input=$(sed -nE 's/.*Failing input written to (.*)$/\1/p' "$log" | head -1)
		[[ -z $input ]] || input=$(go list -f '{{.Dir}}' "$2")/$input
		input=${input#"$PWD/"}
	fi
	printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$2" "$3" "$status" "$execs" "$newi" "$input" >"$work/$1.result"
}

# deadline_race LOG: the run failed only with Go's own fuzzing coordinator
# race at the -fuzztime boundary (golang/go#75804, fixed in Go 1.27): the
# failure says "context deadline exceeded" and nothing else, and no
# failing input was written. A crash always writes one.
deadline_race() {
	! grep -q 'Failing input written' "$1" &&
		[[ $(sed -n '/^--- FAIL: /,/^FAIL$/p' "$1" | sed '1d;$d' | tr -d ' \t') == contextdeadlineexceeded ]]
}

# Each target is its own `go test -fuzz` (it fuzzes one package's one target).
declare -A job_of=() retried=()
launch() {
	${prio[@]+"${prio[@]}"} go test -run '^$' -fuzz "^${name_of[$1]}\$" -fuzztime "$fuzztime" -fuzzminimizetime "$minimize" \
		-parallel "$parallel" \
		"${pkg_of[$1]}" >"$work/$1.log" 2>&1 &
	pids+=($!)
	job_of[$!]=$1
}
reap() {
	local pid rc=0
	wait -n -p pid || rc=$?
	local j=${job_of[$pid]}
	unset "job_of[$pid]"
	if [[ $rc -ne 0 && -z ${retried[$j]:-} ]] && deadline_race "$work/$j.log"; then
		# Once: a second race is reported as the failure it looks like.
		retried[$j]=1
		echo "fuzz: ${name_of[$j]}: Go's fuzzing coordinator stopped with a bare \"context deadline exceeded\" and no failing input (golang/go#75804, a race at the -fuzztime boundary under load); running it again" >&2
		launch "$j"
		return
	fi
	result "$j" "${pkg_of[$j]}" "${name_of[$j]}" "$rc"
}
pkg_of=() name_of=()
i=0
for t in "${targets[@]}"; do
	i=$((i + 1))
	read -r "pkg_of[$i]" "name_of[$i]" <<<"$t"
	while [[ ${#job_of[@]} -ge $jobs ]]; do reap; done
	launch "$i"
done
while [[ ${#job_of[@]} -gt 0 ]]; do reap; done

failed=0
printf '%-48s %-28s %-6s %14s %8s\n' package target result execs new
[[ -z $json_out ]] || : >"$json_out"
for j in $(seq 1 "$i"); do
	IFS=$'\t' read -r pkg name status execs newi input <"$work/$j.result"
	printf '%-48s %-28s %-6s %14s %8s\n' "${pkg#github.com/cogload/cogload/}" "$name" "$status" "$execs" "$newi"
	if [[ $status != ok ]]; then
		failed=1
		echo "--- $name ($pkg) failed${input:+; failing input: $input}:"
		grep -v -E '^fuzz: elapsed: ' "$work/$j.log" | tail -40 | sed 's/^/    /'
	fi
	if [[ -n $json_out ]]; then
		printf '{"package":"%s","target":"%s","result":"%s","execs":"%s","newInteresting":"%s","failingInput":"%s"}\n' \
			"$pkg" "$name" "$status" "$execs" "$newi" "$input" >>"$json_out"
	fi
done
exit "$failed"
