package aggregate

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/cogload/cogload/cognito"
	"github.com/cogload/cogload/domain"
	"github.com/cogload/cogload/internal/textfmt"
	"github.com/cogload/cogload/scenarios"
)

// Filter keys a threshold may use.
const (
	FilterTokenPool = "token_pool"
	FilterAttribute = "attribute"
	FilterMetadata  = "metadata"
	FilterStage     = "stage"
	FilterCode      = "code"
)

var filterKeys = []string{FilterTokenPool, FilterAttribute, FilterMetadata, FilterStage, FilterCode}

// EvaluateThresholds checks each threshold against s. A threshold that
// cannot be evaluated — an unknown metric, filter key or filter value, a
// combination the summary cannot answer, or no matching requests for a
// latency or rate — fails with a Note instead of passing silently (a
// typo in a filter must not turn a gate green).
func EvaluateThresholds(s *Summary, th []scenarios.Threshold) []ThresholdResult {
	out := make([]ThresholdResult, 0, len(th))
	for _, t := range th {
		out = append(out, evalThreshold(s, t))
	}
	return out
}

func evalThreshold(s *Summary, t scenarios.Threshold) ThresholdResult {
	r := ThresholdResult{
		Expr: t.Expr, Metric: t.Metric, Op: t.Op, Value: t.Value, Pos: t.Pos,
		ObservedText: "n/a",
	}
	if len(t.Filter) > 0 {
		r.Filter = maps.Clone(t.Filter)
	}
	if r.Expr == "" {
		r.Expr = thresholdExpr(t)
	}
	obs, note := observe(s, t)
	if note == "" && !validOp(t.Op) {
		note = fmt.Sprintf("unknown operator %q: use <, <=, >, >=, == or !=", t.Op)
	}
	if note != "" {
		r.Note = note
		return r
	}
	r.Observed = obs
	r.ObservedText = formatMetric(t.Metric, obs)
	r.Pass = CompareOp(obs, t.Op, t.Value)
	return r
}

// observe returns the metric's value in the threshold's unit, or a note
// saying why it has none.
func observe(s *Summary, t scenarios.Threshold) (float64, string) {
	for _, k := range slices.Sorted(maps.Keys(t.Filter)) {
		if !slices.Contains(filterKeys, k) {
			return 0, fmt.Sprintf("unknown filter key %q: use %s", k, strings.Join(filterKeys, ", "))
		}
		if note := checkFilterValue(s, k, t.Filter[k]); note != "" {
			return 0, note
		}
	}
	// Summaries written before the vocabulary was one may name an alias.
	m, ok := scenarios.LookupMetric(t.Metric)
	if !ok || !m.Threshold {
		return 0, fmt.Sprintf("unknown metric %q", t.Metric)
	}
	if q, ok := m.IsLatency(); ok {
		return observeLatency(s, q, t.Filter)
	}
	return observeCount(s, m.Name, t.Filter)
}

func checkFilterValue(s *Summary, key, val string) string {
	var have []string
	switch key {
	case FilterTokenPool:
		for _, p := range s.Plan.TokenPools {
			have = append(have, p.Name)
		}
	case FilterAttribute:
		have = s.Plan.Attributes
	case FilterMetadata:
		have = s.Plan.Metadata
	case FilterStage:
		for _, st := range s.Plan.Stages {
			have = append(have, st.Name)
		}
	case FilterCode:
		if knownOutcome(s, val) {
			return ""
		}
		return fmt.Sprintf("unknown code %q: neither an outcome of this run nor a known Cognito error type or transport class", val)
	}
	if slices.Contains(have, val) {
		return ""
	}
	return fmt.Sprintf("no %s named %q in this run (have: %s)", strings.ReplaceAll(key, "_", " "), val, strings.Join(have, ", "))
}

func knownOutcome(s *Summary, code string) bool {
	switch code {
	case domain.OutcomeOK, domain.OutcomeTimeout, domain.OutcomeConnRefused, domain.OutcomeConnReset,
		domain.OutcomeHTTP, domain.OutcomeOther, domain.OutcomeGeneratorLimit:
		return true
	}
	if _, ok := cognito.Lookup(code); ok {
		return true
	}
	return slices.ContainsFunc(s.Outcomes, func(o OutcomeCount) bool { return o.Outcome == code })
}

func observeLatency(s *Summary, q string, filter map[string]string) (float64, string) {
	g := &s.Overall
	switch len(filter) {
	case 0:
	case 1:
		var k, v string
		for k, v = range filter {
		}
		var groups []Group
		switch k {
		case FilterTokenPool:
			groups = s.Breakdown.TokenPools
		case FilterAttribute:
			groups = s.Breakdown.Attributes
		case FilterMetadata:
			groups = s.Breakdown.Metadata
		case FilterStage:
			groups = s.Breakdown.Stages
		case FilterCode:
			groups = s.Breakdown.Outcomes
		}
		i := slices.IndexFunc(groups, func(g Group) bool { return g.Name == v })
		if i < 0 {
			return 0, "no requests matched the filter"
		}
		g = &groups[i]
	default:
		return 0, "latency thresholds take at most one filter (histograms are kept per dimension, not per combination)"
	}
	if g.Requests == 0 {
		return 0, "no requests matched the filter"
	}
	ms, ok := g.Latency.Stat(q)
	if !ok {
		return 0, fmt.Sprintf("unknown latency statistic %q: use p50, p90, p95, p99, p99.9, max, mean or min", q)
	}
	return ms / 1e3, ""
}

// observeCount answers the count and rate metrics from the exact cells.
// The dimension filters select the population; code narrows what is
// counted (for requests, rate and errors) or the numerator (for rates).
func observeCount(s *Summary, metric string, filter map[string]string) (float64, string) {
	code, hasCode := filter[FilterCode]
	stageIdx := -1
	if name, ok := filter[FilterStage]; ok {
		stageIdx = slices.IndexFunc(s.Plan.Stages, func(st StageInfo) bool { return st.Name == name })
	}
	var pop, sel, ok, thr, errs, viol uint64
	for _, c := range s.Counts {
		if stageIdx >= 0 && c.Stage != stageIdx {
			continue
		}
		if c.Variant < 0 || c.Variant >= len(s.Variants) {
			continue
		}
		vk := s.Variants[c.Variant].VariantKey
		if !matches(filter, FilterTokenPool, vk.TokenPool) || !matches(filter, FilterAttribute, vk.Attribute) ||
			!matches(filter, FilterMetadata, vk.Metadata) {
			continue
		}
		pop += c.Count
		if hasCode && c.Outcome != code {
			continue
		}
		sel += c.Count
		if c.Outcome == domain.OutcomeOK {
			ok += c.Count
		}
		switch c.Verdict {
		case "throttled":
			thr += c.Count
		case "error":
			errs += c.Count
		case "violation":
			viol += c.Count
		}
	}
	rate := func(n uint64) (float64, string) {
		if pop == 0 {
			return 0, "no requests matched the filter"
		}
		return float64(n) / float64(pop), ""
	}
	switch metric {
	case "requests":
		return float64(sel), ""
	case "achieved_rate":
		window := s.Totals.SendWindowS
		if stageIdx >= 0 {
			window = s.Plan.Stages[stageIdx].DurationS
		}
		if window <= 0 {
			return 0, "no sending window to compute a rate over"
		}
		return float64(sel) / window, ""
	case "ok_rate":
		return rate(ok)
	case "throttle_rate":
		return rate(thr)
	case "error_rate":
		return rate(errs)
	case "violation_rate":
		return rate(viol)
	case "violations":
		return float64(viol), ""
	case "errors":
		if hasCode {
			return float64(sel), ""
		}
		return float64(errs), ""
	case "outcome_rate":
		if !hasCode {
			return 0, "outcome_rate needs a code filter, e.g. outcome_rate{code=ok}"
		}
		return rate(sel)
	}
	return 0, fmt.Sprintf("unknown metric %q", metric)
}

func matches(filter map[string]string, key, val string) bool {
	want, ok := filter[key]
	return !ok || want == val
}

func validOp(op string) bool {
	switch op {
	case "<", "<=", ">", ">=", "==", "!=":
		return true
	}
	return false
}

func CompareOp(a float64, op string, b float64) bool {
	switch op {
	case "<":
		return a < b
	case "<=":
		return a <= b
	case ">":
		return a > b
	case ">=":
		return a >= b
	case "==":
		return a == b
	case "!=":
		return a != b
	}
	return false
}

// formatMetric writes a threshold value (latency in seconds) in the
// metric's unit for people.
func formatMetric(metric string, v float64) string {
	m, _ := scenarios.LookupMetric(metric)
	if m.Unit == scenarios.UnitSeconds {
		v *= 1e3
	}
	return textfmt.Value(m.Unit.TextUnit(), v)
}

// thresholdExpr rebuilds a readable expression when Expr is empty.
func thresholdExpr(t scenarios.Threshold) string {
	var b strings.Builder
	b.WriteString(t.Metric)
	if len(t.Filter) > 0 {
		var parts []string
		for _, k := range slices.Sorted(maps.Keys(t.Filter)) {
			parts = append(parts, k+"="+t.Filter[k])
		}
		b.WriteString("{" + strings.Join(parts, ",") + "}")
	}
	fmt.Fprintf(&b, " %s %s", t.Op, formatMetric(t.Metric, t.Value))
	return b.String()
}

// Threshold turns a result back into the threshold it came from, so a
// merged summary can be evaluated again.
func (r ThresholdResult) Threshold() scenarios.Threshold {
	return scenarios.Threshold{Expr: r.Expr, Metric: r.Metric, Filter: maps.Clone(r.Filter), Op: r.Op, Value: r.Value, Pos: r.Pos}
}
