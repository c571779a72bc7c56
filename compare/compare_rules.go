package compare

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/cogload/cogload/aggregate"
	"github.com/cogload/cogload/internal/textfmt"
	"github.com/cogload/cogload/scenarios"
)

// RuleMode says what a regression rule's bound is measured against.
type RuleMode string

// Rule modes.
const (
	// RuleRelative bounds the change against the baseline in percent of
	// it ("p99>+10%").
	RuleRelative RuleMode = "relative"
	// RulePoints bounds the change of a rate in percentage points
	// ("throttle_rate>+1pp").
	RulePoints RuleMode = "points"
	// RuleAbsolute bounds the run's own value ("p99>300ms",
	// "error_rate>1%"), whatever the baseline.
	RuleAbsolute RuleMode = "absolute"
)

// Rule is a regression rule such as `p99>+10%`: it is breached by a run
// whose metric compares with the bound as Op says (and, for relative and
// points rules, whose change is also outside the noise band).
type Rule struct {
	// Expr is the rule as written.
	Expr   string `json:"expr"`
	Metric string `json:"metric"`
	// Op is ">", ">=", "<" or "<=".
	Op   string   `json:"op"`
	Mode RuleMode `json:"mode"`
	// Value is percent for relative rules, percentage points for points
	// rules, and the metric's unit (ms, req/s, fraction 0..1) for
	// absolute ones.
	Value float64 `json:"value"`
}

// RuleResult is one rule checked against one run.
type RuleResult struct {
	Rule Rule   `json:"rule"`
	Run  string `json:"run"`
	// Observed is the quantity compared with the bound (percent, points or
	// the value itself) and ObservedText the same for people.
	Observed     float64 `json:"observed"`
	ObservedText string  `json:"observed_text"`
	Breached     bool    `json:"breached"`
	// Unjudged is true when the run had too few requests for the metric
	// (or the metric was not compared): the rule neither held nor broke.
	Unjudged bool `json:"unjudged,omitempty"`
	// Note says why a rule that crossed its bound was not breached (within
	// noise) or why it could not be checked.
	Note string `json:"note,omitempty"`
}

// RuleMetrics lists the metrics a rule may name (their short aliases,
// p99 for latency.p99 and rate for achieved_rate, are accepted too).
var RuleMetrics = scenarios.MetricNames(func(m scenarios.Metric) bool { return m.Rule })

// ParseRule parses a regression rule: METRIC OP BOUND, where BOUND is
// +X% / -X% (change relative to the baseline), +Xpp / -Xpp (change of a
// rate in percentage points), or an absolute value (latency in ms, or
// with a unit ms/s/us; rates as X% or a fraction 0..1; achieved_rate in
// requests/s).
func ParseRule(expr string) (Rule, error) {
	s := strings.ReplaceAll(strings.TrimSpace(expr), " ", "")
	i := strings.IndexAny(s, "<>")
	if i < 0 {
		return Rule{}, fmt.Errorf("rule %q: want METRIC>BOUND or METRIC<BOUND, e.g. 'p99>+10%%' or 'throttle_rate>+1pp'", expr)
	}
	r := Rule{Expr: strings.TrimSpace(expr), Metric: s[:i], Op: s[i : i+1]}
	rest := s[i+1:]
	if strings.HasPrefix(rest, "=") {
		r.Op += "="
		rest = rest[1:]
	}
	sm, ok := scenarios.LookupMetric(r.Metric)
	if !ok || !sm.Rule {
		return Rule{}, fmt.Errorf("rule %q: unknown metric %q: use one of %s", expr, r.Metric, strings.Join(RuleMetrics, " "))
	}
	r.Metric = sm.Name
	m, ok := metricByName(r.Metric)
	if !ok || m.kind == kindInfo {
		return Rule{}, fmt.Errorf("rule %q: unknown metric %q: use one of %s", expr, r.Metric, strings.Join(RuleMetrics, " "))
	}
	if rest == "" {
		return Rule{}, fmt.Errorf("rule %q: missing bound after %s", expr, r.Op)
	}
	signed := rest[0] == '+' || rest[0] == '-'
	switch {
	case strings.HasSuffix(rest, "pp"):
		if m.kind != kindFraction {
			return Rule{}, fmt.Errorf("rule %q: pp (percentage points) applies to rates such as throttle_rate, not %s: use +X%%", expr, r.Metric)
		}
		if !signed {
			return Rule{}, fmt.Errorf("rule %q: a change in points needs a sign, e.g. +1pp", expr)
		}
		r.Mode = RulePoints
		v, err := parseNumber(expr, strings.TrimSuffix(rest, "pp"))
		if err != nil {
			return Rule{}, err
		}
		r.Value = v
	case signed:
		if !strings.HasSuffix(rest, "%") {
			return Rule{}, fmt.Errorf("rule %q: a signed bound is a change: write +X%% (relative) or +Xpp (rates)", expr)
		}
		r.Mode = RuleRelative
		v, err := parseNumber(expr, strings.TrimSuffix(rest, "%"))
		if err != nil {
			return Rule{}, err
		}
		r.Value = v
	default:
		r.Mode = RuleAbsolute
		v, err := parseAbsolute(expr, m, rest)
		if err != nil {
			return Rule{}, err
		}
		r.Value = v
	}
	return r, nil
}

func parseNumber(expr, s string) (float64, error) {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("rule %q: %q is not a number", expr, s)
	}
	return v, nil
}

// parseAbsolute reads an absolute bound in the metric's unit.
func parseAbsolute(expr string, m metricDef, s string) (float64, error) {
	switch m.unit {
	case "ms":
		scale := 1.0
		switch {
		case strings.HasSuffix(s, "ms"):
			s = strings.TrimSuffix(s, "ms")
		case strings.HasSuffix(s, "us"), strings.HasSuffix(s, "µs"):
			s, scale = strings.TrimSuffix(strings.TrimSuffix(s, "us"), "µs"), 1e-3
		case strings.HasSuffix(s, "s"):
			s, scale = strings.TrimSuffix(s, "s"), 1e3
		}
		v, err := parseNumber(expr, s)
		return v * scale, err
	case "fraction":
		if p, ok := strings.CutSuffix(s, "%"); ok {
			v, err := parseNumber(expr, p)
			if err == nil && (v < 0 || v > 100) {
				// A share of requests cannot pass 100%: such a rule could never be breached.
				return 0, fmt.Errorf("rule %q: %s is a share of requests, 0%% to 100%%, not %g%%", expr, m.name, v)
			}
			return v / 100, err
		}
		v, err := parseNumber(expr, s)
		if err == nil && (v < 0 || v > 1) {
			return 0, fmt.Errorf("rule %q: %s is a fraction 0..1: write %g%% or a value like 0.05", expr, m.name, v)
		}
		return v, err
	default:
		return parseNumber(expr, strings.TrimSuffix(s, "/s"))
	}
}

// String returns the rule in canonical form.
func (r Rule) String() string {
	v := strconv.FormatFloat(r.Value, 'g', -1, 64)
	switch r.Mode {
	case RuleRelative:
		return fmt.Sprintf("%s%s%s%%", r.Metric, r.Op, signed(v, r.Value))
	case RulePoints:
		return fmt.Sprintf("%s%s%spp", r.Metric, r.Op, signed(v, r.Value))
	}
	m, _ := metricByName(r.Metric)
	if m.unit == "ms" {
		v += "ms"
	}
	return r.Metric + r.Op + v
}

// signed writes a change with its sign, so "+5%" reads as a change; -0
// keeps its own sign ("-0" parses back to the same rule, "+-0" would not).
func signed(v string, x float64) string {
	if x >= 0 && !strings.HasPrefix(v, "+") && !strings.HasPrefix(v, "-") {
		return "+" + v
	}
	return v
}

// Check measures a candidate's value against the rule's bound, given the
// baseline's value: the quantity observed (the value, its change in
// percent, or in points), written for people, and whether it crosses the
// bound. Whether the change is beyond noise, and whether there were
// enough samples to judge, is the caller's to decide.
func (r Rule) Check(baseline, value float64) RuleResult {
	m, _ := metricByName(r.Metric)
	res := RuleResult{Rule: r}
	delta := roundDelta(value - baseline)
	switch r.Mode {
	case RuleAbsolute:
		res.Observed = value
		res.ObservedText = textfmt.Value(m.unit, value)
	case RulePoints:
		res.Observed = roundDelta(100 * delta)
		res.ObservedText = formatPoints(delta)
	case RuleRelative:
		switch {
		case baseline != 0:
			res.Observed = roundDelta(100 * (value - baseline) / math.Abs(baseline))
			res.ObservedText = formatPercentChange(res.Observed)
		case delta == 0:
			res.ObservedText = formatPercentChange(0)
		default:
			// From a zero baseline any growth is infinitely large.
			res.Observed = math.Copysign(math.MaxFloat64, delta)
			res.ObservedText = "from 0 to " + textfmt.Value(m.unit, value)
		}
	}
	res.Breached = aggregate.CompareOp(res.Observed, r.Op, r.Value)
	return res
}

// MinSamples is how many requests a run needs before a change of the
// metric is judged (a p99 needs 300: three beyond it).
func MinSamples(metric string) float64 {
	m, _ := metricByName(metric)
	return m.minSamples
}

// evalRule checks r against every non-baseline run.
func (c *Comparison) evalRule(r Rule) []RuleResult {
	i := 0
	for ; i < len(c.Overall) && c.Overall[i].Metric != r.Metric; i++ {
	}
	if i == len(c.Overall) {
		return []RuleResult{{Rule: r, Unjudged: true, Note: "metric not compared"}}
	}
	row := c.Overall[i]
	m, _ := metricByName(r.Metric)
	var out []RuleResult
	for j := c.Baselines; j < len(c.Runs); j++ {
		cell := row.Cells[j]
		res := r.Check(row.Baseline, cell.Value)
		res.Run = c.Runs[j].Label
		outside := cell.Verdict != VerdictNoise
		if res.Breached && r.Mode != RuleAbsolute {
			switch {
			case !outside:
				res.Breached = false
				res.Note = "within noise (±" + FormatBand(row) + ")"
			case cell.Verdict == VerdictFewSamples:
				res.Breached, res.Unjudged = false, true
				res.Note = fmt.Sprintf("too few requests to judge %s (%s needs %.0f)", r.Metric, r.Metric, m.minSamples)
			}
		}
		out = append(out, res)
	}
	return out
}

func formatPercentChange(p float64) string {
	return withSign(strconv.FormatFloat(p, 'f', 1, 64)) + "%"
}

func formatPoints(delta float64) string {
	return withSign(strconv.FormatFloat(100*delta, 'f', 2, 64)) + "pp"
}

// withSign prefixes a formatted non-negative number with "+" so changes
// read as changes; "-0.0" from rounding reads as "+0.0".
func withSign(s string) string {
	if strings.HasPrefix(s, "-") {
		if strings.Trim(s, "-0.") == "" {
			return "+" + s[1:]
		}
		return s
	}
	return "+" + s
}

// FormatPointsAbs writes a fraction as percentage points without a sign.
func FormatPointsAbs(f float64) string { return strconv.FormatFloat(100*f, 'f', 2, 64) + "pp" }

// FormatBand writes a row's noise band, e.g. "±3.2ms", or "" when it has none.
func FormatBand(r Row) string {
	if r.Band == 0 && (r.Unit == "count" || r.Metric == "target_rate") {
		return ""
	}
	switch r.Unit {
	case "fraction":
		return "±" + FormatPointsAbs(r.Band)
	default:
		return "±" + textfmt.Value(r.Unit, r.Band)
	}
}

// FormatDelta writes a candidate's change and verdict, e.g.
// "+12.3% regression" or "+0.10pp within noise".
func FormatDelta(r Row, c Cell) string {
	if c.Verdict == VerdictInfo && (c.Missing || r.Unit != "count" && r.Metric != "target_rate") {
		return ""
	}
	var change string
	switch {
	case r.Unit == "fraction":
		change = formatPoints(c.Delta)
	case c.DeltaPct != nil:
		change = formatPercentChange(*c.DeltaPct)
	case c.Delta == 0:
		change = "+0.0%"
	default:
		change = "from 0"
	}
	if c.Verdict == VerdictInfo {
		return change
	}
	return change + " " + c.Verdict
}
