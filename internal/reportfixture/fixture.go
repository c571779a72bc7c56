// Package reportfixture holds the deterministic run that the reporting
// packages' tests aggregate, render, archive and compare: a plan, samples
// that follow its schedule exactly, thresholds, and hand-made summaries.
// Only tests import it.
package reportfixture

import (
	"testing"
	"time"

	"github.com/cogload/cogload/aggregate"
	"github.com/cogload/cogload/domain"
	"github.com/cogload/cogload/internal/textfmt"
	"github.com/cogload/cogload/scenarios"
)

// Start is the fixed start of every fixture run.
var Start = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

// Plan has two token pools (valid, tampered), two attributes, two
// metadata variants and two stages (constant 10/s for 10s, ramp 10→30/s
// over 10s).
func Plan() *scenarios.Plan {
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

// Samples follows the plan's schedule exactly and is fully
// deterministic: variant i%8, latency 2ms + (i%97)*0.5ms (a few 1.2s
// stragglers), valid tokens mostly ok with some throttling and server
// errors, tampered tokens mostly rejected with a few accepted (violations).
func Samples(p *scenarios.Plan) []domain.Sample {
	var out []domain.Sample
	var seq uint64
	for si, st := range p.Stages {
		// Walk the stage in 1ms steps, emitting a request each time the
		// planned count passes the number already sent.
		emitted := 0
		for ms := time.Duration(0); ms < st.Duration; ms += time.Millisecond {
			for n := st.RequestsUpTo(ms + time.Millisecond); float64(emitted) < n; emitted++ {
				i := seq
				v := int(i % 8)
				lat := 2*time.Millisecond + time.Duration(i%97)*500*time.Microsecond
				if i%211 == 0 {
					lat = 1200 * time.Millisecond
				}
				s := domain.Sample{
					Seq: i, Timestamp: Start.Add(p.StageStart(si) + ms), Latency: lat,
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

// Thresholds has one passing and one failing rule of each kind.
func Thresholds() []scenarios.Threshold {
	return []scenarios.Threshold{
		{Expr: "latency.p99 < 300ms", Metric: "latency.p99", Op: "<", Value: 0.3, Pos: "fixture.yaml:20:5"},
		{Expr: "throttle_rate < 10%", Metric: "throttle_rate", Op: "<", Value: 0.10, Pos: "fixture.yaml:21:5"},
		{Expr: "errors{code=InternalErrorException} == 0", Metric: "errors", Filter: map[string]string{"code": "InternalErrorException"}, Op: "==", Value: 0, Pos: "fixture.yaml:22:5"},
		{Expr: "latency.p50{token_pool=valid} < 50ms", Metric: "latency.p50", Filter: map[string]string{"token_pool": "valid"}, Op: "<", Value: 0.05, Pos: "fixture.yaml:23:5"},
		{Expr: "error_rate{token_pool=nosuch} < 1%", Metric: "error_rate", Filter: map[string]string{"token_pool": "nosuch"}, Op: "<", Value: 0.01, Pos: "fixture.yaml:24:5"},
	}
}

// Summary aggregates the fixture run.
func Summary(t testing.TB) *aggregate.Summary {
	t.Helper()
	p := Plan()
	p.Thresholds = Thresholds()
	return aggregated(t, p, "fixture1", Samples(p))
}

// Lossy aggregates the fixture run with every k-th request lost to
// outcome — a transport failure, or generator_limit (never sent) — judged
// as the attack judges it, under the given thresholds; every < 1 loses
// none.
func Lossy(t testing.TB, outcome string, every int, thresholds ...string) *aggregate.Summary {
	t.Helper()
	p := Plan()
	for _, expr := range thresholds {
		th, err := scenarios.ParseThreshold(expr)
		if err != nil {
			t.Fatal(err)
		}
		p.Thresholds = append(p.Thresholds, th)
	}
	samples := Samples(p)
	for i := range samples {
		if s := &samples[i]; every > 0 && i%every == 0 {
			s.Code, s.Outcome, s.Verdict = 0, outcome, domain.VerdictError
			if domain.IsGeneratorLimit(outcome) {
				s.Verdict = domain.VerdictUnsent
			}
		}
	}
	return aggregated(t, p, "lossy1", samples)
}

// aggregated is the summary of samples of a run of p that went to
// schedule, as an archive would finish it.
func aggregated(t testing.TB, p *scenarios.Plan, id string, samples []domain.Sample) *aggregate.Summary {
	t.Helper()
	a := aggregate.NewAggregator(p, Start)
	for _, s := range samples {
		a.Add(s)
	}
	a.SetSchedule(Schedule(p, samples))
	s, err := a.Summary(aggregate.RunMeta{ID: id, ToolVersion: "v0.0.0-test", Target: "mock", Pool: "default", End: Start.Add(21 * time.Second)})
	if err != nil {
		t.Fatal(err)
	}
	s.Run.ExitStatus = s.Status()
	return s
}

// Schedule is how the fixture's stages went: every planned request sent,
// nothing skipped.
func Schedule(p *scenarios.Plan, samples []domain.Sample) []aggregate.StageRun {
	out := make([]aggregate.StageRun, len(p.Stages))
	for i, st := range p.Stages {
		start := Start.Add(p.StageStart(i))
		out[i] = aggregate.StageRun{Name: st.Name, Planned: st.Requests(), TargetRate: st.Requests() / st.Duration.Seconds(),
			Start: start, End: start.Add(st.Duration)}
	}
	for _, s := range samples {
		out[s.Stage].Sent++
	}
	for i := range out {
		out[i].AchievedRate = float64(out[i].Sent) / p.Stages[i].Duration.Seconds()
	}
	return out
}

// Run aggregates the fixture run against pool with every latency scaled
// by latScale, for comparisons of runs that differ in speed.
func Run(t testing.TB, pool string, latScale float64) *aggregate.Summary {
	t.Helper()
	p := Plan()
	p.Thresholds = Thresholds()
	a := aggregate.NewAggregator(p, Start)
	for _, s := range Samples(p) {
		s.Latency = time.Duration(float64(s.Latency) * latScale)
		a.Add(s)
	}
	s, err := a.Summary(aggregate.RunMeta{ID: "id-" + pool, ToolVersion: "v0.0.0-test", Target: "mock", Pool: pool, End: Start.Add(21 * time.Second)})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Crafted is the knobs of a hand-made summary for comparison tests.
type Crafted struct {
	Pool     string
	P50, P99 float64 // ms; other percentiles follow from them
	Rate     float64 // achieved req/s
	Throttle float64 // fraction
	Errors   float64 // fraction
	// stages adds a second stage "peak" whose p99 is p99*peakFactor.
	PeakFactor float64
	// extraOutcome adds an outcome with this share (taken from ok).
	ExtraOutcome string
	ExtraShare   float64
	// requests defaults to 10,000.
	Requests uint64
}

// Craft builds a consistent-enough summary without the
// aggregator, so comparison tests control every number.
func Craft(c Crafted) *aggregate.Summary {
	n := float64(c.Requests)
	if n == 0 {
		n = 10000
	}
	lat := aggregate.Latency{Count: uint64(n), MinMs: c.P50 / 4, MeanMs: c.P50 * 1.1, P50Ms: c.P50, P90Ms: (c.P50 + c.P99) / 2,
		P95Ms: c.P99 * 0.9, P99Ms: c.P99, P999Ms: c.P99 * 1.5, MaxMs: c.P99 * 3}
	okRate := 1 - c.Throttle - c.Errors - c.ExtraShare
	outcomes := []aggregate.OutcomeCount{{Outcome: "ok", Class: "ok", Count: uint64(okRate * n), Share: okRate}}
	if c.Throttle > 0 {
		outcomes = append(outcomes, aggregate.OutcomeCount{Outcome: "TooManyRequestsException", Class: "throttle",
			Count: uint64(c.Throttle * n), Share: c.Throttle})
	}
	if c.Errors > 0 {
		outcomes = append(outcomes, aggregate.OutcomeCount{Outcome: "InternalErrorException", Class: "server",
			Count: uint64(c.Errors * n), Share: c.Errors})
	}
	if c.ExtraOutcome != "" {
		outcomes = append(outcomes, aggregate.OutcomeCount{Outcome: c.ExtraOutcome, Class: "delivery",
			Count: uint64(c.ExtraShare * n), Share: c.ExtraShare})
	}
	group := func(name string, share float64, l aggregate.Latency) aggregate.Group {
		return aggregate.Group{Name: name, Requests: uint64(share * n), Share: share, Latency: l, Outcomes: outcomes,
			OKRate: okRate, ThrottleRate: c.Throttle, ErrorRate: c.Errors + c.ExtraShare}
	}
	overall := group("all", 1, lat)
	start := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	s := &aggregate.Summary{
		Schema: aggregate.Schema,
		Run: aggregate.RunMeta{ID: "id-" + c.Pool, ToolVersion: "v0.1.0", Scenario: "pool-matrix", ScenarioHash: "abc123",
			Target: "mock", Pool: c.Pool, Seed: 7, Start: start, End: start.Add(100 * time.Second), DurationS: 100},
		Totals: aggregate.Totals{Requests: uint64(n), PlannedRequests: n, TargetRate: 100, PeakTargetRate: 100, AchievedRate: c.Rate,
			SendWindowS: 100, OKRate: okRate, ThrottleRate: c.Throttle, ErrorRate: c.Errors + c.ExtraShare},
		Overall:  overall,
		Outcomes: outcomes,
		Breakdown: aggregate.Breakdown{
			TokenPools: []aggregate.Group{group("valid", 0.9, lat), group("expired", 0.1, lat)},
			Attributes: []aggregate.Group{group("email", 1, lat)},
			Metadata:   []aggregate.Group{group("none", 1, lat)},
			Stages:     []aggregate.Group{group("steady", 1, lat)},
		},
		Thresholds: []aggregate.ThresholdResult{{Expr: "latency.p99 < 300ms", Metric: "latency.p99", Op: "<", Value: 0.3,
			Observed: c.P99 / 1e3, ObservedText: textfmt.Ms(c.P99), Pass: c.P99 < 300}},
	}
	if c.PeakFactor > 0 {
		peak := lat
		peak.P99Ms = c.P99 * c.PeakFactor
		s.Breakdown.Stages = []aggregate.Group{group("steady", 0.5, lat), group("peak", 0.5, peak)}
	}
	return s
}

// Base is the baseline run comparisons vary.
func Base() Crafted {
	return Crafted{Pool: "base", P50: 40, P99: 100, Rate: 100, Throttle: 0.01, Errors: 0.001}
}

// BenchSample is request i of a 2,000 requests/s run.
func BenchSample(i int) domain.Sample {
	o := benchOutcomes[i%len(benchOutcomes)]
	return domain.Sample{
		Seq:       uint64(i),
		Timestamp: Start.Add(time.Duration(i) * 500 * time.Microsecond),
		Latency:   time.Duration(1000+(i*7919)%200000) * time.Microsecond,
		Stage:     min(i/20000, 1),
		Variant:   i % 8,
		Code:      200,
		Outcome:   o.name,
		Verdict:   o.verdict,
		BytesIn:   90,
		BytesOut:  1100,
	}
}

var benchOutcomes = []struct {
	name    string
	verdict domain.Verdict
}{
	{"ok", domain.VerdictPass},
	{"ok", domain.VerdictPass},
	{"ok", domain.VerdictPass},
	{"NotAuthorizedException", domain.VerdictPass},
	{"TooManyRequestsException", domain.VerdictThrottled},
	{"InternalErrorException", domain.VerdictError},
	{"ok", domain.VerdictViolation},
	{"timeout", domain.VerdictError},
}
