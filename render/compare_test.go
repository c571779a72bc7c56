package render

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cogload/cogload/aggregate"
	"github.com/cogload/cogload/compare"
	"github.com/cogload/cogload/internal/golden"
	"github.com/cogload/cogload/internal/reportfixture"
)

// goldenComparison is a pool matrix: a baseline, a pool with a slow
// trigger and quota throttling, and one that is a wobble of the baseline.
func goldenComparison(t *testing.T) *compare.Comparison {
	t.Helper()
	a := reportfixture.Base()
	a.Pool = "email-default"
	a.PeakFactor = 1.2
	b := reportfixture.Base()
	b.Pool = "custom-message"
	b.P50, b.P99, b.Throttle, b.PeakFactor = 90, 260, 0.06, 2
	b.ExtraOutcome, b.ExtraShare = "UserLambdaValidationException", 0.004
	c := reportfixture.Base()
	c.Pool = "ses"
	c.P50, c.P99, c.Rate, c.PeakFactor = 41, 102, 99.5, 1.2
	rules := []compare.Rule{mustRule(t, "p99>+10%"), mustRule(t, "throttle_rate>+1pp"), mustRule(t, "error_rate>1%")}
	cmpn, err := compare.Runs([]*aggregate.Summary{reportfixture.Craft(a), reportfixture.Craft(b), reportfixture.Craft(c)}, compare.Options{Rules: rules})
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
		{"matrix.txt", func(w *bytes.Buffer) error { return ComparisonText(w, c) }},
		{"matrix.md", func(w *bytes.Buffer) error { return ComparisonMarkdown(w, c) }},
		{"matrix.json", func(w *bytes.Buffer) error { return ComparisonJSON(w, c) }},
	} {
		t.Run(f.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := f.render(&buf); err != nil {
				t.Fatal(err)
			}
			golden.Check(t, filepath.Join("compare", f.name), buf.Bytes())
		})
	}
	var back compare.Comparison
	var buf bytes.Buffer
	if err := ComparisonJSON(&buf, c); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(buf.Bytes(), &back); err != nil {
		t.Fatalf("comparison JSON does not decode: %v", err)
	}
	if !back.Breached() {
		t.Error("decoded comparison lost its breached rules")
	}
}

// TestComparisonSaysWhatWasNotJudged: a rule the data cannot judge is
// shown as such, not as a pass.
func TestComparisonSaysWhatWasNotJudged(t *testing.T) {
	t.Parallel()
	b := reportfixture.Base()
	b.Requests = 100
	cand := b
	cand.Pool = "cand"
	cand.P50, cand.P99 = 60, 200
	c, err := compare.Runs([]*aggregate.Summary{reportfixture.Craft(b), reportfixture.Craft(cand)},
		compare.Options{Rules: []compare.Rule{mustRule(t, "p99>+10%"), mustRule(t, "p50>+10%"), mustRule(t, "p99>150ms")}})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := ComparisonText(&buf, c); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "(1 could not be judged)") || !strings.Contains(buf.String(), "too few samples") {
		t.Errorf("text rendering does not say what was not judged:\n%s", buf.String())
	}
}

func mustRule(t *testing.T, s string) compare.Rule {
	t.Helper()
	r, err := compare.ParseRule(s)
	if err != nil {
		t.Fatal(err)
	}
	return r
}
