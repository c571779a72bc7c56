package calibrate

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/olekukonko/tablewriter/tw"

	"github.com/cogload/cogload/internal/textfmt"
	"github.com/cogload/cogload/mock"
)

// commentWidth wraps comments so the file reads in a terminal.
const commentWidth = 96

func marshal(c *mock.Config, comments yaml.CommentMap) ([]byte, error) {
	opts := []yaml.EncodeOption{yaml.IndentSequence(true)}
	if len(comments) > 0 {
		opts = append(opts, yaml.WithComment(comments))
	}
	out, err := yaml.MarshalWithOptions(c, opts...)
	if err != nil {
		return nil, fmt.Errorf("calibrate: encode pool configuration: %w", err)
	}
	return out, nil
}

// WriteYAML writes the calibrated pool configuration: a header naming
// the pool, the archives and the values kept from the base, then the
// configuration with a comment at every calibrated value.
func (r *Result) WriteYAML(w io.Writer) error {
	comments := yaml.CommentMap{}
	for _, v := range r.Values {
		path := "$." + strings.Join(v.path, ".")
		if v.line {
			comments[path] = append(comments[path], yaml.LineComment(" "+v.From))
			continue
		}
		lines := strings.Split(textfmt.Wrap("calibrated: "+v.From, commentWidth, ""), "\n")
		for i := range lines {
			lines[i] = " " + lines[i]
		}
		comments[path] = append(comments[path], yaml.HeadComment(lines...))
	}
	body, err := marshal(r.Config, comments)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	for _, l := range r.header() {
		fmt.Fprintln(bw, strings.TrimRight("# "+l, " "))
	}
	bw.Write(body)
	return bw.Flush()
}

func (r *Result) header() []string {
	wrap := func(s, indent string) []string { return strings.Split(textfmt.Wrap(s, commentWidth, indent), "\n") }
	var h []string
	h = append(h, wrap(fmt.Sprintf("Pool configuration calibrated by `cogload calibrate` from %d runs against %s (pool %s): %s.",
		len(r.Archives), r.Endpoint, r.Pool, strings.Join(r.Archives, ", ")), "")...)
	h = append(h, wrap(fmt.Sprintf("Base: %s. Every value with a \"calibrated:\" comment comes from the archives (95%% intervals: Wilson for rates, order statistics for quantiles); every other value is the base's.", r.base), "")...)
	if len(r.Kept) > 0 {
		h = append(h, "", "Kept from the base (not estimated from these archives):")
		for _, k := range r.Kept {
			h = append(h, wrap("- "+k.Field+": "+k.Why, "    ")...)
		}
	}
	if len(r.Notes) > 0 {
		h = append(h, "", "Notes:")
		for _, n := range r.Notes {
			h = append(h, wrap("- "+n, "    ")...)
		}
	}
	return append(h, "")
}

// WriteText writes what was calibrated and what was kept, for a terminal.
func (r *Result) WriteText(w io.Writer) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "cogload calibrate: %s (pool %s) from %d runs: %s\n", r.Endpoint, r.Pool, len(r.Archives), strings.Join(r.Archives, ", "))
	rows := make([][]string, 0, len(r.Values))
	for _, v := range r.Values {
		rows = append(rows, []string{v.Field, v.Text, v.From})
	}
	fmt.Fprintln(bw, "\nCalibrated")
	if err := (textfmt.Table{Header: []string{"value", "set to", "from"}, Align: []tw.Align{textfmt.Left, textfmt.Right, textfmt.Left}, Rows: rows, Wrap: map[int]int{2: 90}}).Write(bw); err != nil {
		return err
	}
	rows = rows[:0]
	for _, k := range r.Kept {
		rows = append(rows, []string{k.Field, k.Why})
	}
	fmt.Fprintf(bw, "\nKept from the base (%s)\n", r.base)
	if err := (textfmt.Table{Header: []string{"value", "why"}, Align: []tw.Align{textfmt.Left, textfmt.Left}, Rows: rows, Wrap: map[int]int{1: 100}}).Write(bw); err != nil {
		return err
	}
	for _, n := range r.Notes {
		fmt.Fprintf(bw, "NOTE: %s\n", n)
	}
	return bw.Flush()
}
