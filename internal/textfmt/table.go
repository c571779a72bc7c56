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
	// Markdown writes a Markdown table, every cell escaped (MarkdownEscape;
	// Strong cells bold).
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
		rows = make([][]string, len(t.Rows))
		for i, r := range t.Rows {
			rows[i] = plainAll(r)
		}
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

// markdownEscaper makes text literal in GitHub-flavoured Markdown: HTML
// is written as entities (no tag, comment or autolink survives, and the
// text reads the same), and the characters that start emphasis, code,
// links, strikethrough and table cells are backslash-escaped, as is the
// colon of "scheme://" (GitHub links bare URLs). A newline would end a
// table row or a list item.
var markdownEscaper = strings.NewReplacer(
	"://", `\://`,
	"&", "&amp;", "<", "&lt;", ">", "&gt;",
	`\`, `\\`, "`", "\\`", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`,
	"|", `\|`, "~", `\~`,
	"\r\n", " ", "\n", " ", "\r", " ",
)

// MarkdownEscape makes s literal text in Markdown (a table cell, a
// heading, a list item): names, expressions and targets come from users'
// files, and a CI job summary must show them, not render them.
func MarkdownEscape(s string) string { return markdownEscaper.Replace(s) }

// strongMark prefixes a cell made by Strong.
const strongMark = "\x00strong\x00"

// Strong marks a table cell to stand out: bold in Markdown (its text
// escaped like every cell's), plain in ASCII tables.
func Strong(s string) string { return strongMark + s }

// markdownCell escapes a cell, and bolds one made by Strong.
func markdownCell(c string) string {
	if rest, ok := strings.CutPrefix(c, strongMark); ok {
		return "**" + MarkdownEscape(rest) + "**"
	}
	return MarkdownEscape(c)
}

func escapeAll(cells []string) []string {
	out := make([]string, len(cells))
	for i, c := range cells {
		out[i] = markdownCell(c)
	}
	return out
}

func plainAll(cells []string) []string {
	out := make([]string, len(cells))
	for i, c := range cells {
		out[i] = strings.TrimPrefix(c, strongMark)
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
