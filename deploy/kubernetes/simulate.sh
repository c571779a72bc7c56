#!/usr/bin/env bash
# simulate.sh — the Kubernetes Job on this machine: N `cogload run` processes started
# as load-job.yaml's pods start them (the same flags, JOB_COMPLETION_INDEX 0..N-1, one
# START_AT), against one `cogload mock --no-limits` on loopback (an endpoint target,
# users.csv minted from the mock's users), then the merge as merge-job.yaml runs it.
# Archives go to a local folder, or with --s3 to an S3 location (the AWS_* environment
# names the credentials and, for MinIO and the like, AWS_ENDPOINT_URL_S3).
#
# The Go test deploy/simulate_test.go does the same with the command lines taken from the
# manifests themselves and a fake S3, and checks the merge against the plan.
#
# Usage: deploy/kubernetes/simulate.sh [--shards N] [--lead SECS] [--s3 s3://bucket/prefix] [--keep DIR]
set -euo pipefail

usage() {
	cat <<'EOF'
usage: deploy/kubernetes/simulate.sh [options]

  --shards N          pods (shards) to simulate (default 4)
  --lead SECS         START_AT is this far ahead of now, for the tokens (default 10)
  --s3 URL            write archives to s3://bucket/prefix instead of a local folder
  --cogload-bin PATH  use this cogload binary instead of building one
  --keep DIR          copy the local archives (shards and merge) to DIR
  -h, --help          this help

Exit: 0 the merged run passed, 98/99 it saw violations or breached thresholds,
2 the merge refused the shards, 1 setup failed, 130 interrupted. Needs: go, jq.
EOF
}

die() { echo "simulate: $*" >&2; exit 1; }

shards=4 lead=10 s3="" cogload_bin="" keep=""
while (($#)); do
	case "$1" in
	--shards) shards=${2:?"$1 needs a number"}; shift ;;
	--lead) lead=${2:?"$1 needs seconds"}; shift ;;
	--s3) s3=${2:?"$1 needs s3://bucket/prefix"}; shift ;;
	--cogload-bin) cogload_bin=${2:?"$1 needs a path"}; shift ;;
	--keep) keep=${2:?"$1 needs a folder"}; shift ;;
	-h | --help) usage; exit 0 ;;
	*) usage >&2; die "unknown option $1" ;;
	esac
	shift
done
[[ $shards =~ ^[1-9][0-9]*$ ]] || die "--shards: want a positive number, got $shards"
[[ $lead =~ ^[1-9][0-9]*$ ]] || die "--lead: want whole seconds, got $lead"
[[ -z $s3 || $s3 == s3://* ]] || die "--s3: want s3://bucket/prefix, got $s3"
command -v jq >/dev/null || die "needs jq"

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/lib.sh
. "$here/../../bench/lib.sh"
bench_setup cogload-simulate

if [[ -z $cogload_bin ]]; then
	echo "== building cogload as the image does (CGO_ENABLED=0)" >&2
	(cd "$here/../.." && CGO_ENABLED=0 go build -trimpath -o "$work/cogload" .) || die "go build failed"
	cogload_bin=$work/cogload
fi

echo "== starting cogload mock --no-limits" >&2
bench_mock "$cogload_bin" || die "the mock did not start"

# What the pods see at /etc/cogload: the scenario (ConfigMap) and users.csv (Secret).
etc=$work/etc-cogload
mkdir -p "$etc"
cp "$work/users.csv" "$etc/users.csv"
bench_mock_scenario "$here/simulate/scenario.yaml" "$etc/scenario.yaml"

# The cogload-run ConfigMap.
START_AT=$(date -u -d "+$lead sec" +%Y-%m-%dT%H:%M:%SZ)
RUN_ID=sim-$(date -u +%Y%m%dT%H%M%SZ)
if [[ -n $s3 ]]; then
	out=${s3%/}/cogload/$RUN_ID merged=${s3%/}/cogload-merged/$RUN_ID
else
	out=$work/archives/cogload/$RUN_ID merged=$work/archives/cogload-merged/$RUN_ID
	mkdir -p "$out"
fi

echo "== $shards pods: START_AT=$START_AT RUN_ID=$RUN_ID" >&2
shard_pids=()
for ((i = 0; i < shards; i++)); do
	JOB_COMPLETION_INDEX=$i "$cogload_bin" run "$etc/scenario.yaml" \
		--shard="auto/$shards" --start-at="$START_AT" --out="$out" --progress-every=10s \
		>"$work/pod-$i.log" 2>&1 &
	shard_pids+=($!)
	pids+=($!)
done
failed=0
for ((i = 0; i < shards; i++)); do
	rc=0
	wait "${shard_pids[$i]}" || rc=$?
	echo "   pod $i (shard $((i + 1))/$shards) exited $rc" >&2
	if ((rc != 0)); then failed=1; tail -5 "$work/pod-$i.log" >&2; fi
done
((failed == 0)) || die "a pod failed"

echo "== merge" >&2
runs=("$out/")
[[ -z $s3 ]] && runs=("$out"/*/)
rc=0
"$cogload_bin" report "${runs[@]}" --write="$merged" --check || rc=$?
if [[ -z $s3 ]]; then
	echo >&2
	echo "per shard:" >&2
	for s in "$out"/*/summary.json; do
		jq -r '"  shard \(.run.shard): \(.totals.requests) requests, target \(.totals.target_rate) req/s, achieved \(.totals.achieved_rate) req/s, p99 \(.overall.latency.p99_ms) ms"' "$s" >&2
	done
	jq -r '"merged: \(.totals.requests) of \(.totals.planned_requests) planned requests from shards \(.run.shards | join(" "))"' "$merged/summary.json" >&2
	if [[ -n $keep ]]; then
		mkdir -p "$keep" && cp -r "$work/archives/." "$keep/" && echo "archives kept in $keep" >&2
	fi
fi
exit "$rc"
