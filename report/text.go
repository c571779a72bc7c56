package report

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"
)

// RenderText writes the summary for a terminal or a CI log: thresholds
// first (✓/✗ with observed values), then totals, latency, outcomes, the
// breakdowns and the violations.
func RenderText(w io.Writer, s *Summary) error {
	return renderTables(w, s, false)
}

// RenderMarkdown writes the summary as GitHub-flavoured Markdown, e.g.
// for a CI job summary.
func RenderMarkdown(w io.Writer, s *Summary) error {
	return renderTables(w, s, true)
}

// doc writes the sections of a text or Markdown report.
type doc struct {
	w   *bufio.Writer
	md  bool
	err error
}

func (d *doc) printf(format string, args ...any) {
	if d.err == nil {
		_, d.err = fmt.Fprintf(d.w, format, args...)
	}
}

func (d *doc) heading(title string) {
	if d.md {
		d.printf("\n### %s\n\n", title)
	} else {
		d.printf("\n%s\n", title)
	}
}

// table renders one table; align gives each column's alignment.
func (d *doc) table(header []string, align []tw.Align, rows [][]string) {
	if d.err != nil || len(rows) == 0 {
		return
	}
	opts := []tablewriter.Option{
		// WithConfig replaces the whole configuration, so it goes first.
		tablewriter.WithConfig(tablewriter.Config{
			Header: tw.CellConfig{Alignment: tw.CellAlignment{PerColumn: align}},
			Row:    tw.CellConfig{Alignment: tw.CellAlignment{PerColumn: align}},
		}),
		// Keep headers as written ("p99 ms", not "P 99 MS").
		tablewriter.WithHeaderAutoFormat(tw.Off),
	}
	if d.md {
		opts = append(opts, tablewriter.WithRenderer(renderer.NewMarkdown()))
		header = append([]string(nil), header...)
		for i := range header {
			header[i] = mdEscape(header[i])
		}
		for _, r := range rows {
			for i := range r {
				r[i] = mdEscape(r[i])
			}
		}
	} else {
		opts = append(opts,
			tablewriter.WithRenderer(renderer.NewBlueprint()),
			tablewriter.WithRendition(tw.Rendition{Symbols: tw.NewSymbols(tw.StyleASCII)}),
		)
	}
	t := tablewriter.NewTable(d.w, opts...)
	t.Header(anySlice(header)...)
	if err := t.Bulk(rows); err != nil {
		d.err = fmt.Errorf("table %s: %w", header[0], err)
		return
	}
	if err := t.Render(); err != nil {
		d.err = fmt.Errorf("table %s: %w", header[0], err)
	}
}

// mdEscape keeps a cell inside its Markdown column: the renderer does not
// escape pipes, and a newline would end the row.
func mdEscape(s string) string {
	s = strings.ReplaceAll(s, `|`, `\|`)
	return strings.ReplaceAll(s, "\n", " ")
}

func anySlice(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

var (
	left  = tw.AlignLeft
	right = tw.AlignRight
)

func renderTables(w io.Writer, s *Summary, md bool) error {
	d := &doc{w: bufio.NewWriter(w), md: md}
	d.title(s)
	d.thresholds(s)
	d.totals(s)
	d.latency(s)
	d.outcomes(s)
	d.breakdowns(s)
	d.violations(s)
	if d.err != nil {
		return d.err
	}
	return d.w.Flush()
}

func (d *doc) title(s *Summary) {
	r := s.Run
	parts := []string{"scenario " + r.Scenario}
	if r.Pool != "" {
		parts = append(parts, "pool "+r.Pool)
	}
	if r.Shard != "" {
		parts = append(parts, "shard "+r.Shard)
	}
	if len(r.Shards) > 0 {
		parts = append(parts, fmt.Sprintf("merged from %d shards", len(r.Shards)))
	}
	parts = append(parts, "seed "+strconv.FormatInt(r.Seed, 10))
	status := "completed"
	if r.Interrupted {
		status = "INTERRUPTED (partial results)"
	}
	when := fmt.Sprintf("%s → %s (%s), %s, exit status %d", r.Start.UTC().Format(time.DateTime), r.End.UTC().Format("15:04:05 MST"),
		fmtSeconds(r.DurationS), status, r.ExitStatus)
	hash := r.ScenarioHash
	if len(hash) > 12 {
		hash = hash[:12]
	}
	if d.md {
		d.printf("## cogload: %s\n\n", strings.Join(parts, " · "))
		d.printf("- target: `%s`, scenario hash `%s`, tool %s\n- %s\n", r.Target, hash, r.ToolVersion, when)
		return
	}
	d.printf("cogload: %s\n", strings.Join(parts, " · "))
	d.printf("target %s · scenario hash %s · tool %s\n%s\n", r.Target, hash, r.ToolVersion, when)
}

func (d *doc) thresholds(s *Summary) {
	if len(s.Thresholds) == 0 {
		return
	}
	failed := 0
	rows := make([][]string, 0, len(s.Thresholds))
	for _, t := range s.Thresholds {
		mark := "✓"
		if !t.Pass {
			mark = "✗"
			failed++
		}
		note := t.Note
		if note == "" && t.Pos != "" {
			note = t.Pos
		}
		rows = append(rows, []string{mark, t.Expr, t.ObservedText, note})
	}
	if failed == 0 {
		d.heading(fmt.Sprintf("Thresholds: all %d passed", len(s.Thresholds)))
	} else {
		d.heading(fmt.Sprintf("Thresholds: %d of %d FAILED", failed, len(s.Thresholds)))
	}
	d.table([]string{"", "threshold", "observed", "note"}, []tw.Align{left, left, right, left}, rows)
}

func (d *doc) totals(s *Summary) {
	t := s.Totals
	d.heading("Totals")
	d.table([]string{"metric", "value", "share"}, []tw.Align{left, right, right}, [][]string{
		{"requests", fmtCount(t.Requests), ""},
		{"target rate", fmtRate(t.TargetRate), ""},
		{"achieved rate", fmtRate(t.AchievedRate), ""},
		{"ok", fmtCount(t.OK), formatPct(t.OKRate)},
		{"throttled", fmtCount(t.Throttled), formatPct(t.ThrottleRate)},
		{"errors", fmtCount(t.Errors), formatPct(t.ErrorRate)},
		{"violations", fmtCount(t.Violations), formatPct(t.ViolationRate)},
	})
	if t.BehindSchedule {
		d.note(t.BehindNote)
	}
	if t.Ignored > 0 {
		d.note(fmt.Sprintf("%d samples named a stage or variant outside the plan and were ignored", t.Ignored))
	}
}

func (d *doc) note(msg string) {
	if d.md {
		d.printf("\n> **Warning:** %s\n", msg)
	} else {
		d.printf("WARNING: %s\n", msg)
	}
}

var latencyHeader = []string{"min", "mean", "p50", "p90", "p95", "p99", "p99.9", "max"}

func latencyCells(l Latency) []string {
	return []string{formatMs(l.MinMs), formatMs(l.MeanMs), formatMs(l.P50Ms), formatMs(l.P90Ms),
		formatMs(l.P95Ms), formatMs(l.P99Ms), formatMs(l.P999Ms), formatMs(l.MaxMs)}
}

func (d *doc) latency(s *Summary) {
	if s.Overall.Requests == 0 {
		return
	}
	d.heading("Latency")
	align := make([]tw.Align, len(latencyHeader))
	for i := range align {
		align[i] = right
	}
	d.table(latencyHeader, align, [][]string{latencyCells(s.Overall.Latency)})
}

func (d *doc) outcomes(s *Summary) {
	if len(s.Breakdown.Outcomes) == 0 {
		return
	}
	d.heading("Outcomes")
	rows := make([][]string, 0, len(s.Breakdown.Outcomes))
	for _, g := range s.Breakdown.Outcomes {
		rows = append(rows, []string{g.Name, OutcomeClass(g.Name), fmtCount(g.Requests), formatPct(g.Share),
			formatMs(g.Latency.P50Ms), formatMs(g.Latency.P99Ms)})
	}
	d.table([]string{"outcome", "class", "count", "share", "p50", "p99"},
		[]tw.Align{left, left, right, right, right, right}, rows)
}

func (d *doc) breakdowns(s *Summary) {
	for _, b := range []struct {
		title  string
		groups []Group
	}{
		{"By token pool", s.Breakdown.TokenPools},
		{"By attribute", s.Breakdown.Attributes},
		{"By metadata variant", s.Breakdown.Metadata},
		{"By stage", s.Breakdown.Stages},
	} {
		if len(b.groups) == 0 {
			continue
		}
		d.heading(b.title)
		rows := make([][]string, 0, len(b.groups))
		for _, g := range b.groups {
			top := ""
			if len(g.Outcomes) > 0 {
				top = fmt.Sprintf("%s (%s)", g.Outcomes[0].Outcome, formatPct(g.Outcomes[0].Share))
			}
			rows = append(rows, []string{g.Name, fmtCount(g.Requests), formatPct(g.Share), formatPct(g.OKRate),
				formatPct(g.ThrottleRate), fmtCount(g.Errors), fmtCount(g.Violations),
				formatMs(g.Latency.P50Ms), formatMs(g.Latency.P99Ms), top})
		}
		d.table([]string{"name", "requests", "share", "ok", "throttled", "errors", "violations", "p50", "p99", "top outcome"},
			[]tw.Align{left, right, right, right, right, right, right, right, right, left}, rows)
	}
}

func (d *doc) violations(s *Summary) {
	v := s.Violations
	if v.Count == 0 {
		return
	}
	d.heading(fmt.Sprintf("Violations: %s (first %d shown)", fmtCount(v.Count), len(v.Examples)))
	rows := make([][]string, 0, len(v.Examples))
	for _, e := range v.Examples {
		rows = append(rows, []string{fmtSeconds(e.OffsetS), e.Stage, e.TokenPool, e.Attribute, e.Metadata,
			e.Outcome, strconv.Itoa(int(e.Code)), strings.Join(e.Expected, ", ")})
	}
	d.table([]string{"at", "stage", "token pool", "attribute", "metadata", "got", "status", "expected"},
		[]tw.Align{right, left, left, left, left, left, right, left}, rows)
}

// fmtCount groups thousands with commas.
func fmtCount(n uint64) string {
	s := strconv.FormatUint(n, 10)
	if len(s) <= 3 {
		return s
	}
	var b strings.Builder
	pre := len(s) % 3
	if pre > 0 {
		b.WriteString(s[:pre])
	}
	for i := pre; i < len(s); i += 3 {
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(s[i : i+3])
	}
	return b.String()
}

func fmtRate(r float64) string { return strconv.FormatFloat(r, 'f', 1, 64) + "/s" }

func fmtSeconds(s float64) string { return strconv.FormatFloat(s, 'f', 1, 64) + "s" }
