package compare

import (
	"math"
	"strings"

	"github.com/cogload/cogload/aggregate"
	"github.com/cogload/cogload/scenarios"
)

// metricKind says how a metric is judged.
type metricKind int

const (
	kindInfo     metricKind = iota // shown, never judged
	kindRelative                   // latency, request rate: relative tolerance
	kindFraction                   // 0..1 rates: absolute tolerance (pp)
)

// metricDef describes one comparable metric.
type metricDef struct {
	name string
	unit string
	kind metricKind
	// higherBetter flips the direction of a regression.
	higherBetter bool
	// minSamples is how many requests a run needs before a change of the
	// metric is judged (0: always).
	minSamples float64
	overall    func(s *aggregate.Summary) float64
	group      func(g *aggregate.Group) float64
}

// Sample minimums: a percentile q is judged only when at least tailSamples
// requests lie beyond it (n·(1−q) ≥ 3, so a p99 needs 300 requests), and a
// rate only from minRateSamples requests on; below that one request more
// or less moves the number by more than any sensible tolerance.
const (
	tailSamples    = 3
	minRateSamples = 30
)

// latencyMetric compares a latency statistic (latency.p99 reads
// Latency.Stat("p99")), judged from the sample count its quantile q needs.
func latencyMetric(name string, q float64) metricDef {
	stat := strings.TrimPrefix(name, "latency.")
	f := func(l *aggregate.Latency) float64 { ms, _ := l.Stat(stat); return ms }
	return metricDef{name: name, unit: "ms", kind: kindRelative, minSamples: math.Ceil(tailSamples / (1 - q)),
		overall: func(s *aggregate.Summary) float64 { return f(&s.Overall.Latency) },
		group:   func(g *aggregate.Group) float64 { return f(&g.Latency) }}
}

func fractionMetric(name string, higherBetter bool, t func(t *aggregate.Totals) float64, g func(g *aggregate.Group) float64) metricDef {
	return metricDef{name: name, unit: "fraction", kind: kindFraction, higherBetter: higherBetter, minSamples: minRateSamples,
		overall: func(s *aggregate.Summary) float64 { return t(&s.Totals) }, group: g}
}

// metrics are the overall rows, in display order: the metrics of the
// scenarios vocabulary a comparison shows, with how to read and judge
// each. A test keeps them in step with scenarios.Metrics.
var metrics = []metricDef{
	{name: "target_rate", unit: "req/s", kind: kindInfo,
		overall: func(s *aggregate.Summary) float64 { return s.Totals.TargetRate }},
	{name: "achieved_rate", unit: "req/s", kind: kindRelative, higherBetter: true,
		overall: func(s *aggregate.Summary) float64 { return s.Totals.AchievedRate }},
	{name: "requests", unit: "count", kind: kindInfo,
		overall: func(s *aggregate.Summary) float64 { return float64(s.Totals.Requests) },
		group:   func(g *aggregate.Group) float64 { return float64(g.Requests) }},
	latencyMetric("latency.mean", 0.5),
	latencyMetric("latency.p50", 0.5),
	latencyMetric("latency.p90", 0.9),
	latencyMetric("latency.p95", 0.95),
	latencyMetric("latency.p99", 0.99),
	latencyMetric("latency.p99.9", 0.999),
	// The maximum is one request: judge it only where p99.9 is judged.
	latencyMetric("latency.max", 0.999),
	fractionMetric("ok_rate", true, func(t *aggregate.Totals) float64 { return t.OKRate }, func(g *aggregate.Group) float64 { return g.OKRate }),
	fractionMetric("throttle_rate", false, func(t *aggregate.Totals) float64 { return t.ThrottleRate }, func(g *aggregate.Group) float64 { return g.ThrottleRate }),
	fractionMetric("error_rate", false, func(t *aggregate.Totals) float64 { return t.ErrorRate }, func(g *aggregate.Group) float64 { return g.ErrorRate }),
	fractionMetric("violation_rate", false, func(t *aggregate.Totals) float64 { return t.ViolationRate }, func(g *aggregate.Group) float64 { return g.ViolationRate }),
	{name: "violations", unit: "count", kind: kindInfo,
		overall: func(s *aggregate.Summary) float64 { return float64(s.Totals.Violations) }},
}

// dimensionMetrics are the rows compared per dimension value.
var dimensionMetrics = []string{"requests", "latency.p50", "latency.p99", "throttle_rate", "error_rate", "violation_rate"}

// metricByName finds a compared metric by its name or an alias.
func metricByName(name string) (metricDef, bool) {
	if sm, ok := scenarios.LookupMetric(name); ok {
		name = sm.Name
	}
	for _, m := range metrics {
		if m.name == name {
			return m, true
		}
	}
	return metricDef{}, false
}
