package report

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cogload/cogload/domain"
	"github.com/cogload/cogload/scenarios"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

// t0 is the fixed start of every fixture run.
var t0 = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

// testPlan has two token pools (valid, tampered), two attributes, two
// metadata variants and two stages (constant 10/s for 10s, ramp 10→30/s
// over 10s).
func testPlan() *scenarios.Plan {
	p := &scenarios.Plan{
		Name:       "fixture",
		SourcePath: "builtin:fixture",
		Resolved:   []byte("name: fixture\n"),
		Hash:       "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0",
		Target:     scenarios.Target{Mock: true, Pools: []string{"default"}},
		TokenPools: []scenarios.TokenPool{
			{Name: "valid", Weight: 0.5, Kind: scenarios.KindValid},
			{Name: "tampered", Weight: 0.5, Kind: scenarios.KindTampered},
		},
		Attributes: []scenarios.Attribute{{Name: "email", Weight: 0.5}, {Name: "phone_number", Weight: 0.5}},
		Metadata:   []scenarios.MetadataVariant{{Name: "none", Absent: true, Weight: 0.5}, {Name: "small", Weight: 0.5, Values: map[string]string{"k": "v"}}},
		Stages: []scenarios.Stage{
			{Name: "warmup", Kind: scenarios.StageConstant, Duration: 10 * time.Second, From: 10, To: 10},
			{Name: "ramp", Kind: scenarios.StageRamp, Duration: 10 * time.Second, From: 10, To: 30},
		},
		Timeout:     5 * time.Second,
		Connections: 10,
		Seed:        42,
	}
	for pi := range p.TokenPools {
		for ai := range p.Attributes {
			for mi := range p.Metadata {
				exp := []string{domain.OutcomeOK}
				if pi == 1 {
					exp = []string{"NotAuthorizedException"}
				}
				p.Variants = append(p.Variants, scenarios.Variant{
					Index: len(p.Variants), TokenPool: pi, Attribute: ai, Metadata: mi,
					Weight: 1.0 / 8, Expect: domain.Expectation{Outcomes: exp, Derived: true},
				})
			}
		}
	}
	return p
}

// fixtureSamples follows the plan's schedule exactly and is fully
// deterministic: variant i%8, latency 2ms + (i%97)*0.5ms (a few 1.2s
// stragglers), valid tokens mostly ok with some throttling and server
// errors, tampered tokens mostly rejected with a few accepted (violations).
func fixtureSamples(p *scenarios.Plan) []domain.Sample {
	var out []domain.Sample
	tl := newTimeline(p.Stages)
	var seq uint64
	for si, st := range p.Stages {
		// Walk the stage in 1ms steps, emitting a request each time the
		// planned count passes the number already sent.
		emitted := 0
		for ms := time.Duration(0); ms < st.Duration; ms += time.Millisecond {
			for n := stageRequestsUpTo(st, ms+time.Millisecond); float64(emitted) < n; emitted++ {
				i := seq
				v := int(i % 8)
				lat := 2*time.Millisecond + time.Duration(i%97)*500*time.Microsecond
				if i%211 == 0 {
					lat = 1200 * time.Millisecond
				}
				s := domain.Sample{
					Seq: i, Timestamp: t0.Add(tl.starts[si] + ms), Latency: lat,
					Stage: si, Variant: v, Code: 200, Outcome: domain.OutcomeOK,
					Verdict: domain.VerdictPass, BytesIn: 90, BytesOut: 1100,
				}
				pool := p.Variants[v].TokenPool
				switch {
				case i%17 == 3:
					s.Code, s.Outcome, s.Verdict = 400, "TooManyRequestsException", domain.VerdictThrottled
				case pool == 0 && i%50 == 9:
					s.Code, s.Outcome, s.Verdict = 500, "InternalErrorException", domain.VerdictError
				case pool == 1 && i%13 == 5:
					// accepted tampered token: a violation
				case pool == 1:
					s.Code, s.Outcome = 400, "NotAuthorizedException"
				}
				if s.Outcome == domain.OutcomeOK && pool == 1 {
					s.Verdict = domain.VerdictViolation
				}
				out = append(out, s)
				seq++
			}
		}
	}
	return out
}

func fixtureThresholds() []scenarios.Threshold {
	return []scenarios.Threshold{
		{Expr: "latency.p99 < 300ms", Metric: "latency.p99", Op: "<", Value: 0.3, Pos: "fixture.yaml:20:5"},
		{Expr: "throttle_rate < 10%", Metric: "throttle_rate", Op: "<", Value: 0.10, Pos: "fixture.yaml:21:5"},
		{Expr: "errors{code=InternalErrorException} == 0", Metric: "errors", Filter: map[string]string{"code": "InternalErrorException"}, Op: "==", Value: 0, Pos: "fixture.yaml:22:5"},
		{Expr: "latency.p50{token_pool=valid} < 50ms", Metric: "latency.p50", Filter: map[string]string{"token_pool": "valid"}, Op: "<", Value: 0.05, Pos: "fixture.yaml:23:5"},
		{Expr: "error_rate{token_pool=nosuch} < 1%", Metric: "error_rate", Filter: map[string]string{"token_pool": "nosuch"}, Op: "<", Value: 0.01, Pos: "fixture.yaml:24:5"},
	}
}

// fixtureSummary aggregates the fixture run.
func fixtureSummary(t testing.TB) *Summary {
	t.Helper()
	p := testPlan()
	p.Thresholds = fixtureThresholds()
	a := NewAggregator(p, t0)
	for _, s := range fixtureSamples(p) {
		a.Add(s)
	}
	s, err := a.Summary(RunMeta{ID: "fixture1", ToolVersion: "v0.0.0-test", Target: "mock", Pool: "default", End: t0.Add(21 * time.Second)})
	if err != nil {
		t.Fatal(err)
	}
	s.Run.ExitStatus = ExitStatus(s)
	return s
}

// golden compares got with testdata/name, rewriting it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", path, diff)
	}
}
