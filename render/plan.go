package render

import (
	"bufio"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/cogload/cogload/internal/textfmt"
	"github.com/cogload/cogload/scenarios"
	"github.com/olekukonko/tablewriter/tw"
)

// Plan writes a compiled plan as text: stages, peak and total requests,
// tokens per pool, variants with their expectations, thresholds, and the
// expected use of the service's quotas. It sends nothing.
func Plan(w io.Writer, p *scenarios.Plan) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "Scenario %s\n", p.Name)
	if p.Description != "" {
		fmt.Fprintf(bw, "  %s\n", textfmt.Wrap(p.Description, 88, "  "))
	}
	hash := p.Hash
	if len(hash) > 12 {
		hash = hash[:12]
	}
	fmt.Fprintf(bw, "Source:  %s (sha256 %s)\n", p.SourcePath, hash)
	fmt.Fprintf(bw, "Target:  %s\n", targetLine(p.Target))
	model := "open model"
	if p.MaxWorkers > 0 {
		model = fmt.Sprintf("closed model (at most %d workers)", p.MaxWorkers)
	}
	if p.MaxInFlight > 0 {
		model += fmt.Sprintf(", at most %s requests in flight", textfmt.Count(uint64(p.MaxInFlight)))
	} else {
		model += fmt.Sprintf(", at most %s requests in flight (default, or fewer as the file-descriptor limit allows)", textfmt.Count(scenarios.DefaultMaxInFlight))
	}
	fmt.Fprintf(bw, "Load:    seed %d, timeout %s, %d connections, %s", p.Seed, p.Timeout, p.Connections, model)
	if p.TokenRefresh > 0 {
		fmt.Fprintf(bw, ", tokens refreshed every %s", p.TokenRefresh)
	}
	fmt.Fprintln(bw)

	fmt.Fprintln(bw, "\nStages")
	if err := stagesTable(bw, p); err != nil {
		return err
	}
	fmt.Fprintf(bw, "Total: %s requests over %s, peak %s req/s\n", textfmt.Round(p.TotalRequests()), p.TotalDuration(), textfmt.Num(p.PeakRate()))

	fmt.Fprintln(bw, "\nToken pools")
	if err := poolsTable(bw, p); err != nil {
		return err
	}
	fmt.Fprintln(bw, "\nVariants (token pool × attribute × metadata)")
	if err := variantsTable(bw, p); err != nil {
		return err
	}
	if len(p.Metadata) > 0 {
		fmt.Fprintln(bw, "\nMetadata variants")
		for _, m := range p.Metadata {
			fmt.Fprintf(bw, "  %-12s %s\n", m.Name, describeMetadata(m))
		}
	}
	fmt.Fprintln(bw, "\nThresholds")
	if len(p.Thresholds) == 0 {
		fmt.Fprintln(bw, "  none (informational run: exits 0 unless there are violations)")
	}
	for _, t := range p.Thresholds {
		fmt.Fprintf(bw, "  %s\n", t.Expr)
	}
	fmt.Fprintln(bw, "\nQuota use (expected, from the plan)")
	for _, line := range p.QuotaUse() {
		fmt.Fprintf(bw, "  - %s\n", textfmt.Wrap(line, 86, "    "))
	}
	if rs := p.Reliances(); len(rs) > 0 {
		fmt.Fprintln(bw, "\nRelies on (inferred or assumed in docs/fidelity.md: confirm on a real pool)")
		for _, r := range rs {
			fmt.Fprintf(bw, "  - %s\n", textfmt.Wrap(relianceLine(r.Because, string(r.Level), r.ID, r.Behaviour()), 86, "    "))
		}
	}
	if len(p.Warnings) > 0 {
		fmt.Fprintln(bw, "\nWarnings")
		for _, wn := range p.Warnings {
			fmt.Fprintf(bw, "  - %s\n", textfmt.Wrap(wn, 86, "    "))
		}
	}
	return bw.Flush()
}

func targetLine(t scenarios.Target) string {
	if t.Mock {
		return "embedded mock, pool configurations: " + strings.Join(t.Pools, ", ") + " (one run each)"
	}
	s := "endpoint " + t.URL
	if t.Region != "" {
		s += " (" + t.Region + ")"
	}
	if t.UserPoolID != "" {
		s += ", user pool " + t.UserPoolID
	}
	if t.ClientID != "" {
		s += ", app client " + t.ClientID
	}
	if !t.Loopback() {
		s += fmt.Sprintf(", safety ceiling %s req/s", textfmt.Num(t.MaxRate))
	}
	return s
}

func stagesTable(w io.Writer, p *scenarios.Plan) error {
	t := textfmt.Table{
		Header: []string{"Stage", "Kind", "Duration", "Rate (req/s)", "Requests"},
		Align:  []tw.Align{left, left, right, left, right},
	}
	for _, s := range p.Stages {
		var rate string
		switch s.Kind {
		case scenarios.StageRamp:
			rate = textfmt.Num(s.From) + " → " + textfmt.Num(s.To)
		case scenarios.StageSteps:
			rate = fmt.Sprintf("%s → %s, %+g every %s", textfmt.Num(s.From), textfmt.Num(s.To), s.Step, s.Every)
		default:
			rate = textfmt.Num(s.From)
		}
		t.Rows = append(t.Rows, []string{s.Name, string(s.Kind), s.Duration.String(), rate, textfmt.Round(float64(s.Hits()))})
	}
	return t.Write(w)
}

func poolsTable(w io.Writer, p *scenarios.Plan) error {
	t := textfmt.Table{
		Header: []string{"Pool", "Kind", "Source", "Checkout", "Share", "Requests", "Tokens needed", "Size"},
		Align:  []tw.Align{left, left, left, left, right, right, right, right},
	}
	need := p.TokensNeeded()
	for i, tp := range p.TokenPools {
		needed, size := fmt.Sprint(need[i]), fmt.Sprint(tp.Size)
		if tp.Size == 0 {
			// What the source holds, unknown until the run reads it.
			needed, size = "-", "what it holds"
		}
		if tp.Users > 0 {
			size += fmt.Sprintf(" (%d users)", tp.Users)
		}
		t.Rows = append(t.Rows, []string{tp.Name, string(tp.Kind), describeSource(tp.Source), string(tp.Checkout),
			textfmt.Share(p.PoolShare(i)), textfmt.Round(p.TotalRequests() * p.PoolShare(i)), needed, size})
	}
	return t.Write(w)
}

func variantsTable(w io.Writer, p *scenarios.Plan) error {
	t := textfmt.Table{
		Header: []string{"#", "Pool", "Attribute", "Metadata", "Weight", "Requests", "Expect"},
		Align:  []tw.Align{right, left, left, left, right, right, left},
	}
	n := p.TotalRequests()
	for _, v := range p.Variants {
		exp := strings.Join(v.Expect.Outcomes, " | ")
		if !v.Expect.Derived {
			exp += " (expect rule)"
		}
		t.Rows = append(t.Rows, []string{fmt.Sprint(v.Index), p.TokenPools[v.TokenPool].Name, p.Attributes[v.Attribute].Name,
			p.Metadata[v.Metadata].Name, textfmt.Share(v.Weight), textfmt.Round(n * v.Weight), exp})
	}
	return t.Write(w)
}

func describeSource(s scenarios.TokenSource) string {
	switch s.Kind {
	case scenarios.SourceMint:
		if s.Path == "" {
			return "minted (mock users)"
		}
		return "minted from " + s.Path
	case scenarios.SourceFile:
		return "file " + s.Path
	case scenarios.SourceEnv:
		return "env $" + s.Env
	case scenarios.SourceExec:
		if len(s.Command) > 0 {
			return "exec " + s.Command[0]
		}
		return "exec"
	case scenarios.SourceInline:
		return fmt.Sprintf("inline (%d, redacted)", len(s.Inline))
	case scenarios.SourceNone:
		return "generated"
	}
	return string(s.Kind)
}

func describeMetadata(m scenarios.MetadataVariant) string {
	switch {
	case m.Absent:
		return "ClientMetadata left out"
	case len(m.Values) == 0:
		return "{} (an empty map)"
	}
	size := 0
	for k, v := range m.Values {
		size += len(k) + len(v)
	}
	shown := m.Shown()
	keys := slices.Sorted(maps.Keys(shown))
	if size <= 80 {
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = k + "=" + shown[k]
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	return fmt.Sprintf("%d keys, %d characters in all (generated from the seed)", len(keys), size)
}
