package render

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/olekukonko/tablewriter/tw"

	"github.com/cogload/cogload/aggregate"
	"github.com/cogload/cogload/fidelity"
	"github.com/cogload/cogload/internal/stats"
	"github.com/cogload/cogload/internal/textfmt"
)

// FidelityText writes a fidelity report for a terminal or a CI log.
func FidelityText(w io.Writer, r *fidelity.Report) error { return renderFidelity(w, r, false) }

// FidelityMarkdown writes a fidelity report as GitHub-flavoured Markdown.
func FidelityMarkdown(w io.Writer, r *fidelity.Report) error { return renderFidelity(w, r, true) }

// FidelityJSON writes a fidelity report as indented JSON (schema
// "cogload.fidelity/v1").
func FidelityJSON(w io.Writer, r *fidelity.Report) error { return writeJSON(w, "fidelity report", r) }

func renderFidelity(w io.Writer, r *fidelity.Report, md bool) error {
	d := &doc{w: bufio.NewWriter(w), md: md}
	title := fmt.Sprintf("cogload fidelity: %s against %s: %s", r.Mock.Label, r.Real.Label, strings.ToUpper(r.Verdict))
	if md {
		d.printf("## %s\n\n", d.lit(title))
	} else {
		d.printf("%s\n", title)
	}
	for _, ri := range []fidelity.RunInfo{r.Real, r.Mock} {
		line := fmt.Sprintf("%s: run %s, scenario %s, target %s (pool %s), %s requests", ri.Label, ri.ID, ri.Scenario, ri.Target, ri.Pool, textfmt.Count(ri.Requests))
		if md {
			line = "- " + d.lit(line)
		}
		d.printf("%s\n", line)
	}
	rule := fidelityRule(r)
	if md {
		rule = "- " + d.lit(rule)
	}
	d.printf("%s\n", rule)
	d.heading("Outcomes (share of all requests)")
	d.table(fidelityOutcomeHeader, fidelityOutcomeAlign, fidelityOutcomeRows(r))
	d.heading("Latency by outcome")
	d.table(fidelityLatencyHeader, fidelityLatencyAlign, fidelityLatencyRows(r))
	if r.Throttle != nil {
		d.heading("Throttle onset")
		d.table(fidelityThrottleHeader(r), fidelityThrottleAlign, fidelityThrottleRows(r))
	}
	d.heading("Variants (token pool · attribute · metadata)")
	rows := fidelityVariantRows(r)
	if d.err == nil {
		wrap := map[int]int{}
		if !md {
			wrap[3] = 60
		}
		d.err = textfmt.Table{Header: fidelityVariantHeader(r), Align: fidelityVariantAlign, Rows: rows, Markdown: md, Wrap: wrap}.Write(d.w)
	}
	d.ruleTable(r.Rules)
	for _, n := range r.Notes {
		d.callout("Note", n)
	}
	if d.err != nil {
		return d.err
	}
	return d.w.Flush()
}

func fidelityRule(r *fidelity.Report) string {
	s := fmt.Sprintf("workload %s · a line differs when its test gives p < %s (Holm-adjusted over its table) and the difference is material: p50 or p99 off by more than %s, outcome shares by more than %s (total variation)",
		aggregate.ShortHash(r.Workload), strconv.FormatFloat(r.Alpha, 'g', -1, 64), textfmt.Share(r.LatencyTolerance), textfmt.Share(r.DistanceTolerance))
	return s
}

var (
	fidelityOutcomeHeader = []string{"outcome", "real", "95% CI", "mock", "95% CI", "G-test p (Holm)", "verdict"}
	fidelityOutcomeAlign  = []tw.Align{left, right, right, right, right, right, left}
	fidelityLatencyHeader = []string{"outcome", "n real", "n mock", "p50 real", "p50 mock", "p50 ratio", "p99 real", "p99 mock", "p99 ratio", "KS D", "KS p (Holm)", "verdict"}
	fidelityLatencyAlign  = []tw.Align{left, right, right, right, right, right, right, right, right, right, right, left}
	fidelityVariantAlign  = []tw.Align{left, right, right, left, right, right, left}
	fidelityThrottleAlign = []tw.Align{left, right, right, left}
)

func fidelityThrottleHeader(r *fidelity.Report) []string {
	return []string{"", r.Real.Label, r.Mock.Label, "verdict"}
}

func fidelityVariantHeader(r *fidelity.Report) []string {
	return []string{"variant", "n real", "n mock", "outcomes (" + r.Real.Label + " → " + r.Mock.Label + ")", "TV", "G-test p (Holm)", "verdict"}
}

func ci(iv stats.Interval) string { return textfmt.Share(iv.Lo) + "–" + textfmt.Share(iv.Hi) }

// pValue writes a p-value, or "-" when the test did not apply.
func pValue(applicable bool, p float64) string {
	if !applicable {
		return "-"
	}
	if p < 1e-4 {
		return "<0.0001"
	}
	return strconv.FormatFloat(p, 'f', 4, 64)
}

func fidelityOutcomeRows(r *fidelity.Report) [][]string {
	rows := make([][]string, 0, len(r.Outcomes))
	for _, l := range r.Outcomes {
		rows = append(rows, []string{l.Outcome, textfmt.Share(l.Real.Value), ci(l.Real.Interval), textfmt.Share(l.Mock.Value), ci(l.Mock.Interval), pValue(l.Test.Applicable, l.PHolm), l.Verdict})
	}
	return rows
}

func fidelityLatencyRows(r *fidelity.Report) [][]string {
	rows := make([][]string, 0, len(r.Latency))
	for _, l := range r.Latency {
		p99 := formatRatio(l.P99Ratio)
		if !l.P99Judged {
			p99 = "(" + p99 + ")"
		}
		rows = append(rows, []string{l.Outcome, textfmt.Count(l.RealN), textfmt.Count(l.MockN), textfmt.Ms(l.RealP50), textfmt.Ms(l.MockP50), formatRatio(l.P50Ratio),
			textfmt.Ms(l.RealP99), textfmt.Ms(l.MockP99), p99, strconv.FormatFloat(l.KS.Stat, 'f', 3, 64), pValue(l.KS.Applicable, l.PHolm), l.Verdict})
	}
	return rows
}

func formatRatio(x float64) string { return strconv.FormatFloat(x, 'f', 2, 64) + "×" }

func fidelityThrottleRows(r *fidelity.Report) [][]string {
	t := r.Throttle
	val := func(o fidelity.Onset, f func(fidelity.Onset) string) string {
		if !o.Found {
			return "no throttling"
		}
		return f(o)
	}
	onset := func(o fidelity.Onset) string { return textfmt.Rate(o.Rate) }
	admitted := func(o fidelity.Onset) string { return textfmt.Rate(o.Admitted.Value) }
	burst := func(o fidelity.Onset) string { return textfmt.Round(o.Burst) }
	return [][]string{
		{"throttling set in at", val(t.Real, onset), val(t.Mock, onset), t.Verdict + " (one step: " + textfmt.Rate(t.Step) + ")"},
		{"admitted while throttled", val(t.Real, admitted), val(t.Mock, admitted), ""},
		{"burst (fitted)", val(t.Real, burst), val(t.Mock, burst), ""},
	}
}

func fidelityVariantRows(r *fidelity.Report) [][]string {
	rows := make([][]string, 0, len(r.Variants))
	for _, v := range r.Variants {
		var parts []string
		for _, o := range v.Outcomes {
			parts = append(parts, fmt.Sprintf("%s %s→%s", o.Outcome, textfmt.Share(o.Real), textfmt.Share(o.Mock)))
		}
		rows = append(rows, []string{v.Name(), textfmt.Count(v.RealN), textfmt.Count(v.MockN), strings.Join(parts, ", "),
			strconv.FormatFloat(v.TV, 'f', 3, 64), pValue(v.Test.Applicable, v.PHolm), v.Verdict})
	}
	return rows
}
