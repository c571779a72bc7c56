package evidence

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/cogload/cogload/internal/textfmt"
)

// WriteMarkdown renders the ledger as docs/fidelity.md: a count per level,
// then one table per topic.
func WriteMarkdown(w io.Writer) error {
	bw := bufio.NewWriter(w)
	entries := Ledger()
	count := map[Level]int{}
	for _, e := range entries {
		count[e.Level]++
	}
	fmt.Fprint(bw, `# Fidelity of the mock

<!-- Generated from mock/evidence (the ledger); edit the ledger, then run
     go test ./mock/evidence -update. A test fails when this file differs. -->

The mock stands in for Amazon Cognito in nightly runs, so every place where it
could differ from the service is a place where a green run can lie. This page
lists every behaviour of the mock that is a decision about the service, how
well that behaviour is known, the public source it rests on, and the pool
setting that changes it. `+"`cogload mock --explain`"+` prints the same table,
`+"`cogload conform --list`"+` shows the level each conformance case checks, and
`+"`cogload validate`"+` names the inferred and assumed behaviours a plan relies on.

Levels: **documented** (the API model or the AWS documentation says so),
**observed** (a real response was captured in public), **inferred** (follows
from those, nobody showed it), **assumed** (the mock's choice; confirm it on a
real pool before relying on it).

`)
	fmt.Fprintf(bw, "%d behaviours:", len(entries))
	for i, l := range Levels() {
		sep := ","
		if i == len(Levels())-1 {
			sep = "."
		}
		fmt.Fprintf(bw, " %d %s%s", count[l], l, sep)
	}
	fmt.Fprintln(bw)
	for _, topic := range Topics() {
		fmt.Fprintf(bw, "\n## %s\n\n", capitalize(topic))
		fmt.Fprintln(bw, "| Id | Behaviour | Evidence | Source | Setting |")
		fmt.Fprintln(bw, "|---|---|---|---|---|")
		for _, e := range entries {
			if e.Topic != topic {
				continue
			}
			setting := e.Setting
			if setting == "" {
				setting = "-"
			}
			fmt.Fprintf(bw, "| `%s` | %s | %s | %s | %s |\n", e.ID, cell(e.Behaviour), e.Level, cell(e.Source), cell(setting))
		}
	}
	return bw.Flush()
}

// cell escapes what would end a Markdown table cell or read as HTML.
func cell(s string) string {
	return strings.NewReplacer("|", `\|`, "<", "&lt;", ">", "&gt;").Replace(s)
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// WriteText renders the ledger for a terminal (`cogload mock --explain`):
// one table, the counts per level under it.
func WriteText(w io.Writer) error {
	t := textfmt.Table{Header: []string{"Id", "Evidence", "Behaviour", "Source", "Setting"}, Wrap: map[int]int{2: 56, 3: 40, 4: 22}}
	count := map[Level]int{}
	for _, e := range Ledger() {
		count[e.Level]++
		setting := e.Setting
		if setting == "" {
			setting = "-"
		}
		t.Rows = append(t.Rows, []string{e.ID, string(e.Level), e.Behaviour, e.Source, setting})
	}
	if err := t.Write(w); err != nil {
		return err
	}
	var parts []string
	for _, l := range Levels() {
		parts = append(parts, fmt.Sprintf("%d %s", count[l], l))
	}
	_, err := fmt.Fprintf(w, "%d behaviours: %s. Confirm the inferred and assumed ones on a real pool (docs/fidelity.md).\n",
		len(Ledger()), strings.Join(parts, ", "))
	return err
}
