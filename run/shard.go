package run

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/cogload/cogload/scenarios"
)

// Shard is one of Count processes that together run a plan: each sends
// 1/Count of the rate with its own seed and its own users. Index is
// 1-based; the zero Shard is the whole plan.
type Shard struct {
	Index, Count int
}

// ParseShard reads "i/N" with 1 ≤ i ≤ N.
func ParseShard(s string) (Shard, error) {
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
		return Shard{}, fmt.Errorf("want i/N with 1 ≤ i ≤ N (e.g. 2/4), got %q", s)
	}
	return sh, nil
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

// Apply turns plan into this shard's part of it.
func (s Shard) Apply(plan *scenarios.Plan) {
	if !s.Sharded() {
		return
	}
	f := 1 / float64(s.Count)
	for k := range plan.Stages {
		st := &plan.Stages[k]
		st.From *= f
		st.To *= f
		st.Step *= f
	}
	plan.Seed += int64(s.Index - 1)
}

// Owns reports whether the i-th item of a list shared by every shard
// (a mock's users) belongs to this shard: the shards' slices are disjoint.
func (s Shard) Owns(i int) bool { return !s.Sharded() || i%s.Count == s.Index-1 }
