package render

import (
	"bufio"
	"embed"
	"fmt"
	"html/template"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/cogload/cogload/aggregate"
	"github.com/cogload/cogload/compare"
	"github.com/cogload/cogload/domain"
	"github.com/cogload/cogload/fidelity"
	"github.com/cogload/cogload/internal/textfmt"
	"github.com/olekukonko/tablewriter/tw"
)

// The page's script and style are compiled in, so a report opens offline
// and never fetches anything.
//
//go:embed assets/report.html.tmpl assets/report.css assets/report.js
var htmlAssets embed.FS

var htmlTemplate = template.Must(template.New("report.html.tmpl").Funcs(template.FuncMap{
	"ms":       textfmt.Ms,
	"pct":      textfmt.Pct,
	"count":    textfmt.Count,
	"rate":     textfmt.Rate,
	"seconds":  textfmt.Seconds,
	"verdict":  verdictClass,
	"metric":   metricLabel,
	"dimlabel": dimensionLabel,
	"cell":     formatCell,
	"band":     compare.FormatBand,
	"delta":    compare.FormatDelta,
	"visible":  visibleRows,
	"time":     func(t time.Time) string { return t.UTC().Format(time.DateTime + " MST") },
	"add":      func(a, b int) int { return a + b },
	"mt": func(c *compare.Comparison, rows []compare.Row, group string, dim bool) htmlMetricTable {
		return htmlMetricTable{C: c, Rows: rows, Group: group, Dim: dim}
	},
	"ftable": fidelityTable,
	"rules": func(rules []compare.RuleResult, where string) htmlRuleTable {
		return htmlRuleTable{Rules: rules, Where: where}
	},
	"runs": func(r *fidelity.Report) []fidelity.RunInfo { return []fidelity.RunInfo{r.Real, r.Mock} },
}).ParseFS(htmlAssets, "assets/report.html.tmpl"))

func init() {
	// Register with the format table so the archive writes report.html
	// and `cogload report --format html` works without further wiring.
	Renderers["html"] = HTML
}

// htmlPage is the template's input: one run or one comparison.
type htmlPage struct {
	Title string
	// Summary (one run) or Comparison is set, and embedded as JSON.
	Summary    *aggregate.Summary
	Comparison *compare.Comparison
	Fidelity   *fidelity.Report
	Charts     chartData
	CSS        template.CSS
	JS         template.JS

	// One run.
	Verdict     string
	VerdictNote string
	Groups      []htmlGroupTable

	// A comparison.
	Labels []string
}

// htmlMetricTable is one comparison table: Group names the first column
// (a dimension or "outcome"; "" for the overall metrics) and Dim adds the
// metric column after it.
type htmlMetricTable struct {
	C     *compare.Comparison
	Rows  []compare.Row
	Group string
	Dim   bool
}

// htmlRuleTable is the regression rules' results; Where names the column
// saying where each was checked (a run, or a line of a fidelity report).
type htmlRuleTable struct {
	Rules []compare.RuleResult
	Where string
}

// htmlGroupTable is one breakdown of a single run.
type htmlGroupTable struct {
	Title  string
	Groups []aggregate.Group
}

// HTML writes one run's report as a self-contained HTML page:
// header with verdict and thresholds, charts (latency percentiles and
// rates over time, outcomes, latency distribution) drawn by an inline
// script from the embedded summary, and the per-dimension tables.
func HTML(w io.Writer, s *aggregate.Summary) error {
	cr, err := chartRunOf(runLabel(s), s)
	if err != nil {
		return fmt.Errorf("render html: %w", err)
	}
	p := &htmlPage{
		Title:   "cogload: " + s.Run.Scenario,
		Summary: s,
		Charts:  chartData{Kind: "run", Runs: []chartRun{cr}},
		Groups: []htmlGroupTable{
			{"By token pool", s.Breakdown.TokenPools},
			{"By attribute", s.Breakdown.Attributes},
			{"By metadata variant", s.Breakdown.Metadata},
			{"By stage", s.Breakdown.Stages},
		},
	}
	if s.Run.Pool != "" {
		p.Title += " · " + s.Run.Pool
	}
	p.Verdict, p.VerdictNote = runVerdict(s)
	return renderPage(w, p)
}

// ComparisonHTML writes a comparison as a self-contained HTML page:
// the runs' series and latency distributions overlaid, and the
// comparison tables with deltas and verdicts.
func ComparisonHTML(w io.Writer, c *compare.Comparison) error {
	p := &htmlPage{Comparison: c, Charts: chartData{Kind: "compare"}}
	for i, r := range c.Runs {
		p.Labels = append(p.Labels, r.Label)
		if i < len(c.Summaries()) {
			cr, err := chartRunOf(r.Label, c.Summaries()[i])
			if err != nil {
				return fmt.Errorf("render comparison html: %w", err)
			}
			p.Charts.Runs = append(p.Charts.Runs, cr)
		}
	}
	p.Title = "cogload compare: " + strings.Join(p.Labels, " vs ")
	unjudged := 0
	for _, r := range c.Rules {
		if r.Unjudged {
			unjudged++
		}
	}
	switch {
	case c.Breached():
		p.Verdict = "REGRESSION"
	case unjudged > 0:
		// Not a pass: some rules could not be checked at all.
		p.Verdict = "INCONCLUSIVE"
	default:
		p.Verdict = "NO REGRESSION"
	}
	switch {
	case len(c.Rules) == 0:
		p.VerdictNote = "no regression rules"
	case unjudged > 0:
		p.VerdictNote = fmt.Sprintf("%d rule checks, %d not judged (too few samples)", len(c.Rules), unjudged)
	default:
		p.VerdictNote = fmt.Sprintf("%d rule checks", len(c.Rules))
	}
	return renderPage(w, p)
}

// FidelityHTML writes a fidelity report as a self-contained HTML page:
// both runs' series and latency distributions overlaid, and the
// fidelity tables with a verdict per line.
func FidelityHTML(w io.Writer, r *fidelity.Report) error {
	p := &htmlPage{Fidelity: r, Charts: chartData{Kind: "compare"}, Title: "cogload fidelity: " + r.Mock.Label + " against " + r.Real.Label}
	p.Labels = []string{r.Real.Label, r.Mock.Label}
	for i, s := range r.Summaries() {
		cr, err := chartRunOf(p.Labels[i], s)
		if err != nil {
			return fmt.Errorf("render fidelity html: %w", err)
		}
		p.Charts.Runs = append(p.Charts.Runs, cr)
	}
	p.Verdict = strings.ToUpper(r.Verdict)
	p.VerdictNote = fmt.Sprintf("%d outcomes, %d variants, %d latency lines", len(r.Outcomes), len(r.Variants), len(r.Latency))
	return renderPage(w, p)
}

// htmlTable is one fidelity table: its header, which columns are
// numbers, its rows (the same as the text rendering's), and the CSS
// class of each row's verdict cell, its last.
type htmlTable struct {
	Header []string
	Num    []bool
	Rows   [][]string
	Class  []string
}

func fidelityTable(which string, r *fidelity.Report) htmlTable {
	var t htmlTable
	var align []tw.Align
	var verdicts []string // one a row, in the rows' order
	switch which {
	case "outcomes":
		t.Header, align, t.Rows = fidelityOutcomeHeader, fidelityOutcomeAlign, fidelityOutcomeRows(r)
		for _, l := range r.Outcomes {
			verdicts = append(verdicts, l.Verdict)
		}
	case "latency":
		t.Header, align, t.Rows = fidelityLatencyHeader, fidelityLatencyAlign, fidelityLatencyRows(r)
		for _, l := range r.Latency {
			verdicts = append(verdicts, l.Verdict)
		}
	case "throttle":
		t.Header, align, t.Rows = fidelityThrottleHeader(r), fidelityThrottleAlign, fidelityThrottleRows(r)
		verdicts = []string{r.Throttle.Verdict} // its first row; the others have none
	case "variants":
		t.Header, align, t.Rows = fidelityVariantHeader(r), fidelityVariantAlign, fidelityVariantRows(r)
		for _, l := range r.Variants {
			verdicts = append(verdicts, l.Verdict)
		}
	}
	for _, a := range align {
		t.Num = append(t.Num, a == right)
	}
	t.Class = make([]string, len(t.Rows))
	for i, v := range verdicts {
		t.Class[i] = verdictClass(v)
	}
	return t
}

func renderPage(w io.Writer, p *htmlPage) error {
	css, err := htmlAssets.ReadFile("assets/report.css")
	if err != nil {
		return fmt.Errorf("render html: %w", err)
	}
	js, err := htmlAssets.ReadFile("assets/report.js")
	if err != nil {
		return fmt.Errorf("render html: %w", err)
	}
	// Both are our own compiled-in files, never user input.
	p.CSS, p.JS = template.CSS(css), template.JS(js)
	bw := bufio.NewWriter(w)
	if err := htmlTemplate.Execute(bw, p); err != nil {
		return fmt.Errorf("render html: %w", err)
	}
	return bw.Flush()
}

func runLabel(s *aggregate.Summary) string {
	switch {
	case s.Run.Pool != "":
		return s.Run.Pool
	case s.Run.ID != "":
		return s.Run.ID
	}
	return "run"
}

// runVerdict names the outcome of a run as the exit status does: an
// interrupted run is never shown as passing, whatever its partial results.
func runVerdict(s *aggregate.Summary) (verdict, note string) {
	failed := 0
	for _, t := range s.Thresholds {
		if !t.Pass {
			failed++
		}
	}
	var notes []string
	if s.Run.Interrupted {
		notes = append(notes, "interrupted, partial results")
	}
	if f := runFailure(s); f != "" {
		notes = append(notes, f)
	}
	if failed > 0 {
		notes = append(notes, fmt.Sprintf("%d of %d thresholds failed", failed, len(s.Thresholds)))
	}
	if v := s.Totals.Violations; v > 0 {
		notes = append(notes, textfmt.Count(v)+" wrong answers")
	}
	// The verdict is the exit status's (Summary.Status decides it, in its
	// order); the notes give every reason.
	switch st := s.Status(); {
	case st == domain.ExitInterrupted:
		verdict = "INTERRUPTED"
	case st == domain.ExitViolations:
		verdict = "VIOLATIONS"
	case st != domain.ExitOK:
		verdict = "FAIL"
	case s.Run.ExitStatus != 0:
		// As recorded, should the rules have moved since.
		verdict = "FAIL"
		notes = append(notes, fmt.Sprintf("exit status %d", s.Run.ExitStatus))
	default:
		verdict = "PASS"
		notes = append(notes, "all "+strconv.Itoa(len(s.Thresholds))+" thresholds held")
		if len(s.Thresholds) == 0 {
			notes = []string{"no thresholds set"}
		}
	}
	return verdict, strings.Join(notes, "; ")
}

// verdictClass maps a verdict to the CSS class that colours it.
func verdictClass(v string) string {
	switch v {
	case compare.VerdictRegression, fidelity.Differs, "FAIL", "VIOLATIONS", "INTERRUPTED", "REGRESSION", "DIFFERS":
		return "bad"
	case compare.VerdictImprovement, fidelity.Same, "PASS", "NO REGRESSION", "SAME":
		return "good"
	case compare.VerdictNoise, compare.VerdictFewSamples: // fidelity.FewSamples is the same text
		return "noise"
	}
	return ""
}
