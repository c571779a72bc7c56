package run

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cogload/cogload/domain"
	"github.com/cogload/cogload/scenarios"
)

func compile(t *testing.T, yamlText string) *scenarios.Plan {
	t.Helper()
	sc, err := scenarios.Parse("test.yaml", []byte(yamlText))
	if err != nil {
		t.Fatal(err)
	}
	p, err := sc.Compile(scenarios.CompileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

const twoPools = `
name: matrix
target: {mock: {pools: [email-default, email-ses]}}
tokenPools: [{name: valid, weight: 1, kind: valid, checkout: exclusive, source: {mint: {}}}]
attributes: [{name: email, weight: 1}]
load: {seed: 3, stages: [{duration: 1s, rate: 8}]}
`

func TestRunPoolMatrix(t *testing.T) {
	var finished []string
	rs, err := Run(t.Context(), compile(t, twoPools), Options{Out: t.TempDir(), Finished: func(r Result) { finished = append(finished, r.Pool) }})
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 2 || strings.Join(finished, ",") != "email-default,email-ses" {
		t.Fatalf("results %d, finished %v", len(rs), finished)
	}
	for _, r := range rs {
		if r.Target != "mock" || r.Summary.Totals.Requests == 0 || r.Summary.Run.Pool != r.Pool {
			t.Errorf("result %+v, totals %+v", r, r.Summary.Totals)
		}
		if _, err := os.Stat(filepath.Join(r.Archive, "summary.json")); err != nil {
			t.Error(err)
		}
		if len(r.Summary.Schedule) != 1 || r.Summary.Schedule[0].Sent != r.Summary.Totals.Requests {
			t.Errorf("schedule %+v", r.Summary.Schedule)
		}
	}
	if rs.Status() != domain.ExitOK {
		t.Errorf("status %v", rs.Status())
	}
}

// TestRunShard: a shard sends its share of the rate and requests with its
// own seed and records which shard it is and which plan.
func TestRunShard(t *testing.T) {
	p := compile(t, `
name: sharded
target: {mock: {}}
tokenPools: [{name: valid, weight: 1, kind: valid, checkout: exclusive, source: {mint: {}}}]
attributes: [{name: email, weight: 1}]
load: {seed: 3, stages: [{duration: 1s, rate: 22}]}
`)
	rs, err := Run(t.Context(), p, Options{Out: t.TempDir(), Shard: scenarios.Shard{Index: 2, Count: 4}})
	if err != nil {
		t.Fatal(err)
	}
	r := rs[0].Summary.Run
	if r.Shard != "2/4" || r.ShardIndex != 2 || r.ShardCount != 4 || r.PlanHash != p.ResolvedHash() || rs[0].Summary.Plan.Stages[0].From != 5.5 || r.Seed != 4 {
		t.Errorf("shard run %+v, rate %v", r, rs[0].Summary.Plan.Stages[0].From)
	}
	// 22 requests dealt to 4 shards: 6, 6, 5, 5.
	if got := rs[0].Summary.Totals.Requests; got != 6 {
		t.Errorf("shard 2/4 sent %d of 22 requests, want 6", got)
	}
	if p.Stages[0].From != 22 {
		t.Errorf("Run changed the caller's plan: rate %v", p.Stages[0].From)
	}
	if _, err := Run(t.Context(), p, Options{Out: t.TempDir(), Shard: scenarios.Shard{Index: 1, Count: 30}}); err == nil ||
		!strings.Contains(err.Error(), "fewer than its 30 shards") {
		t.Errorf("30 shards for 22 requests: %v", err)
	}
}

func TestRunRefusals(t *testing.T) {
	unsafe := compile(t, `
name: too-fast
target: {endpoint: {region: eu-west-1, userPoolId: eu-west-1_abc, clientId: abc, maxRate: 5}}
tokenPools: [{name: t, weight: 1, kind: garbage, size: 3}]
attributes: [{name: email, weight: 1}]
load: {stages: [{duration: 1s, rate: 50}]}
`)
	_, err := Run(t.Context(), unsafe, Options{Out: t.TempDir()})
	var ee *domain.ExitError
	if !errors.As(err, &ee) || ee.Code != domain.ExitUsage || !strings.Contains(err.Error(), "safety ceiling") {
		t.Errorf("unsafe plan: %v", err)
	}

	badPool := compile(t, strings.Replace(twoPools, "[email-default, email-ses]", "[email-default]", 1))
	badPool.Target.Pools = []string{"no-such-pool.yaml"}
	_, err = Run(t.Context(), badPool, Options{Out: t.TempDir(), Dir: t.TempDir()})
	if !errors.As(err, &ee) || ee.Code != domain.ExitUsage || !strings.Contains(err.Error(), "pool configuration") {
		t.Errorf("missing pool file: %v", err)
	}

	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	out := t.TempDir()
	_, err = Run(ctx, compile(t, twoPools), Options{Out: out})
	if !errors.As(err, &ee) || ee.Code != domain.ExitInterrupted {
		t.Errorf("interrupted before start: %v", err)
	}
	if entries, _ := os.ReadDir(out); len(entries) != 0 {
		t.Errorf("an interrupt before the start left %d entries in the archive folder", len(entries))
	}
}

// TestThrottlingPredictionMatchesTheMock: what validate predicts for the
// category quota is what the mock does with the same plan.
func TestThrottlingPredictionMatchesTheMock(t *testing.T) {
	p := compile(t, `
name: burst
target: {mock: {pools: [email-ses]}}
tokenPools:
  - {name: expired, weight: 3, size: 10, kind: expired}
  - {name: tampered, weight: 1, size: 10, kind: tampered}
attributes: [{name: email, weight: 1}]
load: {seed: 9, stages: [{name: calm, duration: 1s, rate: 10}, {name: burst, duration: 2s, rate: 140}]}
`)
	_, predicted := p.ExpectedThrottling()
	rs, err := Run(t.Context(), p, Options{Out: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	var got uint64
	for _, o := range rs[0].Summary.Outcomes {
		if o.Outcome == "TooManyRequestsException" {
			got = o.Count
		}
	}
	// Tampered tokens never count against the quota, so about 105 expired
	// ones per second meet a 50/s bucket holding 50.
	if predicted < 40 || math.Abs(float64(got)-predicted) > 0.25*predicted+5 {
		t.Errorf("predicted %.0f throttled requests, the mock throttled %d", predicted, got)
	} else {
		t.Logf("predicted %.0f throttled requests, the mock throttled %d", predicted, got)
	}
}
