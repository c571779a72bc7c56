package scenarios

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/cogload/cogload/internal/input"
)

// ThresholdFilterKeys are the dimensions a threshold may be restricted to.
var ThresholdFilterKeys = []string{"attribute", "code", "metadata", "stage", "token_pool"}

// ThresholdOps are the comparison operators.
var ThresholdOps = []string{"<=", ">=", "==", "!=", "<", ">"}

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
	m, ok := LookupMetric(s[:i])
	if !ok || !m.Threshold {
		got := s[:i]
		if got == "" {
			got = strings.Fields(s)[0]
		}
		return t, thresholdErr(fmt.Sprintf("unknown metric %q", got), input.OneOf(got, slices.Sorted(slices.Values(MetricNames(func(m Metric) bool { return m.Threshold })))))
	}
	t.Metric = m.Name
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
	if val == "" {
		return t, thresholdErr("missing value after the comparison", m.hint())
	}
	v, err := m.ParseValue(val)
	if err != nil {
		return t, thresholdErr(fmt.Sprintf("%q is not a valid value for %s", val, t.Metric), m.hint())
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
			return nil, thresholdErr(fmt.Sprintf("unknown filter key %q", k), input.OneOf(k, ThresholdFilterKeys))
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
		if k == "code" && !contains(FilterOutcomes(), v) {
			return nil, thresholdErr(fmt.Sprintf("unknown outcome %q", v), input.OneOf(v, FilterOutcomes()))
		}
		f[k] = v
	}
	return f, nil
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
				c.failf(at, input.OneOf(v, dim.names), "%s: no %s named %q", expr, dim.what, v)
				ok = false
			}
		}
		if ok {
			p.Thresholds = append(p.Thresholds, t)
		}
	}
}
