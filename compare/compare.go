package compare

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/cogload/cogload/aggregate"
)

// Schema is the version tag of a comparison's JSON rendering.
const Schema = "cogload.comparison/v1"

// Verdicts of a delta against the baseline.
const (
	VerdictBaseline    = "baseline"
	VerdictRegression  = "regression"
	VerdictImprovement = "improvement"
	VerdictNoise       = "within noise"
	// VerdictFewSamples marks a change that cannot be judged because a
	// run has too few requests for the metric (e.g. a p99 of 50 requests).
	VerdictFewSamples = "too few samples"
	// VerdictInfo marks a row that is shown but not judged (counts,
	// target rate) or a cell with no data on one side.
	VerdictInfo = "n/a"
)

// Default noise tolerances: a latency or request rate must move more than
// 5% of the baseline, and a rate (throttle, error, ...) more than half a
// percentage point, before a change counts.
const (
	DefaultRelativeNoise = 0.05
	DefaultRateNoise     = 0.005
)

// Options says how runs are compared.
type Options struct {
	// Labels name the runs in tables (default: pool label, else run id,
	// else "run N"); when set it has one entry per run.
	Labels []string
	// Baselines is how many of the first runs form the baseline (default 1).
	// With several, the noise band also covers their spread.
	Baselines int
	// RelativeNoise is the tolerance for latency and request rates as a
	// fraction of the baseline (0.05 = 5%); 0 means DefaultRelativeNoise,
	// a negative value no tolerance.
	RelativeNoise float64
	// RateNoise is the tolerance for fractions (throttle, error,
	// violation, ok and outcome rates) in absolute terms (0.005 = 0.5pp);
	// 0 means DefaultRateNoise, a negative value no tolerance.
	RateNoise float64
	// Rules are the regression rules checked for every non-baseline run.
	Rules []Rule
}

// Comparison is several runs side by side with deltas against a baseline.
type Comparison struct {
	Schema string `json:"schema"`
	Runs   []Run  `json:"runs"`
	// Baselines is how many of the first Runs form the baseline.
	Baselines int       `json:"baselines"`
	Noise     NoiseBand `json:"noise"`
	Overall   []Row     `json:"overall"`
	Outcomes  []Row     `json:"outcomes"`
	// Dimensions holds one table per breakdown: token_pool, attribute,
	// metadata, stage.
	Dimensions []DimensionTable `json:"dimensions"`
	Rules      []RuleResult     `json:"rules,omitempty"`
	// Notes are warnings about the comparison itself (different scenarios,
	// seeds or plans).
	Notes []string `json:"notes,omitempty"`

	// summaries feed the HTML rendering (series and histograms).
	summaries []*aggregate.Summary
}

// NoiseBand states the tolerances used.
type NoiseBand struct {
	Relative float64 `json:"relative"`
	Rate     float64 `json:"rate"`
	// Spread is true when the band also covers the spread (max−min) of
	// several baseline runs.
	Spread bool `json:"spread"`
}

// Run identifies one run of a comparison.
type Run struct {
	Label       string    `json:"label"`
	ID          string    `json:"id"`
	Scenario    string    `json:"scenario"`
	Pool        string    `json:"pool"`
	Target      string    `json:"target"`
	ToolVersion string    `json:"tool_version"`
	Start       time.Time `json:"start"`
	DurationS   float64   `json:"duration_s"`
	Baseline    bool      `json:"baseline"`
	// ThresholdsPassed of ThresholdsTotal held in the run itself.
	ThresholdsPassed int `json:"thresholds_passed"`
	ThresholdsTotal  int `json:"thresholds_total"`
}

// DimensionTable compares one breakdown dimension.
type DimensionTable struct {
	Dimension string `json:"dimension"`
	Rows      []Row  `json:"rows"`
}

// Row is one metric (of the whole run, one outcome or one dimension
// value) across the runs.
type Row struct {
	// Group is the dimension value or outcome ("" for the whole run).
	Group  string `json:"group,omitempty"`
	Metric string `json:"metric"`
	// Unit is ms, req/s, fraction or count.
	Unit string `json:"unit"`
	// Baseline is the median of the baseline runs; Band the half-width of
	// the noise band around it, in Unit.
	Baseline float64 `json:"baseline"`
	Band     float64 `json:"band"`
	Cells    []Cell  `json:"cells"`
}

// Cell is one run's value of a row.
type Cell struct {
	Value float64 `json:"value"`
	// Missing is true when the run has no such group (value 0 then).
	Missing bool `json:"missing,omitempty"`
	// Delta is Value minus the row's Baseline; DeltaPct the same relative
	// to it (percent; absent when the baseline is 0).
	Delta    float64  `json:"delta"`
	DeltaPct *float64 `json:"delta_pct,omitempty"`
	Verdict  string   `json:"verdict"`
}

// Compare puts runs side by side: the first opts.Baselines runs are the
// baseline, every other run gets deltas against the baseline's median and
// a verdict against the noise band (see docs/summary-schema.md and
// Options). Rules are evaluated for every non-baseline run.
func Runs(runs []*aggregate.Summary, opts Options) (*Comparison, error) {
	if len(runs) < 2 {
		return nil, errors.New("compare: need at least two runs")
	}
	nb := opts.Baselines
	if nb == 0 {
		nb = 1
	}
	if nb < 0 || nb >= len(runs) {
		return nil, fmt.Errorf("compare: %d baseline runs leave no run to compare among %d", nb, len(runs))
	}
	if opts.Labels != nil && len(opts.Labels) != len(runs) {
		return nil, fmt.Errorf("compare: %d labels for %d runs", len(opts.Labels), len(runs))
	}
	labels := opts.Labels
	if labels == nil {
		labels = defaultLabels(runs)
	}
	for i, s := range runs {
		if s == nil {
			return nil, fmt.Errorf("compare: run %s: no summary", labels[i])
		}
		if err := aggregate.CheckSchema(s.Schema); err != nil {
			return nil, fmt.Errorf("compare: run %s: %w", labels[i], err)
		}
	}
	c := &Comparison{
		Schema:    Schema,
		Baselines: nb,
		Noise: NoiseBand{
			Relative: tolerance(opts.RelativeNoise, DefaultRelativeNoise),
			Rate:     tolerance(opts.RateNoise, DefaultRateNoise),
			Spread:   nb > 1,
		},
		summaries: runs,
	}
	for i, s := range runs {
		passed := 0
		for _, t := range s.Thresholds {
			if t.Pass {
				passed++
			}
		}
		c.Runs = append(c.Runs, Run{
			Label: labels[i], ID: s.Run.ID, Scenario: s.Run.Scenario, Pool: s.Run.Pool,
			Target: s.Run.Target, ToolVersion: s.Run.ToolVersion, Start: s.Run.Start,
			DurationS: s.Run.DurationS, Baseline: i < nb,
			ThresholdsPassed: passed, ThresholdsTotal: len(s.Thresholds),
		})
	}
	c.Notes = compareNotes(runs, labels)

	totals := make([]uint64, len(runs))
	for i, s := range runs {
		totals[i] = s.Totals.Requests
	}
	for _, m := range metrics {
		vals := make([]float64, len(runs))
		for i, s := range runs {
			vals[i] = m.overall(s)
		}
		c.Overall = append(c.Overall, c.row("", m, vals, nil, totals))
	}
	c.Outcomes = c.outcomeRows(runs, totals)
	for _, d := range []struct {
		name string
		get  func(s *aggregate.Summary) []aggregate.Group
	}{
		{"token_pool", func(s *aggregate.Summary) []aggregate.Group { return s.Breakdown.TokenPools }},
		{"attribute", func(s *aggregate.Summary) []aggregate.Group { return s.Breakdown.Attributes }},
		{"metadata", func(s *aggregate.Summary) []aggregate.Group { return s.Breakdown.Metadata }},
		{"stage", func(s *aggregate.Summary) []aggregate.Group { return s.Breakdown.Stages }},
	} {
		c.Dimensions = append(c.Dimensions, DimensionTable{Dimension: d.name, Rows: c.groupRows(runs, d.get)})
	}
	for _, r := range opts.Rules {
		c.Rules = append(c.Rules, c.evalRule(r)...)
	}
	return c, nil
}

// Breached reports whether any regression rule was breached.
func (c *Comparison) Breached() bool {
	for _, r := range c.Rules {
		if r.Breached {
			return true
		}
	}
	return false
}

func tolerance(v, def float64) float64 {
	switch {
	case v == 0:
		return def
	case v < 0:
		return 0
	}
	return v
}

// defaultLabels names runs by pool when the pools differ (a pool matrix),
// else by run id, falling back to the position.
func defaultLabels(runs []*aggregate.Summary) []string {
	pick := func(f func(s *aggregate.Summary) string) []string {
		out := make([]string, len(runs))
		seen := map[string]bool{}
		for i, s := range runs {
			v := f(s)
			if v == "" || seen[v] {
				return nil
			}
			seen[v] = true
			out[i] = v
		}
		return out
	}
	if l := pick(func(s *aggregate.Summary) string { return s.Run.Pool }); l != nil {
		return l
	}
	if l := pick(func(s *aggregate.Summary) string { return s.Run.ID }); l != nil {
		return l
	}
	out := make([]string, len(runs))
	for i := range runs {
		out[i] = fmt.Sprintf("run %d", i+1)
	}
	return out
}

// compareNotes warns when the runs are not like for like.
func compareNotes(runs []*aggregate.Summary, labels []string) []string {
	var notes []string
	b := runs[0]
	for i, s := range runs[1:] {
		l := labels[i+1]
		if s.Run.Scenario != b.Run.Scenario {
			notes = append(notes, fmt.Sprintf("%s ran scenario %q, %s ran %q", labels[0], b.Run.Scenario, l, s.Run.Scenario))
		} else if s.Run.ScenarioHash != b.Run.ScenarioHash {
			notes = append(notes, fmt.Sprintf("%s and %s ran different versions of scenario %q", labels[0], l, s.Run.Scenario))
		}
		if s.Run.Seed != b.Run.Seed {
			notes = append(notes, fmt.Sprintf("%s and %s used different seeds (%d, %d)", labels[0], l, b.Run.Seed, s.Run.Seed))
		}
		if s.Run.Interrupted {
			notes = append(notes, fmt.Sprintf("%s was interrupted", l))
		}
	}
	if b.Run.Interrupted {
		notes = append(notes, fmt.Sprintf("%s was interrupted", labels[0]))
	}
	return notes
}

// row builds one row from the runs' values; missing marks runs without
// the group and n is each run's number of requests in it.
func (c *Comparison) row(group string, m metricDef, vals []float64, missing []bool, n []uint64) Row {
	r := Row{Group: group, Metric: m.name, Unit: m.unit, Cells: make([]Cell, len(vals))}
	var base []float64
	baseN := uint64(math.MaxUint64)
	for i := 0; i < c.Baselines; i++ {
		if missing == nil || !missing[i] {
			base = append(base, vals[i])
			baseN = min(baseN, n[i])
		}
	}
	if len(base) > 0 {
		r.Baseline = median(base)
		r.Band = c.band(m.kind, r.Baseline, base)
	}
	for i, v := range vals {
		cell := Cell{Value: v, Missing: missing != nil && missing[i]}
		switch {
		case i < c.Baselines:
			cell.Verdict = VerdictBaseline
		case cell.Missing || len(base) == 0:
			cell.Verdict = VerdictInfo
		default:
			cell.Delta = roundDelta(v - r.Baseline)
			if r.Baseline != 0 {
				p := roundDelta(100 * (v - r.Baseline) / math.Abs(r.Baseline))
				cell.DeltaPct = &p
			}
			cell.Verdict = judge(m, v-r.Baseline, r.Band)
			// A change inside the band is noise whatever the sample size;
			// only a call of regression or improvement needs enough data.
			moved := cell.Verdict == VerdictRegression || cell.Verdict == VerdictImprovement
			if moved && float64(min(n[i], baseN)) < m.minSamples {
				cell.Verdict = VerdictFewSamples
			}
		}
		r.Cells[i] = cell
	}
	return r
}

// band is the half-width of the noise band: the stated tolerance, or the
// baseline runs' spread (max−min) when that is wider. The range of n runs
// is a deliberately generous band: another run of the same system falls
// outside it with probability about 2/(n+1), so it is a floor for "this
// moved", not a significance test.
func (c *Comparison) band(k metricKind, base float64, vals []float64) float64 {
	var tol float64
	switch k {
	case kindRelative:
		tol = c.Noise.Relative * math.Abs(base)
	case kindFraction:
		tol = c.Noise.Rate
	default:
		return 0
	}
	spread := slices.Max(vals) - slices.Min(vals)
	return roundDelta(max(tol, spread))
}

// judge classifies a delta against the band.
func judge(m metricDef, delta, band float64) string {
	if m.kind == kindInfo {
		return VerdictInfo
	}
	// A tiny epsilon keeps a delta exactly on the band's edge within noise
	// despite float rounding.
	if math.Abs(delta) <= band+1e-9 {
		return VerdictNoise
	}
	if (delta > 0) == m.higherBetter {
		return VerdictImprovement
	}
	return VerdictRegression
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// roundDelta keeps JSON and goldens free of float noise (1e-9 of a ms or
// of a fraction is far below anything measured).
func roundDelta(x float64) float64 { return math.Round(x*1e9) / 1e9 }

// outcomeRows compares the outcome shares; "ok" is better when higher,
// every other outcome when lower.
func (c *Comparison) outcomeRows(runs []*aggregate.Summary, totals []uint64) []Row {
	var names []string
	for _, s := range runs {
		for _, o := range s.Outcomes {
			if !slices.Contains(names, o.Outcome) {
				names = append(names, o.Outcome)
			}
		}
	}
	var rows []Row
	for _, n := range names {
		vals := make([]float64, len(runs))
		for i, s := range runs {
			for _, o := range s.Outcomes {
				if o.Outcome == n {
					vals[i] = o.Share
				}
			}
		}
		m := metricDef{name: "share", unit: "fraction", kind: kindFraction, higherBetter: n == "ok", minSamples: minRateSamples}
		rows = append(rows, c.row(n, m, vals, nil, totals))
	}
	return rows
}

// groupRows compares one dimension's groups, matched by name, in order of
// first appearance.
func (c *Comparison) groupRows(runs []*aggregate.Summary, get func(s *aggregate.Summary) []aggregate.Group) []Row {
	var names []string
	for _, s := range runs {
		for _, g := range get(s) {
			if !slices.Contains(names, g.Name) {
				names = append(names, g.Name)
			}
		}
	}
	var rows []Row
	for _, n := range names {
		groups := make([]*aggregate.Group, len(runs))
		missing := make([]bool, len(runs))
		counts := make([]uint64, len(runs))
		for i, s := range runs {
			gs := get(s)
			j := slices.IndexFunc(gs, func(g aggregate.Group) bool { return g.Name == n })
			if j < 0 {
				missing[i] = true
				continue
			}
			groups[i] = &gs[j]
			counts[i] = gs[j].Requests
		}
		for _, name := range dimensionMetrics {
			m, _ := metricByName(name)
			vals := make([]float64, len(runs))
			for i, g := range groups {
				if g != nil {
					vals[i] = m.group(g)
				}
			}
			rows = append(rows, c.row(n, m, vals, missing, counts))
		}
	}
	return rows
}

// Summaries returns the compared runs' summaries, in the order of Runs
// (nil for a comparison decoded from JSON): renderers draw their series
// and latency distributions.
func (c *Comparison) Summaries() []*aggregate.Summary { return c.summaries }
