package scenarios

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
)

// MetricUnit is what a threshold metric's value means.
type MetricUnit int

// Metric units.
const (
	UnitSeconds  MetricUnit = iota // written as a duration: 300ms, 1.5s
	UnitFraction                   // written as a percentage or a fraction: 1%, 0.01
	UnitRate                       // requests/s: 25 or 25/s
	UnitCount                      // a whole number
)

// ThresholdMetrics maps every threshold metric to its unit.
var ThresholdMetrics = map[string]MetricUnit{
	"latency.p50": UnitSeconds, "latency.p90": UnitSeconds, "latency.p95": UnitSeconds,
	"latency.p99": UnitSeconds, "latency.p99.9": UnitSeconds, "latency.max": UnitSeconds,
	"latency.mean": UnitSeconds,
	"rate":         UnitRate,
	"requests":     UnitCount, "violations": UnitCount, "errors": UnitCount,
	"ok_rate": UnitFraction, "throttle_rate": UnitFraction, "error_rate": UnitFraction,
	"violation_rate": UnitFraction, "outcome_rate": UnitFraction,
}

// ThresholdFilterKeys are the dimensions a threshold may be restricted to.
var ThresholdFilterKeys = []string{"attribute", "code", "metadata", "stage", "token_pool"}

// ThresholdOps are the comparison operators.
var ThresholdOps = []string{"<=", ">=", "==", "!=", "<", ">"}

func metricNames() []string {
	names := make([]string, 0, len(ThresholdMetrics))
	for n := range ThresholdMetrics {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func thresholdErr(msg, hint string) *Error { return &Error{Msg: msg, Hint: hint} }

// ParseThreshold parses `metric{key=value,...} op value`, e.g.
// `latency.p99 < 300ms`, `throttle_rate < 1%` or
// `errors{code=InternalErrorException} == 0`. Errors are *Error without a
// position; Compile adds it.
func ParseThreshold(expr string) (Threshold, error) {
	t := Threshold{Expr: expr}
	s := strings.TrimSpace(expr)
	if s == "" {
		return t, thresholdErr("empty threshold", "write e.g. latency.p99 < 300ms")
	}
	i := 0
	for i < len(s) && (s[i] >= 'a' && s[i] <= 'z' || s[i] >= '0' && s[i] <= '9' || s[i] == '.' || s[i] == '_') {
		i++
	}
	t.Metric = s[:i]
	unit, ok := ThresholdMetrics[t.Metric]
	if !ok {
		got := t.Metric
		if got == "" {
			got = strings.Fields(s)[0]
		}
		return t, thresholdErr(fmt.Sprintf("unknown metric %q", got), oneOf(got, metricNames()))
	}
	rest := strings.TrimLeft(s[i:], " \t")
	if strings.HasPrefix(rest, "{") {
		end := strings.IndexByte(rest, '}')
		if end < 0 {
			return t, thresholdErr("unclosed filter: missing }", "write e.g. errors{code=InternalErrorException} == 0")
		}
		f, err := parseFilter(rest[1:end])
		if err != nil {
			return t, err
		}
		t.Filter = f
		rest = strings.TrimLeft(rest[end+1:], " \t")
	}
	if t.Metric == "outcome_rate" && t.Filter["code"] == "" {
		return t, thresholdErr("outcome_rate needs a code filter", "write e.g. outcome_rate{code=NotAuthorizedException} > 5%")
	}
	for _, op := range ThresholdOps {
		if strings.HasPrefix(rest, op) {
			t.Op = op
			break
		}
	}
	if t.Op == "" {
		got := rest
		if f := strings.Fields(rest); len(f) > 0 {
			got = f[0]
		}
		return t, thresholdErr(fmt.Sprintf("expected a comparison after %s, got %q", t.Metric, got), "use one of: < <= > >= == !=")
	}
	val := strings.TrimSpace(rest[len(t.Op):])
	v, err := parseThresholdValue(t.Metric, unit, val)
	if err != nil {
		return t, err
	}
	t.Value = v
	return t, nil
}

func parseFilter(body string) (map[string]string, error) {
	f := map[string]string{}
	if strings.TrimSpace(body) == "" {
		return nil, thresholdErr("empty filter {}", "remove the braces or write {key=value}, keys: "+strings.Join(ThresholdFilterKeys, ", "))
	}
	for _, part := range strings.Split(body, ",") {
		k, v, ok := strings.Cut(part, "=")
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if !ok || k == "" {
			return nil, thresholdErr(fmt.Sprintf("filter entry %q is not key=value", strings.TrimSpace(part)), "write {key=value,...}, keys: "+strings.Join(ThresholdFilterKeys, ", "))
		}
		if !contains(ThresholdFilterKeys, k) {
			return nil, thresholdErr(fmt.Sprintf("unknown filter key %q", k), oneOf(k, ThresholdFilterKeys))
		}
		if uq, err := strconv.Unquote(v); err == nil && len(v) >= 2 && (v[0] == '"' || v[0] == '\'') {
			v = uq
		} else if len(v) >= 2 && v[0] == '\'' && v[len(v)-1] == '\'' {
			v = v[1 : len(v)-1]
		}
		if v == "" {
			return nil, thresholdErr(fmt.Sprintf("filter %s has no value", k), "write "+k+"=NAME")
		}
		if _, dup := f[k]; dup {
			return nil, thresholdErr(fmt.Sprintf("filter key %q given twice", k), "a filter takes one value per key")
		}
		if k == "code" && !validOutcome(v) {
			return nil, thresholdErr(fmt.Sprintf("unknown outcome %q", v), oneOf(v, Outcomes()))
		}
		f[k] = v
	}
	return f, nil
}

func parseThresholdValue(metric string, unit MetricUnit, val string) (float64, error) {
	if val == "" {
		return 0, thresholdErr("missing value after the comparison", unitHint(metric, unit))
	}
	bad := func() (float64, error) {
		return 0, thresholdErr(fmt.Sprintf("%q is not a valid value for %s", val, metric), unitHint(metric, unit))
	}
	switch unit {
	case UnitSeconds:
		d, err := time.ParseDuration(val)
		if err != nil || d < 0 {
			return bad()
		}
		return d.Seconds(), nil
	case UnitFraction:
		if p, ok := strings.CutSuffix(val, "%"); ok {
			f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
			if err != nil || !finite(f) || f < 0 || f > 100 {
				return bad()
			}
			return f / 100, nil
		}
		f, err := strconv.ParseFloat(val, 64)
		if err != nil || !finite(f) || f < 0 || f > 1 {
			return bad()
		}
		return f, nil
	case UnitRate:
		v := strings.TrimSpace(strings.TrimSuffix(val, "/s"))
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || !finite(f) || f < 0 {
			return bad()
		}
		return f, nil
	default:
		n, err := strconv.ParseUint(val, 10, 53)
		if err != nil {
			return bad()
		}
		return float64(n), nil
	}
}

func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }

func unitHint(metric string, unit MetricUnit) string {
	switch unit {
	case UnitSeconds:
		return metric + " takes a duration with a unit, e.g. 300ms or 1.5s"
	case UnitFraction:
		return metric + " takes a percentage or a fraction, e.g. 1% or 0.01"
	case UnitRate:
		return metric + " takes requests per second, e.g. 25"
	}
	return metric + " takes a whole number, e.g. 0"
}

// thresholds parses the scenario's thresholds and checks their filters
// name things the plan has.
func (c *compiler) thresholds() {
	p := c.plan
	for i, expr := range c.s.Thresholds {
		at := fmt.Sprintf("$.thresholds[%d]", i)
		t, err := ParseThreshold(expr)
		if err != nil {
			e := err.(*Error)
			pe := c.s.at(at, e.Msg, e.Hint)
			c.errs = append(c.errs, pe)
			continue
		}
		pos := c.s.at(at, "", "")
		t.Pos = fmt.Sprintf("%s:%d:%d", c.s.source, pos.Line, pos.Col)
		ok := true
		for _, dim := range []struct {
			key, what string
			names     []string
		}{
			{"token_pool", "token pool", poolNames(p)},
			{"attribute", "attribute", attrNames(p)},
			{"metadata", "metadata variant", mdNames(p)},
			{"stage", "stage", stageNames(p)},
		} {
			if v, has := t.Filter[dim.key]; has && !contains(dim.names, v) {
				c.failf(at, oneOf(v, dim.names), "%s: no %s named %q", expr, dim.what, v)
				ok = false
			}
		}
		if ok {
			p.Thresholds = append(p.Thresholds, t)
		}
	}
}
