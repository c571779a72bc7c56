package scenarios

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// MetricUnit is what a metric's value means.
type MetricUnit int

// Metric units.
const (
	UnitSeconds  MetricUnit = iota // written as a duration: 300ms, 1.5s
	UnitFraction                   // written as a percentage or a fraction: 1%, 0.01
	UnitRate                       // requests/s: 25 or 25/s
	UnitCount                      // a whole number
)

// TextUnit names the unit for internal/textfmt.Value: latency is shown in
// milliseconds.
func (u MetricUnit) TextUnit() string {
	switch u {
	case UnitSeconds:
		return "ms"
	case UnitFraction:
		return "fraction"
	case UnitRate:
		return "req/s"
	}
	return "count"
}

// Metric is one number of a run that thresholds (`latency.p99 < 300ms`)
// and comparison rules (`--fail-on 'latency.p99>+10%'`) name: one
// vocabulary for both.
type Metric struct {
	// Name is the canonical name; Aliases are also accepted (the short
	// names comparison rules used first: p99, rate).
	Name    string
	Aliases []string
	Unit    MetricUnit
	// Threshold: a threshold may bound it. Rule: a comparison judges it
	// and a regression rule may name it.
	Threshold, Rule bool
}

// Metrics is the vocabulary, in the order comparisons show it.
var Metrics = []Metric{
	{Name: "target_rate", Unit: UnitRate},
	{Name: "achieved_rate", Aliases: []string{"rate"}, Unit: UnitRate, Threshold: true, Rule: true},
	{Name: "requests", Unit: UnitCount, Threshold: true},
	{Name: "latency.mean", Aliases: []string{"mean"}, Unit: UnitSeconds, Threshold: true, Rule: true},
	{Name: "latency.p50", Aliases: []string{"p50"}, Unit: UnitSeconds, Threshold: true, Rule: true},
	{Name: "latency.p90", Aliases: []string{"p90"}, Unit: UnitSeconds, Threshold: true, Rule: true},
	{Name: "latency.p95", Aliases: []string{"p95"}, Unit: UnitSeconds, Threshold: true, Rule: true},
	{Name: "latency.p99", Aliases: []string{"p99"}, Unit: UnitSeconds, Threshold: true, Rule: true},
	{Name: "latency.p99.9", Aliases: []string{"p99.9"}, Unit: UnitSeconds, Threshold: true, Rule: true},
	{Name: "latency.max", Aliases: []string{"max"}, Unit: UnitSeconds, Threshold: true, Rule: true},
	{Name: "ok_rate", Unit: UnitFraction, Threshold: true, Rule: true},
	{Name: "throttle_rate", Unit: UnitFraction, Threshold: true, Rule: true},
	{Name: "error_rate", Unit: UnitFraction, Threshold: true, Rule: true},
	{Name: "violation_rate", Unit: UnitFraction, Threshold: true, Rule: true},
	{Name: "violations", Unit: UnitCount, Threshold: true},
	{Name: "errors", Unit: UnitCount, Threshold: true},
	{Name: "outcome_rate", Unit: UnitFraction, Threshold: true},
}

// LookupMetric finds a metric by its name or an alias.
func LookupMetric(name string) (Metric, bool) {
	for _, m := range Metrics {
		if m.Name == name || slices.Contains(m.Aliases, name) {
			return m, true
		}
	}
	return Metric{}, false
}

// MetricNames lists the canonical names of the metrics keep accepts.
func MetricNames(keep func(Metric) bool) []string {
	var names []string
	for _, m := range Metrics {
		if keep(m) {
			names = append(names, m.Name)
		}
	}
	return names
}

// IsLatency reports whether the metric is a latency statistic, and which
// ("p99", "mean", ...).
func (m Metric) IsLatency() (stat string, ok bool) { return strings.CutPrefix(m.Name, "latency.") }

// ParseValue reads a bound in the metric's unit: seconds for latency
// (a duration with a unit: 300ms, 1.5s, 500us), a fraction for rates of
// requests (1% or 0.01), requests/s for achieved and target rates (25 or
// 25/s), a whole number for counts.
func (m Metric) ParseValue(val string) (float64, error) {
	val = strings.TrimSpace(val)
	if val == "" {
		return 0, fmt.Errorf("missing value: %s", m.hint())
	}
	bad := func() (float64, error) {
		return 0, fmt.Errorf("%q is not a valid value for %s: %s", val, m.Name, m.hint())
	}
	switch m.Unit {
	case UnitSeconds:
		d, err := time.ParseDuration(strings.ReplaceAll(val, "µs", "us"))
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
		f, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(val, "/s")), 64)
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

func (m Metric) hint() string {
	switch m.Unit {
	case UnitSeconds:
		return m.Name + " takes a duration with a unit, e.g. 300ms or 1.5s"
	case UnitFraction:
		return m.Name + " takes a percentage or a fraction, e.g. 1% or 0.01"
	case UnitRate:
		return m.Name + " takes requests per second, e.g. 25"
	}
	return m.Name + " takes a whole number, e.g. 0"
}

func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }
