package render

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/cogload/cogload/compare"
	"github.com/cogload/cogload/internal/textfmt"
	"github.com/olekukonko/tablewriter/tw"
)

// ComparisonText writes a comparison for a terminal or a CI log.
func ComparisonText(w io.Writer, c *compare.Comparison) error {
	return renderComparison(w, c, false)
}

// ComparisonMarkdown writes a comparison as GitHub-flavoured
// Markdown (CI job summaries, pull-request comments).
func ComparisonMarkdown(w io.Writer, c *compare.Comparison) error {
	return renderComparison(w, c, true)
}

// ComparisonJSON writes a comparison as indented JSON
// (schema "cogload.comparison/v1").
func ComparisonJSON(w io.Writer, c *compare.Comparison) error { return writeJSON(w, "comparison", c) }

// ctext is a text or Markdown comparison: the run report's doc (headings,
// tables, escaping) with the comparison's own sections.
type ctext struct{ doc }

func renderComparison(w io.Writer, c *compare.Comparison, md bool) error {
	d := &ctext{doc{w: bufio.NewWriter(w), md: md}}
	d.title(c)
	d.runs(c)
	d.heading("Overall")
	d.metricTable(c, []string{"metric"}, c.Overall, func(r compare.Row) []string { return []string{metricLabel(r.Metric)} })
	d.heading("Outcomes (share of requests)")
	d.metricTable(c, []string{"outcome"}, c.Outcomes, func(r compare.Row) []string { return []string{r.Group} })
	for _, t := range c.Dimensions {
		rows := visibleRows(t.Rows)
		if len(rows) == 0 {
			continue
		}
		d.heading("By " + dimensionLabel(t.Dimension))
		d.metricTable(c, []string{dimensionLabel(t.Dimension), "metric"}, rows, func(r compare.Row) []string {
			return []string{r.Group, metricLabel(r.Metric)}
		})
	}
	d.rules(c)
	d.notes(c)
	if d.err != nil {
		return d.err
	}
	return d.w.Flush()
}

func (d *ctext) title(c *compare.Comparison) {
	var base []string
	for _, r := range c.Runs[:c.Baselines] {
		base = append(base, r.Label)
	}
	band := fmt.Sprintf("noise band ±%s for latency and request rates, ±%s for rates",
		strconv.FormatFloat(100*c.Noise.Relative, 'f', -1, 64)+"%", compare.FormatPointsAbs(c.Noise.Rate))
	if c.Noise.Spread {
		band += ", widened to the spread (max−min) of the baseline runs"
	}
	if d.md {
		d.printf("## cogload compare: %d runs, baseline %s\n\n- %s\n", len(c.Runs), d.lit(strings.Join(base, " + ")), d.lit(band))
		return
	}
	d.printf("cogload compare: %d runs, baseline %s\n%s\n", len(c.Runs), strings.Join(base, " + "), band)
}

func (d *ctext) runs(c *compare.Comparison) {
	d.heading("Runs")
	rows := make([][]string, 0, len(c.Runs))
	for _, r := range c.Runs {
		role := "candidate"
		if r.Baseline {
			role = "baseline"
		}
		th := "-"
		if r.ThresholdsTotal > 0 {
			th = fmt.Sprintf("%d/%d passed", r.ThresholdsPassed, r.ThresholdsTotal)
		}
		start := ""
		if !r.Start.IsZero() {
			start = r.Start.UTC().Format(time.DateTime)
		}
		rows = append(rows, []string{r.Label, role, r.Scenario, r.Pool, r.ID, r.ToolVersion, start,
			textfmt.Seconds(r.DurationS), th})
	}
	d.table([]string{"run", "role", "scenario", "pool", "id", "tool", "start (UTC)", "duration", "thresholds"},
		[]tw.Align{tw.AlignLeft, tw.AlignLeft, tw.AlignLeft, tw.AlignLeft, tw.AlignLeft, tw.AlignLeft, tw.AlignLeft, tw.AlignRight, tw.AlignRight}, rows)
}

// metricTable writes rows with one value column per run, the noise band
// after the baseline runs and a delta column after each other run.
func (d *ctext) metricTable(c *compare.Comparison, lead []string, rows []compare.Row, label func(compare.Row) []string) {
	header := append([]string{}, lead...)
	var align []tw.Align
	for range lead {
		align = append(align, tw.AlignLeft)
	}
	for i, r := range c.Runs {
		header = append(header, r.Label)
		align = append(align, tw.AlignRight)
		if i == c.Baselines-1 {
			header = append(header, "noise band")
			align = append(align, tw.AlignRight)
		}
		if i >= c.Baselines {
			header = append(header, "Δ "+r.Label)
			align = append(align, tw.AlignLeft)
		}
	}
	out := make([][]string, 0, len(rows))
	for _, r := range rows {
		line := label(r)
		for i, cell := range r.Cells {
			line = append(line, formatCell(r.Unit, cell))
			if i == c.Baselines-1 {
				line = append(line, compare.FormatBand(r))
			}
			if i >= c.Baselines {
				delta := compare.FormatDelta(r, cell)
				if d.md && cell.Verdict == compare.VerdictRegression {
					// Regressions should stand out in a PR comment.
					delta = textfmt.Strong(delta)
				}
				line = append(line, delta)
			}
		}
		out = append(out, line)
	}
	d.table(header, align, out)
}

func (d *ctext) rules(c *compare.Comparison) { d.ruleTable(c.Rules) }

// ruleTable writes regression rules checked against runs, breaches
// counted in the heading.
func (d *doc) ruleTable(results []compare.RuleResult) {
	if len(results) == 0 {
		return
	}
	breached, unjudged := 0, 0
	rows := make([][]string, 0, len(results))
	for _, r := range results {
		mark := ruleMark(r)
		switch mark {
		case "✗":
			breached++
		case "?":
			unjudged++
		}
		rows = append(rows, []string{mark, r.Rule.Expr, r.Run, r.ObservedText, r.Note})
	}
	var title string
	if breached == 0 {
		title = fmt.Sprintf("Regression rules: no breach in %d checks", len(results))
	} else {
		title = fmt.Sprintf("Regression rules: %d of %d checks BREACHED", breached, len(results))
	}
	if unjudged > 0 {
		title += fmt.Sprintf(" (%d could not be judged)", unjudged)
	}
	d.heading(title)
	d.table([]string{"", "rule", "run", "observed", "note"},
		[]tw.Align{tw.AlignLeft, tw.AlignLeft, tw.AlignLeft, tw.AlignRight, tw.AlignLeft}, rows)
}

func (d *ctext) notes(c *compare.Comparison) {
	for _, n := range c.Notes {
		d.callout("Note", n)
	}
}

// ruleMark is ✗ for a breach, ? for a check that could not be judged
// (too few samples, unknown metric) and ✓ otherwise.
func ruleMark(r compare.RuleResult) string {
	switch {
	case r.Breached:
		return "✗"
	case r.Unjudged:
		return "?"
	}
	return "✓"
}

// visibleRows drops rate rows that are zero in every run: a table of
// "0.00%" says nothing the overall rows do not.
func visibleRows(rows []compare.Row) []compare.Row {
	var out []compare.Row
	for _, r := range rows {
		if r.Unit == "fraction" {
			zero := true
			for _, c := range r.Cells {
				zero = zero && c.Value == 0
			}
			if zero {
				continue
			}
		}
		out = append(out, r)
	}
	return out
}

var metricLabels = map[string]string{
	"target_rate": "target rate", "achieved_rate": "achieved rate", "ok_rate": "ok rate",
	"throttle_rate": "throttle rate", "error_rate": "error rate", "violation_rate": "violation rate",
}

// metricLabel is how a comparison table names a metric: latency
// statistics by their short name (p99) under a latency heading.
func metricLabel(m string) string {
	if l, ok := metricLabels[m]; ok {
		return l
	}
	return strings.TrimPrefix(m, "latency.")
}

func dimensionLabel(d string) string {
	switch d {
	case "token_pool":
		return "token pool"
	case "metadata":
		return "metadata variant"
	}
	return d
}

// textfmt.Value writes v in unit for people.

func formatCell(unit string, c compare.Cell) string {
	if c.Missing {
		return "-"
	}
	return textfmt.Value(unit, c.Value)
}
