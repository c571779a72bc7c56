package render

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/cogload/cogload/aggregate"
	"github.com/cogload/cogload/internal/textfmt"
	"github.com/olekukonko/tablewriter/tw"
)

// Text writes the summary for a terminal or a CI log: thresholds
// first (✓/✗ with observed values), then totals, latency, outcomes, the
// breakdowns and the violations.
func Text(w io.Writer, s *aggregate.Summary) error {
	return renderTables(w, s, false)
}

// Markdown writes the summary as GitHub-flavoured Markdown, e.g.
// for a CI job summary.
func Markdown(w io.Writer, s *aggregate.Summary) error {
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
		d.printf("\n### %s\n\n", textfmt.MarkdownEscape(title))
	} else {
		d.printf("\n%s\n", title)
	}
}

// lit is s as literal text of the document: escaped in Markdown, where
// names, expressions and targets from users' files must not become
// markup (HTML, links, emphasis).
func (d *doc) lit(s string) string {
	if d.md {
		return textfmt.MarkdownEscape(s)
	}
	return s
}

// callout prints a labelled remark (Warning, Note) on its own.
func (d *doc) callout(label, msg string) {
	if d.md {
		d.printf("\n> **%s:** %s\n", label, textfmt.MarkdownEscape(msg))
	} else {
		d.printf("%s: %s\n", strings.ToUpper(label), msg)
	}
}

// table renders one table; align gives each column's alignment.
func (d *doc) table(header []string, align []tw.Align, rows [][]string) {
	if d.err != nil {
		return
	}
	d.err = textfmt.Table{Header: header, Align: align, Rows: rows, Markdown: d.md}.Write(d.w)
}

const (
	left  = textfmt.Left
	right = textfmt.Right
)

func renderTables(w io.Writer, s *aggregate.Summary, md bool) error {
	d := &doc{w: bufio.NewWriter(w), md: md}
	d.title(s)
	d.failure(s)
	d.thresholds(s)
	d.reliesOn(s)
	d.totals(s)
	d.schedule(s)
	d.latency(s)
	d.outcomes(s)
	d.breakdowns(s)
	d.violations(s)
	if d.err != nil {
		return d.err
	}
	return d.w.Flush()
}

func (d *doc) title(s *aggregate.Summary) {
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
		textfmt.Seconds(r.DurationS), status, r.ExitStatus)
	hash := r.ScenarioHash
	if len(hash) > 12 {
		hash = hash[:12]
	}
	if d.md {
		d.printf("## cogload: %s\n\n", d.lit(strings.Join(parts, " · ")))
		d.printf("- target: %s, scenario hash %s, tool %s\n- %s\n", d.lit(r.Target), d.lit(hash), d.lit(r.ToolVersion), d.lit(when))
		return
	}
	d.printf("cogload: %s\n", strings.Join(parts, " · "))
	d.printf("target %s · scenario hash %s · tool %s\n%s\n", r.Target, hash, r.ToolVersion, when)
}

func (d *doc) thresholds(s *aggregate.Summary) {
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

func (d *doc) totals(s *aggregate.Summary) {
	t := s.Totals
	d.heading("Totals")
	rows := [][]string{
		{"requests", textfmt.Count(t.Requests), ""},
		{"target rate", textfmt.Rate(t.TargetRate), ""},
		{"achieved rate", textfmt.Rate(t.AchievedRate), ""},
		{"ok", textfmt.Count(t.OK), textfmt.Pct(t.OKRate)},
		{"throttled", textfmt.Count(t.Throttled), textfmt.Pct(t.ThrottleRate)},
		{"errors", textfmt.Count(t.Errors), textfmt.Pct(t.ErrorRate)},
		{"violations", textfmt.Count(t.Violations), textfmt.Pct(t.ViolationRate)},
	}
	if t.Unsent > 0 {
		rows = append(rows, []string{"not sent (generator limit)", textfmt.Count(t.Unsent), textfmt.Pct(t.UnsentRate)})
	}
	d.table([]string{"metric", "value", "share"}, []tw.Align{left, right, right}, rows)
	if t.Unsent > 0 {
		d.note(unsentNote(s))
	}
	if t.BehindSchedule {
		d.note(t.BehindNote)
	}
	if t.Ignored > 0 {
		d.note(fmt.Sprintf("%d samples named a stage or variant outside the plan and were ignored", t.Ignored))
	}
}

// reliesOn names what the verdict rests on that nobody documented or
// captured, so a reader knows what to confirm on a real pool.
func (d *doc) reliesOn(s *aggregate.Summary) {
	rs := s.Plan.ReliesOn
	if len(rs) == 0 {
		return
	}
	d.heading("Relies on (inferred or assumed in docs/fidelity.md: confirm on a real pool)")
	for _, r := range rs {
		line := relianceLine(r.Because, r.Level, r.ID, r.Behaviour)
		if d.md {
			d.printf("- %s\n", textfmt.MarkdownEscape(line))
		} else {
			d.printf("  - %s\n", textfmt.Wrap(line, 86, "    "))
		}
	}
}

// relianceLine is one behaviour a verdict relies on, as validate and the
// run report print it.
func relianceLine(because, level, id, behaviour string) string {
	return fmt.Sprintf("%s (%s, %s): %s", because, level, id, behaviour)
}

func (d *doc) note(msg string) { d.callout("Warning", msg) }

var latencyHeader = []string{"min", "mean", "p50", "p90", "p95", "p99", "p99.9", "max"}

func latencyCells(l aggregate.Latency) []string {
	return []string{textfmt.Ms(l.MinMs), textfmt.Ms(l.MeanMs), textfmt.Ms(l.P50Ms), textfmt.Ms(l.P90Ms),
		textfmt.Ms(l.P95Ms), textfmt.Ms(l.P99Ms), textfmt.Ms(l.P999Ms), textfmt.Ms(l.MaxMs)}
}

func (d *doc) latency(s *aggregate.Summary) {
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

func (d *doc) outcomes(s *aggregate.Summary) {
	if len(s.Breakdown.Outcomes) == 0 {
		return
	}
	d.heading("Outcomes")
	rows := make([][]string, 0, len(s.Breakdown.Outcomes))
	for _, g := range s.Breakdown.Outcomes {
		rows = append(rows, []string{g.Name, aggregate.OutcomeClass(g.Name), textfmt.Count(g.Requests), textfmt.Pct(g.Share),
			textfmt.Ms(g.Latency.P50Ms), textfmt.Ms(g.Latency.P99Ms)})
	}
	d.table([]string{"outcome", "class", "count", "share", "p50", "p99"},
		[]tw.Align{left, left, right, right, right, right}, rows)
}

// schedule shows each stage against its schedule: what it planned, sent
// and skipped, so a generator that could not keep up is plain to see.
func (d *doc) schedule(s *aggregate.Summary) {
	if len(s.Schedule) == 0 {
		return
	}
	d.heading("Schedule")
	rows := make([][]string, 0, len(s.Schedule))
	for _, st := range s.Schedule {
		state := "on schedule"
		switch {
		case st.Behind:
			state = "BEHIND"
		case st.Exhausted:
			state = "tokens exhausted"
		case st.Interrupted:
			state = "interrupted"
		}
		rows = append(rows, []string{st.Name, textfmt.Round(st.Planned), textfmt.Count(st.Sent), skippedCell(st),
			textfmt.Rate(st.TargetRate), textfmt.Rate(st.AchievedRate), state})
	}
	d.table([]string{"stage", "planned", "sent", "skipped", "target", "achieved", "state"},
		[]tw.Align{left, right, right, right, right, right, left}, rows)
}

func (d *doc) breakdowns(s *aggregate.Summary) {
	for _, b := range []struct {
		title  string
		groups []aggregate.Group
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
				top = fmt.Sprintf("%s (%s)", g.Outcomes[0].Outcome, textfmt.Pct(g.Outcomes[0].Share))
			}
			rows = append(rows, []string{g.Name, textfmt.Count(g.Requests), textfmt.Pct(g.Share), textfmt.Pct(g.OKRate),
				textfmt.Pct(g.ThrottleRate), textfmt.Count(g.Errors), textfmt.Count(g.Violations),
				textfmt.Ms(g.Latency.P50Ms), textfmt.Ms(g.Latency.P99Ms), top})
		}
		d.table([]string{"name", "requests", "share", "ok", "throttled", "errors", "violations", "p50", "p99", "top outcome"},
			[]tw.Align{left, right, right, right, right, right, right, right, right, left}, rows)
	}
}

func (d *doc) violations(s *aggregate.Summary) {
	v := s.Violations
	if v.Count == 0 {
		return
	}
	d.heading(fmt.Sprintf("Violations: %s (first %d shown)", textfmt.Count(v.Count), len(v.Examples)))
	rows := make([][]string, 0, len(v.Examples))
	for _, e := range v.Examples {
		rows = append(rows, []string{textfmt.Seconds(e.OffsetS), e.Stage, e.TokenPool, e.Attribute, e.Metadata,
			e.Outcome, strconv.Itoa(int(e.Code)), strings.Join(e.Expected, ", ")})
	}
	d.table([]string{"at", "stage", "token pool", "attribute", "metadata", "got", "status", "expected"},
		[]tw.Align{right, left, left, left, left, left, right, left}, rows)
}

// textfmt.Count groups thousands with commas.
