package scenarios

import (
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func shardPlans() map[string][]Stage {
	return map[string][]Stage{
		"constant": {{Name: "steady", Kind: StageConstant, Duration: 10 * time.Second, From: 100, To: 100}},
		"constant fractional": {
			{Name: "slow", Kind: StageConstant, Duration: 7 * time.Second, From: 2.5, To: 2.5},
			{Name: "odd", Kind: StageConstant, Duration: 3 * time.Second, From: 10.0 / 3, To: 10.0 / 3},
		},
		"ramp, steps, pause": {
			{Name: "warmup", Kind: StageRamp, Duration: 5 * time.Second, From: 0, To: 37},
			{Name: "climb", Kind: StageSteps, Duration: 9 * time.Second, From: 5, To: 41, Step: 9, Every: 2 * time.Second},
			{Name: "pause", Kind: StageConstant, Duration: 2 * time.Second},
			{Name: "down", Kind: StageRamp, Duration: 3500 * time.Millisecond, From: 60, To: 1},
		},
		"tiny stage": {
			{Name: "probe", Kind: StageConstant, Duration: time.Second, From: 2, To: 2},
			{Name: "main", Kind: StageConstant, Duration: 5 * time.Second, From: 20, To: 20},
		},
	}
}

func shardOf(t *testing.T, stages []Stage, sh Shard) *Plan {
	t.Helper()
	whole := &Plan{Stages: slices.Clone(stages), Seed: 7}
	p, err := sh.Apply(whole)
	if err != nil {
		t.Fatalf("shard %s: %v", sh, err)
	}
	if !slices.Equal(whole.Stages, stages) {
		t.Fatalf("shard %s changed the whole plan", sh)
	}
	return p
}

// TestShardsAddUpToThePlan: at every instant the shards' rates add up to
// the plan's, and in every stage their requests add up to the plan's
// exactly, spread so no shard has more than one more than another.
func TestShardsAddUpToThePlan(t *testing.T) {
	t.Parallel()
	for name, stages := range shardPlans() {
		for _, n := range []int{2, 3, 4, 7} {
			whole := &Plan{Stages: stages}
			shards := make([]*Plan, n)
			for i := range shards {
				shards[i] = shardOf(t, stages, Shard{Index: i + 1, Count: n})
			}
			for k, st := range stages {
				var hits uint64
				for _, p := range shards {
					hits += p.Stages[k].Hits()
				}
				if hits != st.Hits() {
					t.Errorf("%s, %d shards, stage %s: shards send %d requests, the plan %d", name, n, st.Name, hits, st.Hits())
				}
			}
			for at := time.Duration(0); at < whole.TotalDuration(); at += 37 * time.Millisecond {
				var sum float64
				for _, p := range shards {
					sum += p.RateAt(at)
				}
				if want := whole.RateAt(at); math.Abs(sum-want) > 1e-9*max(1, want) {
					t.Errorf("%s, %d shards, at %v: shards' rates add up to %v, the plan's is %v", name, n, at, sum, want)
				}
			}
			var lo, hi uint64 = math.MaxUint64, 0
			seeds := map[int64]bool{}
			for _, p := range shards {
				var h uint64
				for _, st := range p.Stages {
					h += st.Hits()
				}
				lo, hi = min(lo, h), max(hi, h)
				seeds[p.Seed] = true
			}
			if hi-lo > 1 {
				t.Errorf("%s, %d shards: requests per shard range from %d to %d: remainders are not spread", name, n, lo, hi)
			}
			if len(seeds) != n {
				t.Errorf("%s, %d shards: %d distinct seeds", name, n, len(seeds))
			}
		}
	}
}

func TestShardRefusesIdleShardsAndWarnsOfIdleStages(t *testing.T) {
	t.Parallel()
	few := []Stage{{Name: "blip", Kind: StageConstant, Duration: time.Second, From: 3, To: 3}}
	_, err := Shard{Index: 1, Count: 4}.Apply(&Plan{Stages: few})
	if err == nil || !strings.Contains(err.Error(), "3 requests") || !strings.Contains(err.Error(), "at most 3 shards") {
		t.Errorf("3 requests over 4 shards: %v", err)
	}
	p := shardOf(t, shardPlans()["tiny stage"], Shard{Index: 4, Count: 4})
	if len(p.Warnings) != 1 || !strings.Contains(p.Warnings[0], "stage probe plans 2 requests for 4 shards: 2 of the shards send none") {
		t.Errorf("warnings: %q", p.Warnings)
	}
	if same, err := (Shard{}).Apply(&Plan{Stages: few}); err != nil || !slices.Equal(same.Stages, few) {
		t.Errorf("the zero shard changed the plan: %v %+v", err, same.Stages)
	}
}

func TestShardOwnsDisjointSlices(t *testing.T) {
	t.Parallel()
	owners := make([]int, 10)
	for i := 1; i <= 3; i++ {
		sh := Shard{Index: i, Count: 3}
		for u := range owners {
			if sh.Owns(u) {
				owners[u]++
			}
		}
	}
	for u, n := range owners {
		if n != 1 {
			t.Errorf("item %d owned by %d shards", u, n)
		}
	}
}

func TestParseShard(t *testing.T) {
	t.Parallel()
	env := func(v string) func(string) string {
		return func(k string) string {
			if k == JobIndexEnv {
				return v
			}
			return ""
		}
	}
	for _, tc := range []struct {
		in, index string
		want      Shard
		err       string
	}{
		{in: "2/4", want: Shard{2, 4}},
		{in: "1/1", want: Shard{1, 1}},
		{in: "auto/4", index: "0", want: Shard{1, 4}},
		{in: "auto/4", index: "3", want: Shard{4, 4}},
		{in: "auto/4", err: "JOB_COMPLETION_INDEX (a pod's completion index"},
		{in: "auto/4", index: "x", err: `JOB_COMPLETION_INDEX="x" is not a completion index`},
		{in: "auto/4", index: "-1", err: `JOB_COMPLETION_INDEX="-1"`},
		{in: "auto/4", index: "4", err: "JOB_COMPLETION_INDEX=4 is past the 4 shards of auto/4 (indices 0 to 3)"},
		{in: "auto/0", index: "0", err: "want auto/N with N ≥ 1"},
		{in: "auto/x", err: "want auto/N"},
		{in: "0/2", err: "want i/N"},
		{in: "3/2", err: "want i/N"},
		{in: "x", err: "want i/N"},
		{in: "1/0", err: "want i/N"},
		{in: "2", err: "want i/N"},
	} {
		got, err := ParseShard(tc.in, env(tc.index))
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("ParseShard(%q) with index %q: error %v, want it to say %q", tc.in, tc.index, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ParseShard(%q) with index %q = %v, %v; want %v", tc.in, tc.index, got, err, tc.want)
		}
	}
}

func FuzzParseShard(f *testing.F) {
	for _, s := range []string{"2/4", "auto/4", "auto/", "/", "1/1", "-1/2", "9999999999999999999/1"} {
		f.Add(s, "1")
	}
	f.Fuzz(func(t *testing.T, s, index string) {
		sh, err := ParseShard(s, func(string) string { return index })
		if err != nil {
			return
		}
		if sh.Index < 1 || sh.Index > sh.Count {
			t.Fatalf("ParseShard(%q) accepted %+v", s, sh)
		}
		if sh.Sharded() {
			back, err := ParseShard(sh.String(), nil)
			if err != nil || back != sh {
				t.Fatalf("%+v does not round-trip through %q: %v %v", sh, sh.String(), back, err)
			}
		}
	})
}

// TestResolvedHashIgnoresTheFolder: shards that read one scenario from
// different folders (a checkout each) run one plan; overrides make
// another.
func TestResolvedHashIgnoresTheFolder(t *testing.T) {
	t.Parallel()
	body := []byte(`name: where
target: {endpoint: {url: "http://127.0.0.1:9229", region: us-east-1, userPoolId: us-east-1_abc, clientId: abc}}
tokenPools: [{name: valid, weight: 1, kind: valid, source: {mint: {users: users.csv}}}]
attributes: [{name: email, weight: 1}]
load: {stages: [{duration: 1s, rate: 5}]}
`)
	var hashes []string
	for range 2 {
		dir := t.TempDir()
		path := filepath.Join(dir, "where.yaml")
		if err := os.WriteFile(path, body, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "users.csv"), []byte("u,p\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		sc, err := Load(t.Context(), path)
		if err != nil {
			t.Fatal(err)
		}
		p, err := sc.Compile(CompileOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if p.TokenPools[0].Source.Path != filepath.Join(dir, "users.csv") || !strings.Contains(string(p.Resolved), "users: users.csv") {
			t.Fatalf("users file %s; resolved:\n%s", p.TokenPools[0].Source.Path, p.Resolved)
		}
		hashes = append(hashes, p.ResolvedHash())
		faster, err := sc.Compile(CompileOptions{Rate: ptr(6.0)})
		if err != nil {
			t.Fatal(err)
		}
		if faster.ResolvedHash() == p.ResolvedHash() {
			t.Error("--rate does not change the plan hash")
		}
	}
	if hashes[0] != hashes[1] {
		t.Errorf("one scenario in two folders: plan hashes %s and %s", hashes[0], hashes[1])
	}
}
