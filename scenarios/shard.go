package scenarios

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// JobIndexEnv is the variable a Kubernetes Indexed Job sets in each of
// its pods: the pod's completion index, from 0
// (https://kubernetes.io/docs/concepts/workloads/controllers/job/#completion-mode).
const JobIndexEnv = "JOB_COMPLETION_INDEX"

// Shard is one of Count processes that together run a plan: each sends
// its share of the plan's requests with its own seed and its own users
// and tokens. Index is 1-based; the zero Shard is the whole plan.
type Shard struct {
	Index, Count int
}

// ParseShard reads "i/N" with 1 ≤ i ≤ N, or "auto/N", which takes i from
// the 0-based index in JOB_COMPLETION_INDEX (looked up with getenv; nil
// means an empty environment).
func ParseShard(s string, getenv func(string) string) (Shard, error) {
	if n, ok := strings.CutPrefix(s, "auto/"); ok {
		return autoShard(n, getenv)
	}
	a, b, ok := strings.Cut(s, "/")
	var sh Shard
	var err error
	if ok {
		sh.Index, err = strconv.Atoi(a)
		if err == nil {
			sh.Count, err = strconv.Atoi(b)
		}
	}
	if !ok || err != nil || sh.Count < 1 || sh.Index < 1 || sh.Index > sh.Count {
		return Shard{}, fmt.Errorf("want i/N with 1 ≤ i ≤ N (e.g. 2/4), or auto/N in a Kubernetes Indexed Job, got %q", s)
	}
	return sh, nil
}

func autoShard(n string, getenv func(string) string) (Shard, error) {
	count, err := strconv.Atoi(n)
	if err != nil || count < 1 {
		return Shard{}, fmt.Errorf("want auto/N with N ≥ 1 (e.g. auto/4), got %q", "auto/"+n)
	}
	raw := ""
	if getenv != nil {
		raw = getenv(JobIndexEnv)
	}
	if raw == "" {
		return Shard{}, fmt.Errorf("auto/%d takes the shard from %s (a pod's completion index in a Kubernetes Indexed Job, from 0), which is not set: run it in an Indexed Job or give the shard as i/N", count, JobIndexEnv)
	}
	idx, err := strconv.Atoi(strings.TrimSpace(raw))
	if err != nil || idx < 0 {
		return Shard{}, fmt.Errorf("%s=%q is not a completion index (a whole number from 0)", JobIndexEnv, raw)
	}
	if idx >= count {
		return Shard{}, fmt.Errorf("%s=%d is past the %d shards of auto/%d (indices 0 to %d): make N the Job's completions", JobIndexEnv, idx, count, count, count-1)
	}
	return Shard{Index: idx + 1, Count: count}, nil
}

// Sharded reports whether the run is split at all.
func (s Shard) Sharded() bool { return s.Count > 1 }

// String is "i/N", or "" for the whole plan.
func (s Shard) String() string {
	if !s.Sharded() {
		return ""
	}
	return fmt.Sprintf("%d/%d", s.Index, s.Count)
}

// Apply returns this shard's part of a whole plan (a copy; plan is left
// as it is):
//
//   - every stage's rates are divided by Count, so the shards' rate
//     profiles add up to the plan's at every instant;
//   - the plan's requests are dealt out in turn, counted across stages:
//     request m of the run goes to shard m mod Count + 1. Each stage's
//     Offset places the shard's hits on the plan's own schedule, so the
//     shards' requests are exactly the plan's, interleaved, and their
//     counts differ by at most one;
//   - the seed is offset by Index−1.
//
// A plan with fewer requests than shards is refused: some shard would
// send nothing at all. A stage with fewer requests than shards (but some)
// leaves some shards idle in that stage; the copy's Warnings say so.
func (s Shard) Apply(plan *Plan) (*Plan, error) {
	p := *plan
	p.Stages = slices.Clone(plan.Stages)
	p.Warnings = slices.Clone(plan.Warnings)
	if !s.Sharded() {
		return &p, nil
	}
	n := uint64(s.Count)
	total := uint64(p.TotalRequests())
	if total < n {
		return nil, fmt.Errorf("shard %s: the plan sends %d requests in all, fewer than its %d shards, so some shards would send none: run at most %d shards, or raise the rate or duration", s, total, s.Count, max(total, 1))
	}
	var before uint64 // requests of the whole plan in earlier stages
	for k := range p.Stages {
		st := &p.Stages[k]
		hits := st.Hits()
		first := (uint64(s.Index-1) + n - before%n) % n
		if hits > 0 && hits < n {
			p.Warnings = append(p.Warnings, fmt.Sprintf("stage %s plans %d requests for %d shards: %d of the shards send none in it", stageLabel(*st, k), hits, s.Count, n-hits))
		}
		c := float64(s.Count)
		st.From, st.To, st.Step = st.From/c, st.To/c, st.Step/c
		st.Offset = float64(first) / c
		before += hits
	}
	p.Seed += int64(s.Index - 1)
	return &p, nil
}

func stageLabel(st Stage, i int) string {
	if st.Name != "" {
		return st.Name
	}
	return fmt.Sprintf("%d", i+1)
}

// Owns reports whether the i-th item of a list shared by every shard
// (users, tokens of a file) belongs to this shard: the shards' slices are
// disjoint and together hold every item.
func (s Shard) Owns(i int) bool { return !s.Sharded() || i%s.Count == s.Index-1 }

// ResolvedHash is the SHA-256 (hex) of Resolved: the plan as run, with
// command-line overrides applied. The shards of one run share it; Hash
// (of the file alone) cannot tell runs with different overrides apart.
func (p *Plan) ResolvedHash() string {
	sum := sha256.Sum256(p.Resolved)
	return hex.EncodeToString(sum[:])
}
