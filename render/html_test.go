package render

import (
	"bytes"
	"encoding/json"
	"html"
	"math"
	"regexp"
	"strings"
	"testing"

	hdr "github.com/HdrHistogram/hdrhistogram-go"
	"github.com/cogload/cogload/aggregate"
	"github.com/cogload/cogload/compare"
	"github.com/cogload/cogload/internal/reportfixture"
	"github.com/google/go-cmp/cmp"
)

func fixtureComparison(t testing.TB) *compare.Comparison {
	t.Helper()
	c, err := compare.Runs([]*aggregate.Summary{reportfixture.Run(t, "email-default", 1), reportfixture.Run(t, "custom-message", 1.6), reportfixture.Run(t, "ses", 1.02)},
		compare.Options{Rules: []compare.Rule{{Expr: "p99>+10%", Metric: "latency.p99", Op: ">", Mode: compare.RuleRelative, Value: 10}}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func renderHTMLString(t testing.TB, s *aggregate.Summary) string {
	t.Helper()
	var buf bytes.Buffer
	if err := HTML(&buf, s); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func renderComparisonHTMLString(t testing.TB, c *compare.Comparison) string {
	t.Helper()
	var buf bytes.Buffer
	if err := ComparisonHTML(&buf, c); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// embeddedJSON returns the text of <script type="application/json" id=id>.
func embeddedJSON(t *testing.T, page, id string) []byte {
	t.Helper()
	open := `<script type="application/json" id="` + id + `">`
	i := strings.Index(page, open)
	if i < 0 {
		t.Fatalf("page has no %s", open)
	}
	rest := page[i+len(open):]
	j := strings.Index(rest, "</script>")
	if j < 0 {
		t.Fatalf("unterminated %s", open)
	}
	return []byte(rest[:j])
}

// fetchURL matches anything a browser would fetch from the network: an
// absolute or protocol-relative URL in src, href, srcset, action or
// CSS url()/@import.
var fetchURL = regexp.MustCompile(`(?i)((src|href|srcset|action|poster|data)\s*=\s*["']?\s*(https?:)?//)|(url\(\s*["']?\s*(https?:)?//)|(@import)|(<link\b)|(<iframe\b)`)

func TestHTMLSelfContained(t *testing.T) {
	t.Parallel()
	s := reportfixture.Summary(t)
	// A target URL in the data is text, not a fetch; it must not trip the
	// check nor be turned into a link.
	s.Run.Target = "https://cognito-idp.us-east-1.amazonaws.com/"
	for name, page := range map[string]string{
		"run":     renderHTMLString(t, s),
		"compare": renderComparisonHTMLString(t, fixtureComparison(t)),
	} {
		if m := fetchURL.FindString(page); m != "" {
			t.Errorf("%s page would fetch from the network: %q", name, m)
		}
		if !strings.Contains(page, "<svg") && !strings.Contains(page, `createElementNS`) {
			t.Errorf("%s page has no chart renderer", name)
		}
	}
	// The check itself must be able to fail.
	for _, bad := range []string{`<script src="https://cdn.example/x.js">`, `<img src=//x/y.png>`, `background:url( "http://x/y")`, `<link rel=stylesheet href=a.css>`} {
		if !fetchURL.MatchString(bad) {
			t.Errorf("fetchURL does not catch %q", bad)
		}
	}
}

func TestHTMLEmbedsSummary(t *testing.T) {
	t.Parallel()
	s := reportfixture.Summary(t)
	page := renderHTMLString(t, s)
	var got aggregate.Summary
	if err := json.Unmarshal(embeddedJSON(t, page, "cogload-summary"), &got); err != nil {
		t.Fatalf("embedded summary does not decode: %v", err)
	}
	if diff := cmp.Diff(s, &got); diff != "" {
		t.Errorf("embedded summary differs (-want +got):\n%s", diff)
	}
	var charts chartData
	if err := json.Unmarshal(embeddedJSON(t, page, "cogload-charts"), &charts); err != nil {
		t.Fatalf("embedded chart data does not decode: %v", err)
	}
	if len(charts.Runs) != 1 || len(charts.Runs[0].T) != len(s.Series.Points) || len(charts.Runs[0].Percentiles) < 10 {
		t.Errorf("chart data: %d runs, %d series points (want %d), %d percentile points (want ≥ 10)",
			len(charts.Runs), len(charts.Runs[0].T), len(s.Series.Points), len(charts.Runs[0].Percentiles))
	}
	for _, want := range []string{"Thresholds", "By token pool", "By stage", "Violations: 12", "tampered", "✗", "✓", `class="verdict bad"`} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
}

func TestHTMLEscapes(t *testing.T) {
	t.Parallel()
	s := reportfixture.Summary(t)
	evil := `</script><script>alert(1)</script><b onmouseover="x">`
	s.Run.Scenario = evil
	s.Run.Pool = "<i>pool</i>"
	s.Breakdown.TokenPools[0].Name = `"><img src=x onerror=alert(2)>`
	page := renderHTMLString(t, s)
	for _, raw := range []string{"<script>alert(1)", "<b onmouseover", "<i>pool</i>", "<img src=x"} {
		if strings.Contains(page, raw) {
			t.Errorf("page contains unescaped %q", raw)
		}
	}
	if !strings.Contains(page, html.EscapeString("<i>pool</i>")) {
		t.Errorf("page lacks the escaped pool name")
	}
	var got aggregate.Summary
	if err := json.Unmarshal(embeddedJSON(t, page, "cogload-summary"), &got); err != nil {
		t.Fatalf("embedded summary does not decode: %v", err)
	}
	if got.Run.Scenario != evil {
		t.Errorf("embedded scenario = %q, want %q", got.Run.Scenario, evil)
	}
}

func TestHTMLRegistered(t *testing.T) {
	t.Parallel()
	if Renderers["html"] == nil {
		t.Fatal(`Renderers["html"] is not registered`)
	}
	var buf bytes.Buffer
	if err := Write(&buf, "html", reportfixture.Summary(t)); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(buf.String(), "<!DOCTYPE html>") {
		t.Errorf("Write(html) does not start with a doctype: %.40q", buf.String())
	}
}

func TestComparisonHTML(t *testing.T) {
	t.Parallel()
	c := fixtureComparison(t)
	page := renderComparisonHTMLString(t, c)
	var got compare.Comparison
	if err := json.Unmarshal(embeddedJSON(t, page, "cogload-comparison"), &got); err != nil {
		t.Fatalf("embedded comparison does not decode: %v", err)
	}
	if len(got.Runs) != 3 || !got.Breached() {
		t.Errorf("embedded comparison: %d runs, breached %v; want 3 runs, breached", len(got.Runs), got.Breached())
	}
	var charts chartData
	if err := json.Unmarshal(embeddedJSON(t, page, "cogload-charts"), &charts); err != nil {
		t.Fatal(err)
	}
	if len(charts.Runs) != 3 || charts.Kind != "compare" {
		t.Errorf("chart data: kind %q with %d runs, want compare with 3", charts.Kind, len(charts.Runs))
	}
	for _, want := range []string{"regression", "within noise", "noise band", "By token pool", "custom-message", `class="verdict bad"`} {
		if !strings.Contains(page, want) {
			t.Errorf("comparison page lacks %q", want)
		}
	}
}

func TestPercentileCurve(t *testing.T) {
	t.Parallel()
	h := aggregate.NewHistogram()
	for v := int64(1); v <= 10000; v++ {
		if err := h.RecordValue(v * 100); err != nil { // 0.1ms .. 1000ms, uniform
			t.Fatal(err)
		}
	}
	enc, err := h.Encode(hdr.V2CompressedEncodingCookieBase)
	if err != nil {
		t.Fatal(err)
	}
	pc, err := percentileCurve(string(enc))
	if err != nil {
		t.Fatal(err)
	}
	// 10 points per nine up to 10^4 samples (k = 0..39), plus the max.
	if len(pc) != 41 {
		t.Errorf("got %d points, want 41", len(pc))
	}
	for i := 1; i < len(pc); i++ {
		if pc[i][0] <= pc[i-1][0] || pc[i][1] < pc[i-1][1] {
			t.Fatalf("curve not monotonic at %d: %v then %v", i, pc[i-1], pc[i])
		}
	}
	at := func(p float64) float64 {
		for _, pt := range pc {
			if math.Abs(pt[0]-p) < 1e-6 {
				return pt[1]
			}
		}
		t.Fatalf("no point at p%v", p)
		return 0
	}
	if v := at(90); math.Abs(v-900) > 1 {
		t.Errorf("p90 = %vms, want ≈900", v)
	}
	if v := at(99); math.Abs(v-990) > 1 {
		t.Errorf("p99 = %vms, want ≈990", v)
	}
	if last := pc[len(pc)-1][1]; math.Abs(last-1000) > 1 {
		t.Errorf("max = %vms, want ≈1000", last)
	}
	if _, err := percentileCurve("not base64 !"); err == nil {
		t.Error("a corrupt histogram decoded without error")
	}
	if pc, err := percentileCurve(""); err != nil || len(pc) != 0 {
		t.Errorf("empty histogram: %v, %v; want no points, no error", pc, err)
	}
}

func TestChartDownsample(t *testing.T) {
	t.Parallel()
	s := &aggregate.Summary{Series: aggregate.Series{IntervalS: 1}}
	for i := range 5000 {
		p := aggregate.Point{OffsetS: float64(i), Sent: 10, TargetRate: 10, P50Ms: 5, P99Ms: 9}
		if i == 4321 {
			p.P99Ms = 777
		}
		s.Series.Points = append(s.Series.Points, p)
	}
	r, err := chartRunOf("x", s)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.T) > maxChartPoints || len(r.T) < maxChartPoints/2 {
		t.Errorf("downsampled to %d points, want (%d, %d]", len(r.T), maxChartPoints/2, maxChartPoints)
	}
	if m := maxOf(r.P99); m != 777 {
		t.Errorf("max p99 after downsampling = %v, want the 777ms spike kept", m)
	}
	for i, v := range r.Rate {
		if v != 10 {
			t.Fatalf("rate[%d] = %v, want 10 (per second, not per bucket)", i, v)
		}
	}
}

func maxOf(xs []float64) float64 {
	m := math.Inf(-1)
	for _, x := range xs {
		m = max(m, x)
	}
	return m
}

func TestRunVerdict(t *testing.T) {
	t.Parallel()
	pass := aggregate.ThresholdResult{Pass: true}
	fail := aggregate.ThresholdResult{}
	answered := []aggregate.CountCell{{Outcome: "ok", Verdict: "pass", Count: 10}}
	refused := []aggregate.CountCell{{Outcome: "conn_refused", Verdict: "error", Count: 10}}
	tests := []struct {
		name        string
		s           aggregate.Summary
		verdict     string
		noteContain string
	}{
		{"all held", aggregate.Summary{Counts: answered, Thresholds: []aggregate.ThresholdResult{pass, pass}}, "PASS", "all 2 thresholds held"},
		{"no thresholds", aggregate.Summary{Counts: answered}, "PASS", "no thresholds set"},
		{"one failed", aggregate.Summary{Counts: answered, Thresholds: []aggregate.ThresholdResult{pass, fail}}, "FAIL", "1 of 2 thresholds failed"},
		{"violations", aggregate.Summary{Counts: answered, Totals: aggregate.Totals{Violations: 3}, Violations: aggregate.Violations{Count: 3}}, "VIOLATIONS", "3 wrong answers"},
		// Violations (98) come before thresholds (99), as in the exit status.
		{"both", aggregate.Summary{Counts: answered, Thresholds: []aggregate.ThresholdResult{fail}, Totals: aggregate.Totals{Violations: 1200}, Violations: aggregate.Violations{Count: 1200}}, "VIOLATIONS", "1 of 1 thresholds failed; 1,200 wrong answers"},
		{"interrupted", aggregate.Summary{Counts: answered, Run: aggregate.RunMeta{Interrupted: true}}, "INTERRUPTED", "interrupted"},
		{"interrupted with failures", aggregate.Summary{Counts: answered, Run: aggregate.RunMeta{Interrupted: true}, Thresholds: []aggregate.ThresholdResult{fail}}, "INTERRUPTED", "1 of 1 thresholds failed"},
		{"interrupted before any answer", aggregate.Summary{Counts: refused, Run: aggregate.RunMeta{Interrupted: true}}, "INTERRUPTED", "interrupted, partial results"},
		{"failed for another reason", aggregate.Summary{Counts: answered, Run: aggregate.RunMeta{ExitStatus: 99}}, "FAIL", "exit status 99"},
		{"never answered, thresholds held", aggregate.Summary{Counts: refused, Thresholds: []aggregate.ThresholdResult{pass}}, "FAIL", "the target never answered: all 10 requests failed (conn_refused 10)"},
		{"nothing sent", aggregate.Summary{}, "FAIL", "no request was sent"},
	}
	for _, tt := range tests {
		v, note := runVerdict(&tt.s)
		if v != tt.verdict || !strings.Contains(note, tt.noteContain) {
			t.Errorf("%s: verdict %q (%q), want %q containing %q", tt.name, v, note, tt.verdict, tt.noteContain)
		}
	}
}
