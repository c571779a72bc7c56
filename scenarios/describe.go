package scenarios

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"

	"github.com/cogload/cogload/cognito"
	"github.com/cogload/cogload/domain"
)

// Describe writes the plan as text: stages, peak and total requests,
// tokens per pool, variants with their expectations, thresholds, and the
// expected use of the service's quotas. It sends nothing.
func (p *Plan) Describe(w io.Writer) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "Scenario %s\n", p.Name)
	if p.Description != "" {
		fmt.Fprintf(bw, "  %s\n", wrap(p.Description, 88, "  "))
	}
	hash := p.Hash
	if len(hash) > 12 {
		hash = hash[:12]
	}
	fmt.Fprintf(bw, "Source:  %s (sha256 %s)\n", p.SourcePath, hash)
	fmt.Fprintf(bw, "Target:  %s\n", p.targetLine())
	model := "open model (no worker cap)"
	if p.MaxWorkers > 0 {
		model = fmt.Sprintf("closed model (at most %d workers)", p.MaxWorkers)
	}
	fmt.Fprintf(bw, "Load:    seed %d, timeout %s, %d connections, %s", p.Seed, p.Timeout, p.Connections, model)
	if p.TokenRefresh > 0 {
		fmt.Fprintf(bw, ", tokens refreshed every %s", p.TokenRefresh)
	}
	fmt.Fprintln(bw)

	fmt.Fprintln(bw, "\nStages")
	if err := p.stagesTable(bw); err != nil {
		return err
	}
	fmt.Fprintf(bw, "Total: %s requests over %s, peak %s req/s\n", count(p.TotalRequests()), p.TotalDuration(), num(p.PeakRate()))

	fmt.Fprintln(bw, "\nToken pools")
	if err := p.poolsTable(bw); err != nil {
		return err
	}
	fmt.Fprintln(bw, "\nVariants (token pool × attribute × metadata)")
	if err := p.variantsTable(bw); err != nil {
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
		fmt.Fprintf(bw, "  - %s\n", wrap(line, 86, "    "))
	}
	if len(p.Warnings) > 0 {
		fmt.Fprintln(bw, "\nWarnings")
		for _, wn := range p.Warnings {
			fmt.Fprintf(bw, "  - %s\n", wrap(wn, 86, "    "))
		}
	}
	return bw.Flush()
}

func (p *Plan) targetLine() string {
	t := p.Target
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
	if !isLoopback(t.URL) {
		s += fmt.Sprintf(", safety ceiling %s req/s", num(t.MaxRate))
	}
	return s
}

func newTable(w io.Writer, align ...tw.Align) *tablewriter.Table {
	return tablewriter.NewTable(w,
		tablewriter.WithConfig(tablewriter.Config{
			Header: tw.CellConfig{Alignment: tw.CellAlignment{Global: tw.AlignCenter}},
			Row:    tw.CellConfig{Alignment: tw.CellAlignment{PerColumn: align}},
		}),
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithRenderer(renderer.NewBlueprint()),
		tablewriter.WithRendition(tw.Rendition{Symbols: tw.NewSymbols(tw.StyleASCII)}),
	)
}

const (
	l = tw.AlignLeft
	r = tw.AlignRight
)

func (p *Plan) stagesTable(w io.Writer) error {
	t := newTable(w, l, l, r, l, r)
	t.Header("Stage", "Kind", "Duration", "Rate (req/s)", "Requests")
	for _, s := range p.Stages {
		var rate string
		switch s.Kind {
		case StageRamp:
			rate = num(s.From) + " → " + num(s.To)
		case StageSteps:
			rate = fmt.Sprintf("%s → %s, %+g every %s", num(s.From), num(s.To), s.Step, s.Every)
		default:
			rate = num(s.From)
		}
		if err := t.Append(s.Name, string(s.Kind), s.Duration.String(), rate, count(s.Requests())); err != nil {
			return fmt.Errorf("stages table: %w", err)
		}
	}
	return t.Render()
}

func (p *Plan) poolsTable(w io.Writer) error {
	t := newTable(w, l, l, l, l, r, r, r, r)
	t.Header("Pool", "Kind", "Source", "Checkout", "Share", "Requests", "Tokens needed", "Size")
	need := p.TokensNeeded()
	for i, tp := range p.TokenPools {
		if err := t.Append(tp.Name, string(tp.Kind), describeSource(tp.Source), string(tp.Checkout),
			pct(p.PoolShare(i)), count(p.poolRequests(i)), fmt.Sprint(need[i]), fmt.Sprint(tp.Size)); err != nil {
			return fmt.Errorf("pools table: %w", err)
		}
	}
	return t.Render()
}

func (p *Plan) variantsTable(w io.Writer) error {
	t := newTable(w, r, l, l, l, r, r, l)
	t.Header("#", "Pool", "Attribute", "Metadata", "Weight", "Requests", "Expect")
	n := p.TotalRequests()
	for _, v := range p.Variants {
		exp := strings.Join(v.Expect.Outcomes, " | ")
		if !v.Expect.Derived {
			exp += " (expect rule)"
		}
		if err := t.Append(fmt.Sprint(v.Index), p.TokenPools[v.TokenPool].Name, p.Attributes[v.Attribute].Name,
			p.Metadata[v.Metadata].Name, pct(v.Weight), count(n*v.Weight), exp); err != nil {
			return fmt.Errorf("variants table: %w", err)
		}
	}
	return t.Render()
}

func describeSource(s TokenSource) string {
	switch s.Kind {
	case SourceMint:
		if s.Path == "" {
			return "minted (mock users)"
		}
		return "minted from " + s.Path
	case SourceFile:
		return "file " + s.Path
	case SourceEnv:
		return "env $" + s.Env
	case SourceExec:
		if len(s.Command) > 0 {
			return "exec " + s.Command[0]
		}
		return "exec"
	case SourceInline:
		return fmt.Sprintf("inline (%d, redacted)", len(s.Inline))
	case SourceNone:
		return "generated"
	}
	return string(s.Kind)
}

func describeMetadata(m MetadataVariant) string {
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
	keys := sortedKeys(m.Values)
	if size <= 80 {
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = k + "=" + m.Values[k]
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	return fmt.Sprintf("%d keys, %d characters in all (generated from the seed)", len(keys), size)
}

// QuotaUse predicts, from the plan alone, how the run meets the service's
// quotas: the account-wide category rate, the per-user code limit and the
// default email's daily limit. Each line says whether throttling is
// expected.
func (p *Plan) QuotaUse() []string {
	q := p.Quota
	var out []string
	peak := p.PeakRate()
	if peak <= q.CategoryRPS {
		out = append(out, fmt.Sprintf("Category rate: peak %s req/s is %s of the account-wide %s req/s quota (shared by every pool and user in the account and Region): no throttling expected.",
			num(peak), pct(peak/q.CategoryRPS), num(q.CategoryRPS)))
	} else {
		from, excess := p.overQuota(q.CategoryRPS)
		out = append(out, fmt.Sprintf("Category rate: peak %s req/s exceeds the account-wide %s req/s quota from %s into the run: TooManyRequestsException expected for about %s requests (%s of the run). Against a real account this also throttles every other client of the category.",
			num(peak), num(q.CategoryRPS), from.Round(time.Millisecond), count(excess), pct(excess/math.Max(p.TotalRequests(), 1))))
	}
	for _, pool := range p.Target.Pools {
		if pool == "raised-quota" {
			out = append(out, "Pool configuration raised-quota sets its own quotas; the figures here use the default model.")
		}
	}
	out = append(out, p.perUserUse()...)
	out = append(out, p.emailUse()...)
	return out
}

// overQuota returns when the planned rate first exceeds quota and how many
// requests are planned above it.
func (p *Plan) overQuota(quota float64) (time.Duration, float64) {
	total := p.TotalDuration()
	step := max(total/200_000, 10*time.Millisecond)
	first := time.Duration(-1)
	var excess float64
	for t := time.Duration(0); t < total; t += step {
		rate := p.RateAt(t)
		if rate > quota {
			if first < 0 {
				first = t
			}
			excess += (rate - quota) * min(step, total-t).Seconds()
		}
	}
	return max(first, 0), excess
}

// codeCalls is the expected number of requests from pool i that reach the
// per-user code limit: valid tokens with an attribute that can get a code.
func (p *Plan) codeCalls(i int, attr string) float64 {
	n := p.TotalRequests()
	var calls float64
	for _, v := range p.Variants {
		if v.TokenPool != i || p.TokenPools[i].Kind != KindValid || !v.Expect.Allows(domain.OutcomeOK) {
			continue
		}
		if a := p.Attributes[v.Attribute].Name; attr == "" && cognito.IsVerifiable(a) || a == attr {
			calls += n * v.Weight
		}
	}
	return calls
}

func (p *Plan) perUserUse() []string {
	q := p.Quota
	var out []string
	hours := max(p.TotalDuration().Hours(), 1)
	for i, tp := range p.TokenPools {
		calls := p.codeCalls(i, "")
		if calls == 0 {
			continue
		}
		users := float64(tp.Size)
		if tp.Checkout == CheckoutExclusive {
			users = math.Min(users, math.Ceil(p.poolRequests(i)))
		}
		if q.Users > 0 {
			users = math.Min(users, float64(q.Users))
		}
		users = math.Max(users, 1)
		perUser := calls / users / hours
		line := fmt.Sprintf("Per-user codes: pool %s sends about %s code requests over %s users (%s checkout): %.2f per user per hour vs the limit of %d",
			tp.Name, count(calls), count(users), tp.Checkout, perUser, q.CodesPerUserHour)
		switch lim := float64(q.CodesPerUserHour); {
		case perUser > lim:
			line += fmt.Sprintf(": LimitExceededException expected for about %s of them.", pct((perUser-lim)/perUser))
		case tp.Checkout == CheckoutRandom && perUser > lim/3:
			line += ": random checkout spreads unevenly, so some users may hit it; use exclusive or a larger pool to avoid it."
		default:
			line += ": no per-user limiting expected."
		}
		out = append(out, line)
	}
	return out
}

func (p *Plan) emailUse() []string {
	q := p.Quota
	if q.EmailsPerDay <= 0 {
		return nil
	}
	var pools []string
	for _, pool := range p.Target.Pools {
		if q.EmailsPerDayAll || pool == DefaultMockPool {
			pools = append(pools, pool)
		}
	}
	if !p.Target.Mock && q.EmailsPerDayAll {
		pools = []string{"the endpoint's pool"}
	}
	if len(pools) == 0 {
		return nil
	}
	var emails float64
	for i := range p.TokenPools {
		emails += p.codeCalls(i, cognito.AttributeEmail)
	}
	days := max(p.TotalDuration().Hours()/24, 1)
	line := fmt.Sprintf("Daily email (%s): about %s emails per day vs the %d/day default-email quota", strings.Join(pools, ", "), count(emails/days), q.EmailsPerDay)
	if emails/days > float64(q.EmailsPerDay) {
		line += fmt.Sprintf(": LimitExceededException expected after the %dth email.", q.EmailsPerDay)
	} else {
		line += ": within it."
	}
	return []string{line}
}

func num(f float64) string { return fmt.Sprintf("%.4g", f) }

func count(f float64) string { return fmt.Sprintf("%.0f", math.Round(f)) }

func pct(f float64) string {
	switch v := f * 100; {
	case v == 0:
		return "0%"
	case v < 0.1:
		return fmt.Sprintf("%.3f%%", v)
	case v < 10:
		return fmt.Sprintf("%.2f%%", v)
	default:
		return fmt.Sprintf("%.1f%%", v)
	}
}

// wrap breaks s into lines of at most width characters, indenting the
// continuation lines.
func wrap(s string, width int, indent string) string {
	words := strings.Fields(s)
	var b strings.Builder
	n := 0
	for i, w := range words {
		if i > 0 {
			if n+1+len(w) > width {
				b.WriteString("\n" + indent)
				n = 0
			} else {
				b.WriteByte(' ')
				n++
			}
		}
		b.WriteString(w)
		n += len(w)
	}
	return b.String()
}
