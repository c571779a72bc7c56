package textfmt

import (
	"fmt"
	"io"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"
)

// Column alignments.
const (
	Left  = tw.AlignLeft
	Right = tw.AlignRight
)

// Table is one table of a report, in cogload's one style: ASCII borders
// for terminals and logs, GitHub-flavoured Markdown for job summaries.
type Table struct {
	Header []string
	// Align gives each column's alignment, header included.
	Align []tw.Align
	Rows  [][]string
	// Markdown writes a Markdown table, its cells escaped.
	Markdown bool
	// Wrap wraps the cells of the given columns at that many characters
	// (ASCII tables only); other cells stay on one line, so a row stays
	// greppable.
	Wrap map[int]int
}

// Write renders the table; a table without rows writes nothing.
func (t Table) Write(w io.Writer) error {
	if len(t.Rows) == 0 {
		return nil
	}
	row := tw.CellConfig{
		Alignment:  tw.CellAlignment{PerColumn: t.Align},
		Formatting: tw.CellFormatting{AutoWrap: tw.WrapNone},
	}
	if len(t.Wrap) > 0 && !t.Markdown {
		row.Formatting.AutoWrap = tw.WrapNormal
		row.ColMaxWidths = tw.CellWidth{PerColumn: tw.Mapper[int, int](t.Wrap)}
	}
	header, rows := t.Header, t.Rows
	opts := []tablewriter.Option{
		// WithConfig replaces the whole configuration, so it goes first.
		tablewriter.WithConfig(tablewriter.Config{
			Header: tw.CellConfig{Alignment: tw.CellAlignment{PerColumn: t.Align}},
			Row:    row,
		}),
		// Keep headers as written ("p99 ms", not "P 99 MS").
		tablewriter.WithHeaderAutoFormat(tw.Off),
	}
	if t.Markdown {
		opts = append(opts, tablewriter.WithRenderer(renderer.NewMarkdown()))
		header = escapeAll(header)
		rows = make([][]string, len(t.Rows))
		for i, r := range t.Rows {
			rows[i] = escapeAll(r)
		}
	} else {
		opts = append(opts,
			tablewriter.WithRenderer(renderer.NewBlueprint()),
			tablewriter.WithRendition(tw.Rendition{Symbols: tw.NewSymbols(tw.StyleASCII)}),
		)
	}
	tbl := tablewriter.NewTable(w, opts...)
	if len(header) > 0 {
		tbl.Header(anySlice(header)...)
	}
	if err := tbl.Bulk(rows); err != nil {
		return fmt.Errorf("table %s: %w", t.name(), err)
	}
	if err := tbl.Render(); err != nil {
		return fmt.Errorf("table %s: %w", t.name(), err)
	}
	return nil
}

func (t Table) name() string {
	if len(t.Header) > 0 {
		return t.Header[0]
	}
	return ""
}

// MarkdownEscape keeps text inside its Markdown table cell: the renderer
// does not escape pipes, and a newline would end the row.
func MarkdownEscape(s string) string {
	s = strings.ReplaceAll(s, `|`, `\|`)
	return strings.ReplaceAll(s, "\n", " ")
}

func escapeAll(cells []string) []string {
	out := make([]string, len(cells))
	for i, c := range cells {
		out[i] = MarkdownEscape(c)
	}
	return out
}

func anySlice(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}
