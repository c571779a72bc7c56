package report

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// crafted is the knobs of a hand-made summary for comparison tests.
type crafted struct {
	pool     string
	p50, p99 float64 // ms; other percentiles follow from them
	rate     float64 // achieved req/s
	throttle float64 // fraction
	errors   float64 // fraction
	// stages adds a second stage "peak" whose p99 is p99*peakFactor.
	peakFactor float64
	// extraOutcome adds an outcome with this share (taken from ok).
	extraOutcome string
	extraShare   float64
	// requests defaults to 10,000.
	requests uint64
}

// craftSummary builds a consistent-enough summary without the
// aggregator, so comparison tests control every number.
func craftSummary(c crafted) *Summary {
	n := float64(c.requests)
	if n == 0 {
		n = 10000
	}
	lat := Latency{Count: uint64(n), MinMs: c.p50 / 4, MeanMs: c.p50 * 1.1, P50Ms: c.p50, P90Ms: (c.p50 + c.p99) / 2,
		P95Ms: c.p99 * 0.9, P99Ms: c.p99, P999Ms: c.p99 * 1.5, MaxMs: c.p99 * 3}
	okRate := 1 - c.throttle - c.errors - c.extraShare
	outcomes := []OutcomeCount{{Outcome: "ok", Class: "ok", Count: uint64(okRate * n), Share: okRate}}
	if c.throttle > 0 {
		outcomes = append(outcomes, OutcomeCount{Outcome: "TooManyRequestsException", Class: "throttle",
			Count: uint64(c.throttle * n), Share: c.throttle})
	}
	if c.errors > 0 {
		outcomes = append(outcomes, OutcomeCount{Outcome: "InternalErrorException", Class: "server",
			Count: uint64(c.errors * n), Share: c.errors})
	}
	if c.extraOutcome != "" {
		outcomes = append(outcomes, OutcomeCount{Outcome: c.extraOutcome, Class: "delivery",
			Count: uint64(c.extraShare * n), Share: c.extraShare})
	}
	group := func(name string, share float64, l Latency) Group {
		return Group{Name: name, Requests: uint64(share * n), Share: share, Latency: l, Outcomes: outcomes,
			OKRate: okRate, ThrottleRate: c.throttle, ErrorRate: c.errors + c.extraShare}
	}
	overall := group("all", 1, lat)
	start := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	s := &Summary{
		Schema: Schema,
		Run: RunMeta{ID: "id-" + c.pool, ToolVersion: "v0.1.0", Scenario: "pool-matrix", ScenarioHash: "abc123",
			Target: "mock", Pool: c.pool, Seed: 7, Start: start, End: start.Add(100 * time.Second), DurationS: 100},
		Totals: Totals{Requests: uint64(n), PlannedRequests: n, TargetRate: 100, PeakTargetRate: 100, AchievedRate: c.rate,
			SendWindowS: 100, OKRate: okRate, ThrottleRate: c.throttle, ErrorRate: c.errors + c.extraShare},
		Overall:  overall,
		Outcomes: outcomes,
		Breakdown: Breakdown{
			TokenPools: []Group{group("valid", 0.9, lat), group("expired", 0.1, lat)},
			Attributes: []Group{group("email", 1, lat)},
			Metadata:   []Group{group("none", 1, lat)},
			Stages:     []Group{group("steady", 1, lat)},
		},
		Thresholds: []ThresholdResult{{Expr: "latency.p99 < 300ms", Metric: "latency.p99", Op: "<", Value: 0.3,
			Observed: c.p99 / 1e3, ObservedText: formatMs(c.p99), Pass: c.p99 < 300}},
	}
	if c.peakFactor > 0 {
		peak := lat
		peak.P99Ms = c.p99 * c.peakFactor
		s.Breakdown.Stages = []Group{group("steady", 0.5, lat), group("peak", 0.5, peak)}
	}
	return s
}

func base() crafted {
	return crafted{pool: "base", p50: 40, p99: 100, rate: 100, throttle: 0.01, errors: 0.001}
}

func overallCell(t *testing.T, c *Comparison, metric string, run int) Cell {
	t.Helper()
	for _, r := range c.Overall {
		if r.Metric == metric {
			return r.Cells[run]
		}
	}
	t.Fatalf("no overall row %q", metric)
	return Cell{}
}

func TestCompareVerdicts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		cand   func(c *crafted)
		metric string
		want   string
	}{
		{"p99 +30% is a regression", func(c *crafted) { c.p99 = 130 }, "p99", VerdictRegression},
		{"p99 -30% is an improvement", func(c *crafted) { c.p99 = 70 }, "p99", VerdictImprovement},
		{"p99 +2% is within noise", func(c *crafted) { c.p99 = 102 }, "p99", VerdictNoise},
		{"p99 +5% on the band's edge is within noise", func(c *crafted) { c.p99 = 105 }, "p99", VerdictNoise},
		{"throttle +3pp is a regression", func(c *crafted) { c.throttle = 0.04 }, "throttle_rate", VerdictRegression},
		{"throttle +0.3pp is within noise", func(c *crafted) { c.throttle = 0.013 }, "throttle_rate", VerdictNoise},
		{"throttle -1pp is an improvement", func(c *crafted) { c.throttle = 0 }, "throttle_rate", VerdictImprovement},
		{"achieved rate -20% is a regression", func(c *crafted) { c.rate = 80 }, "achieved_rate", VerdictRegression},
		{"achieved rate +20% is an improvement", func(c *crafted) { c.rate = 120 }, "achieved_rate", VerdictImprovement},
		{"ok rate down is a regression", func(c *crafted) { c.errors = 0.05 }, "ok_rate", VerdictRegression},
		{"requests are never judged", func(c *crafted) {}, "requests", VerdictInfo},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cand := base()
			cand.pool = "cand"
			tt.cand(&cand)
			c, err := Compare([]*Summary{craftSummary(base()), craftSummary(cand)}, CompareOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if got := overallCell(t, c, tt.metric, 1).Verdict; got != tt.want {
				t.Errorf("%s verdict = %q, want %q", tt.metric, got, tt.want)
			}
			if got := overallCell(t, c, tt.metric, 0).Verdict; got != VerdictBaseline {
				t.Errorf("baseline cell verdict = %q, want %q", got, VerdictBaseline)
			}
		})
	}
}

// TestCompareBaselineSpread: three baseline runs whose p99 spreads over
// 90..120ms widen the band to 30ms, so +15% is noise there although it
// is outside the stated 5%.
func TestCompareBaselineSpread(t *testing.T) {
	t.Parallel()
	var runs []*Summary
	for i, p99 := range []float64{90, 100, 120} {
		b := base()
		b.pool = "base" + string(rune('A'+i))
		b.p99 = p99
		runs = append(runs, craftSummary(b))
	}
	cand := base()
	cand.pool = "cand"
	cand.p99 = 115
	far := cand
	far.pool = "far"
	far.p99 = 140
	runs = append(runs, craftSummary(cand), craftSummary(far))
	c, err := Compare(runs, CompareOptions{Baselines: 3, Rules: []Rule{mustRule(t, "p99>+10%")}})
	if err != nil {
		t.Fatal(err)
	}
	var row Row
	for _, r := range c.Overall {
		if r.Metric == "p99" {
			row = r
		}
	}
	if row.Baseline != 100 || row.Band != 30 {
		t.Errorf("p99 baseline ±band = %v ±%v, want 100 ±30 (median, max−min)", row.Baseline, row.Band)
	}
	if got := row.Cells[3].Verdict; got != VerdictNoise {
		t.Errorf("cand verdict = %q, want %q", got, VerdictNoise)
	}
	if got := row.Cells[4].Verdict; got != VerdictRegression {
		t.Errorf("far verdict = %q, want %q", got, VerdictRegression)
	}
	if len(c.Rules) != 2 || c.Rules[0].Breached || !c.Rules[1].Breached {
		t.Fatalf("rules = %+v, want cand not breached (within noise), far breached", c.Rules)
	}
	if !strings.Contains(c.Rules[0].Note, "within noise") {
		t.Errorf("cand rule note = %q, want it to say within noise", c.Rules[0].Note)
	}
	if !c.Noise.Spread {
		t.Error("Noise.Spread = false with 3 baselines")
	}
}

func mustRule(t *testing.T, s string) Rule {
	t.Helper()
	r, err := ParseRule(s)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestCompareRules(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		rule     string
		cand     func(c *crafted)
		breached bool
	}{
		{"clear p99 regression breaches +10%", "p99>+10%", func(c *crafted) { c.p99 = 150 }, true},
		{"clear p99 improvement does not", "p99>+10%", func(c *crafted) { c.p99 = 50 }, false},
		{"p99 wobble within noise does not", "p99>+1%", func(c *crafted) { c.p99 = 103 }, false},
		{"throttle +2pp breaches +1pp", "throttle_rate>+1pp", func(c *crafted) { c.throttle = 0.03 }, true},
		{"throttle +0.4pp does not breach +0.1pp (noise 0.5pp)", "throttle_rate>+0.1pp", func(c *crafted) { c.throttle = 0.014 }, false},
		{"absolute p99 bound ignores the baseline", "p99>120ms", func(c *crafted) { c.p99 = 121 }, true},
		{"absolute p99 in seconds", "p99>0.2s", func(c *crafted) { c.p99 = 121 }, false},
		{"absolute error rate", "error_rate>1%", func(c *crafted) { c.errors = 0.02 }, true},
		{"achieved rate drop", "achieved_rate<-5%", func(c *crafted) { c.rate = 80 }, true},
		{"achieved rate rise", "achieved_rate<-5%", func(c *crafted) { c.rate = 120 }, false},
		{"violation rate from zero", "violation_rate>+0.5pp", func(c *crafted) {}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cand := base()
			cand.pool = "cand"
			tt.cand(&cand)
			c, err := Compare([]*Summary{craftSummary(base()), craftSummary(cand)},
				CompareOptions{Rules: []Rule{mustRule(t, tt.rule)}})
			if err != nil {
				t.Fatal(err)
			}
			if len(c.Rules) != 1 {
				t.Fatalf("got %d rule results, want 1", len(c.Rules))
			}
			if got := c.Rules[0].Breached; got != tt.breached {
				t.Errorf("%s breached = %v (observed %s, note %q), want %v", tt.rule, got, c.Rules[0].ObservedText, c.Rules[0].Note, tt.breached)
			}
			if c.Breached() != tt.breached {
				t.Errorf("Breached() = %v, want %v", c.Breached(), tt.breached)
			}
		})
	}
}

func TestCompareErrors(t *testing.T) {
	t.Parallel()
	b := craftSummary(base())
	v2 := craftSummary(base())
	v2.Schema = "cogload.summary/v2"
	minor := craftSummary(base())
	minor.Schema = "cogload.summary/v1.3"
	tests := []struct {
		name string
		runs []*Summary
		opts CompareOptions
		want string // "" means no error
	}{
		{"one run", []*Summary{b}, CompareOptions{}, "at least two runs"},
		{"all baselines", []*Summary{b, b}, CompareOptions{Baselines: 2}, "no run to compare"},
		{"schema v2", []*Summary{b, v2}, CompareOptions{Labels: []string{"old", "new.json"}}, `run new.json: schema "cogload.summary/v2" has major version 2`},
		{"schema v1 minor revision", []*Summary{b, minor}, CompareOptions{}, ""},
		{"labels count", []*Summary{b, b}, CompareOptions{Labels: []string{"x"}}, "1 labels for 2 runs"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Compare(tt.runs, tt.opts)
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("Compare: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("Compare error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

// goldenComparison is a pool matrix: a baseline, a pool with a slow
// trigger and quota throttling, and one that is a wobble of the baseline.
func goldenComparison(t *testing.T) *Comparison {
	t.Helper()
	a := base()
	a.pool = "email-default"
	a.peakFactor = 1.2
	b := base()
	b.pool = "custom-message"
	b.p50, b.p99, b.throttle, b.peakFactor = 90, 260, 0.06, 2
	b.extraOutcome, b.extraShare = "UserLambdaValidationException", 0.004
	c := base()
	c.pool = "ses"
	c.p50, c.p99, c.rate, c.peakFactor = 41, 102, 99.5, 1.2
	rules := []Rule{mustRule(t, "p99>+10%"), mustRule(t, "throttle_rate>+1pp"), mustRule(t, "error_rate>1%")}
	cmpn, err := Compare([]*Summary{craftSummary(a), craftSummary(b), craftSummary(c)}, CompareOptions{Rules: rules})
	if err != nil {
		t.Fatal(err)
	}
	return cmpn
}

func TestComparisonGolden(t *testing.T) {
	t.Parallel()
	c := goldenComparison(t)
	for _, f := range []struct {
		name   string
		render func(w *bytes.Buffer) error
	}{
		{"matrix.txt", func(w *bytes.Buffer) error { return RenderComparisonText(w, c) }},
		{"matrix.md", func(w *bytes.Buffer) error { return RenderComparisonMarkdown(w, c) }},
		{"matrix.json", func(w *bytes.Buffer) error { return RenderComparisonJSON(w, c) }},
	} {
		t.Run(f.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := f.render(&buf); err != nil {
				t.Fatal(err)
			}
			checkGolden(t, filepath.Join("testdata", "compare", f.name), buf.Bytes())
		})
	}
	var back Comparison
	var buf bytes.Buffer
	if err := RenderComparisonJSON(&buf, c); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(buf.Bytes(), &back); err != nil {
		t.Fatalf("comparison JSON does not decode: %v", err)
	}
	if !back.Breached() {
		t.Error("decoded comparison lost its breached rules")
	}
}

func checkGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./report -run %s -update to create it)", err, t.Name())
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", path, diff)
	}
}

// TestCompareFewSamples: with 100 requests a p99 (which needs 300) is not
// judged and a p99 rule is reported as not judged rather than breached,
// while the p50 and an absolute rule still are.
func TestCompareFewSamples(t *testing.T) {
	t.Parallel()
	b := base()
	b.requests = 100
	cand := b
	cand.pool = "cand"
	cand.p50, cand.p99 = 60, 200
	c, err := Compare([]*Summary{craftSummary(b), craftSummary(cand)},
		CompareOptions{Rules: []Rule{mustRule(t, "p99>+10%"), mustRule(t, "p50>+10%"), mustRule(t, "p99>150ms")}})
	if err != nil {
		t.Fatal(err)
	}
	if got := overallCell(t, c, "p99", 1).Verdict; got != VerdictFewSamples {
		t.Errorf("p99 verdict with 100 requests = %q, want %q", got, VerdictFewSamples)
	}
	if got := overallCell(t, c, "p50", 1).Verdict; got != VerdictRegression {
		t.Errorf("p50 verdict with 100 requests = %q, want %q", got, VerdictRegression)
	}
	want := []struct{ breached, unjudged bool }{{false, true}, {true, false}, {true, false}}
	for i, w := range want {
		r := c.Rules[i]
		if r.Breached != w.breached || r.Unjudged != w.unjudged {
			t.Errorf("rule %s: breached %v unjudged %v (note %q), want %v %v", r.Rule.Expr, r.Breached, r.Unjudged, r.Note, w.breached, w.unjudged)
		}
	}
	var buf bytes.Buffer
	if err := RenderComparisonText(&buf, c); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "(1 could not be judged)") || !strings.Contains(buf.String(), "too few samples") {
		t.Errorf("text rendering does not say what was not judged:\n%s", buf.String())
	}
}
