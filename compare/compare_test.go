package compare

import (
	"strings"
	"testing"

	"github.com/cogload/cogload/aggregate"
	"github.com/cogload/cogload/internal/reportfixture"
)

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
		cand   func(c *reportfixture.Crafted)
		metric string
		want   string
	}{
		{"p99 +30% is a regression", func(c *reportfixture.Crafted) { c.P99 = 130 }, "latency.p99", VerdictRegression},
		{"p99 -30% is an improvement", func(c *reportfixture.Crafted) { c.P99 = 70 }, "latency.p99", VerdictImprovement},
		{"p99 +2% is within noise", func(c *reportfixture.Crafted) { c.P99 = 102 }, "latency.p99", VerdictNoise},
		{"p99 +5% on the band's edge is within noise", func(c *reportfixture.Crafted) { c.P99 = 105 }, "latency.p99", VerdictNoise},
		{"throttle +3pp is a regression", func(c *reportfixture.Crafted) { c.Throttle = 0.04 }, "throttle_rate", VerdictRegression},
		{"throttle +0.3pp is within noise", func(c *reportfixture.Crafted) { c.Throttle = 0.013 }, "throttle_rate", VerdictNoise},
		{"throttle -1pp is an improvement", func(c *reportfixture.Crafted) { c.Throttle = 0 }, "throttle_rate", VerdictImprovement},
		{"achieved rate -20% is a regression", func(c *reportfixture.Crafted) { c.Rate = 80 }, "achieved_rate", VerdictRegression},
		{"achieved rate +20% is an improvement", func(c *reportfixture.Crafted) { c.Rate = 120 }, "achieved_rate", VerdictImprovement},
		{"ok rate down is a regression", func(c *reportfixture.Crafted) { c.Errors = 0.05 }, "ok_rate", VerdictRegression},
		{"requests are never judged", func(c *reportfixture.Crafted) {}, "requests", VerdictInfo},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cand := reportfixture.Base()
			cand.Pool = "cand"
			tt.cand(&cand)
			c, err := Runs([]*aggregate.Summary{reportfixture.Craft(reportfixture.Base()), reportfixture.Craft(cand)}, Options{})
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
	var runs []*aggregate.Summary
	for i, p99 := range []float64{90, 100, 120} {
		b := reportfixture.Base()
		b.Pool = "base" + string(rune('A'+i))
		b.P99 = p99
		runs = append(runs, reportfixture.Craft(b))
	}
	cand := reportfixture.Base()
	cand.Pool = "cand"
	cand.P99 = 115
	far := cand
	far.Pool = "far"
	far.P99 = 140
	runs = append(runs, reportfixture.Craft(cand), reportfixture.Craft(far))
	c, err := Runs(runs, Options{Baselines: 3, Rules: []Rule{mustRule(t, "p99>+10%")}})
	if err != nil {
		t.Fatal(err)
	}
	var row Row
	for _, r := range c.Overall {
		if r.Metric == "latency.p99" {
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
		cand     func(c *reportfixture.Crafted)
		breached bool
	}{
		{"clear p99 regression breaches +10%", "p99>+10%", func(c *reportfixture.Crafted) { c.P99 = 150 }, true},
		{"clear p99 improvement does not", "p99>+10%", func(c *reportfixture.Crafted) { c.P99 = 50 }, false},
		{"p99 wobble within noise does not", "p99>+1%", func(c *reportfixture.Crafted) { c.P99 = 103 }, false},
		{"throttle +2pp breaches +1pp", "throttle_rate>+1pp", func(c *reportfixture.Crafted) { c.Throttle = 0.03 }, true},
		{"throttle +0.4pp does not breach +0.1pp (noise 0.5pp)", "throttle_rate>+0.1pp", func(c *reportfixture.Crafted) { c.Throttle = 0.014 }, false},
		{"absolute p99 bound ignores the baseline", "p99>120ms", func(c *reportfixture.Crafted) { c.P99 = 121 }, true},
		{"absolute p99 in seconds", "p99>0.2s", func(c *reportfixture.Crafted) { c.P99 = 121 }, false},
		{"absolute error rate", "error_rate>1%", func(c *reportfixture.Crafted) { c.Errors = 0.02 }, true},
		{"achieved rate drop", "achieved_rate<-5%", func(c *reportfixture.Crafted) { c.Rate = 80 }, true},
		{"achieved rate rise", "achieved_rate<-5%", func(c *reportfixture.Crafted) { c.Rate = 120 }, false},
		{"violation rate from zero", "violation_rate>+0.5pp", func(c *reportfixture.Crafted) {}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cand := reportfixture.Base()
			cand.Pool = "cand"
			tt.cand(&cand)
			c, err := Runs([]*aggregate.Summary{reportfixture.Craft(reportfixture.Base()), reportfixture.Craft(cand)},
				Options{Rules: []Rule{mustRule(t, tt.rule)}})
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
	b := reportfixture.Craft(reportfixture.Base())
	v2 := reportfixture.Craft(reportfixture.Base())
	v2.Schema = "cogload.summary/v2"
	minor := reportfixture.Craft(reportfixture.Base())
	minor.Schema = "cogload.summary/v1.3"
	tests := []struct {
		name string
		runs []*aggregate.Summary
		opts Options
		want string // "" means no error
	}{
		{"one run", []*aggregate.Summary{b}, Options{}, "at least two runs"},
		{"all baselines", []*aggregate.Summary{b, b}, Options{Baselines: 2}, "no run to compare"},
		{"schema v2", []*aggregate.Summary{b, v2}, Options{Labels: []string{"old", "new.json"}}, `run new.json: schema "cogload.summary/v2" has major version 2`},
		{"schema v1 minor revision", []*aggregate.Summary{b, minor}, Options{}, ""},
		{"labels count", []*aggregate.Summary{b, b}, Options{Labels: []string{"x"}}, "1 labels for 2 runs"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Runs(tt.runs, tt.opts)
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("Compare: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("Compare error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

// TestCompareFewSamples: with 100 requests a p99 (which needs 300) is not
// judged and a p99 rule is reported as not judged rather than breached,
// while the p50 and an absolute rule still are.
func TestCompareFewSamples(t *testing.T) {
	t.Parallel()
	b := reportfixture.Base()
	b.Requests = 100
	cand := b
	cand.Pool = "cand"
	cand.P50, cand.P99 = 60, 200
	c, err := Runs([]*aggregate.Summary{reportfixture.Craft(b), reportfixture.Craft(cand)},
		Options{Rules: []Rule{mustRule(t, "p99>+10%"), mustRule(t, "p50>+10%"), mustRule(t, "p99>150ms")}})
	if err != nil {
		t.Fatal(err)
	}
	if got := overallCell(t, c, "latency.p99", 1).Verdict; got != VerdictFewSamples {
		t.Errorf("p99 verdict with 100 requests = %q, want %q", got, VerdictFewSamples)
	}
	if got := overallCell(t, c, "latency.p50", 1).Verdict; got != VerdictRegression {
		t.Errorf("p50 verdict with 100 requests = %q, want %q", got, VerdictRegression)
	}
	want := []struct{ breached, unjudged bool }{{false, true}, {true, false}, {true, false}}
	for i, w := range want {
		r := c.Rules[i]
		if r.Breached != w.breached || r.Unjudged != w.unjudged {
			t.Errorf("rule %s: breached %v unjudged %v (note %q), want %v %v", r.Rule.Expr, r.Breached, r.Unjudged, r.Note, w.breached, w.unjudged)
		}
	}
}
