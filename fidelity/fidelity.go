package fidelity

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/cogload/cogload/aggregate"
	"github.com/cogload/cogload/compare"
	"github.com/cogload/cogload/internal/stats"
	"github.com/cogload/cogload/scenarios"
)

// Schema is the version tag of a fidelity report's JSON.
const Schema = "cogload.fidelity/v1"

// Verdicts of a line.
const (
	Same       = "same"
	Differs    = "differs"
	FewSamples = "too few samples"
)

// Defaults of Options.
const (
	DefaultAlpha             = 0.01
	DefaultLatencyTolerance  = 0.10
	DefaultDistanceTolerance = 0.01
	// MinSamples is how many requests each side of a line needs before it
	// is judged.
	MinSamples = 30
)

// Options says how the runs are judged.
type Options struct {
	// Alpha is the significance level of every test (default 0.01).
	Alpha float64
	// LatencyTolerance is how far the mock's p50 or p99 may be from the
	// real run's, as a fraction of it, before a latency line can differ
	// (default 0.10).
	LatencyTolerance float64
	// DistanceTolerance is the total variation distance (or, for one
	// outcome's share, the absolute difference) an outcome distribution
	// may have before it can differ (default 0.01).
	DistanceTolerance float64
	// Rules are regression rules checked with the real run as baseline.
	Rules []compare.Rule
	// Labels name the real and the mock run (default "real", "mock").
	Labels [2]string
}

// Run is one side: a run's summary and its archive's resolved scenario.
type Run struct {
	Summary  *aggregate.Summary
	Resolved []byte
}

// Report is a mock run measured against a real run of the same plan.
type Report struct {
	Schema            string  `json:"schema"`
	Real              RunInfo `json:"real"`
	Mock              RunInfo `json:"mock"`
	Workload          string  `json:"workload"`
	Alpha             float64 `json:"alpha"`
	LatencyTolerance  float64 `json:"latency_tolerance"`
	DistanceTolerance float64 `json:"distance_tolerance"`
	// Verdict is differs when any line differs or a rule is breached.
	Verdict  string               `json:"verdict"`
	Outcomes []ShareLine          `json:"outcomes"`
	Variants []VariantLine        `json:"variants"`
	Latency  []LatencyLine        `json:"latency"`
	Throttle *ThrottleLine        `json:"throttle,omitempty"`
	Rules    []compare.RuleResult `json:"rules,omitempty"`
	Notes    []string             `json:"notes,omitempty"`

	summaries [2]*aggregate.Summary
}

// RunInfo identifies one side.
type RunInfo struct {
	Label    string `json:"label"`
	ID       string `json:"id"`
	Scenario string `json:"scenario"`
	Target   string `json:"target"`
	Pool     string `json:"pool"`
	Requests uint64 `json:"requests"`
}

// Share is k of n with its Wilson 95% interval.
type Share struct {
	Count uint64 `json:"count"`
	N     uint64 `json:"n"`
	stats.Interval
}

// ShareLine is one outcome's share of all requests on both sides.
type ShareLine struct {
	Outcome string     `json:"outcome"`
	Real    Share      `json:"real"`
	Mock    Share      `json:"mock"`
	Test    stats.Test `json:"test"`
	// PHolm is Test.P adjusted over the family's lines (Holm); verdicts
	// use it.
	PHolm   float64 `json:"p_holm"`
	Verdict string  `json:"verdict"`
}

// VariantLine is one variant's outcome distribution on both sides.
type VariantLine struct {
	TokenPool string        `json:"token_pool"`
	Attribute string        `json:"attribute"`
	Metadata  string        `json:"metadata"`
	RealN     uint64        `json:"real_n"`
	MockN     uint64        `json:"mock_n"`
	Outcomes  []OutcomePair `json:"outcomes"`
	// TV is the total variation distance; Test the G-test.
	TV      float64    `json:"tv"`
	Test    stats.Test `json:"test"`
	PHolm   float64    `json:"p_holm"`
	Verdict string     `json:"verdict"`
}

// Name is the variant as "pool · attribute · metadata".
func (v VariantLine) Name() string { return v.TokenPool + " · " + v.Attribute + " · " + v.Metadata }

// OutcomePair is one outcome of a variant on both sides.
type OutcomePair struct {
	Outcome   string  `json:"outcome"`
	RealCount uint64  `json:"real_count"`
	MockCount uint64  `json:"mock_count"`
	Real      float64 `json:"real"`
	Mock      float64 `json:"mock"`
}

// LatencyLine is one outcome's latency on both sides (milliseconds).
type LatencyLine struct {
	Outcome string  `json:"outcome"`
	RealN   uint64  `json:"real_n"`
	MockN   uint64  `json:"mock_n"`
	RealP50 float64 `json:"real_p50_ms"`
	MockP50 float64 `json:"mock_p50_ms"`
	RealP99 float64 `json:"real_p99_ms"`
	MockP99 float64 `json:"mock_p99_ms"`
	// P50Ratio and P99Ratio are mock over real; P99Judged says whether
	// both sides had the 300 requests a p99 needs.
	P50Ratio  float64    `json:"p50_ratio"`
	P99Ratio  float64    `json:"p99_ratio"`
	P99Judged bool       `json:"p99_judged"`
	KS        stats.Test `json:"ks"`
	PHolm     float64    `json:"p_holm"`
	Verdict   string     `json:"verdict"`
}

// ThrottleLine is where throttling set in on both sides.
type ThrottleLine struct {
	Real    Onset   `json:"real"`
	Mock    Onset   `json:"mock"`
	Step    float64 `json:"step"`
	Verdict string  `json:"verdict"`
}

// Onset is one side's throttle onset and fitted quota.
type Onset struct {
	Found bool    `json:"found"`
	Rate  float64 `json:"onset_rate"`
	// Admitted is the rate admitted while throttled; Burst the fitted
	// bucket.
	Admitted stats.Interval `json:"admitted"`
	Burst    float64        `json:"burst"`
}

// ErrDifferentPlans is wrapped when the runs did not send the same plan.
var ErrDifferentPlans = errors.New("not runs of the same plan")

// Measure judges the mock run against the real run.
func Measure(real, mock Run, opts Options) (*Report, error) {
	opts.defaults()
	for _, r := range []Run{real, mock} {
		if r.Summary == nil {
			return nil, errors.New("fidelity: a run has no summary")
		}
		if err := aggregate.CheckSchema(r.Summary.Schema); err != nil {
			return nil, fmt.Errorf("fidelity: %w", err)
		}
	}
	hr, err := scenarios.WorkloadHash(real.Resolved)
	if err != nil {
		return nil, fmt.Errorf("fidelity: %s: %w", opts.Labels[0], err)
	}
	hm, err := scenarios.WorkloadHash(mock.Resolved)
	if err != nil {
		return nil, fmt.Errorf("fidelity: %s: %w", opts.Labels[1], err)
	}
	if hr != hm {
		return nil, fmt.Errorf("fidelity: %w: %s ran scenario %q (workload %s), %s ran %q (workload %s); compare runs of one plan whose target alone differs",
			ErrDifferentPlans, opts.Labels[0], real.Summary.Run.Scenario, aggregate.ShortHash(hr), opts.Labels[1], mock.Summary.Run.Scenario, aggregate.ShortHash(hm))
	}
	r := &Report{Schema: Schema, Workload: hr, Alpha: opts.Alpha, LatencyTolerance: opts.LatencyTolerance,
		DistanceTolerance: opts.DistanceTolerance, summaries: [2]*aggregate.Summary{real.Summary, mock.Summary}}
	r.Real, r.Mock = info(opts.Labels[0], real.Summary), info(opts.Labels[1], mock.Summary)
	j := judge{opts}
	tr, tm := tallyOf(real.Summary), tallyOf(mock.Summary)
	r.Outcomes = j.outcomes(tr, tm)
	r.Variants = j.variants(tr, tm)
	r.Latency, err = j.latency(real.Summary, mock.Summary)
	if err != nil {
		return nil, err
	}
	r.Throttle = throttle(real.Summary, mock.Summary)
	r.Rules = j.rules(r, real.Summary, mock.Summary)
	r.Notes = notes(real.Summary, mock.Summary)
	r.Verdict = r.verdict()
	return r, nil
}

func (o *Options) defaults() {
	if o.Alpha <= 0 {
		o.Alpha = DefaultAlpha
	}
	if o.LatencyTolerance <= 0 {
		o.LatencyTolerance = DefaultLatencyTolerance
	}
	if o.DistanceTolerance <= 0 {
		o.DistanceTolerance = DefaultDistanceTolerance
	}
	if o.Labels[0] == "" {
		o.Labels[0] = "real"
	}
	if o.Labels[1] == "" {
		o.Labels[1] = "mock"
	}
}

func info(label string, s *aggregate.Summary) RunInfo {
	return RunInfo{Label: label, ID: s.Run.ID, Scenario: s.Run.Scenario, Target: s.Run.Target, Pool: s.Run.Pool, Requests: s.Totals.Requests}
}

// Summaries returns the real and the mock run's summaries (nil for a
// report decoded from JSON), for renderers that draw them.
func (r *Report) Summaries() []*aggregate.Summary {
	if r.summaries[0] == nil {
		return nil
	}
	return r.summaries[:]
}

// Differs reports whether any line differs or any rule was breached.
func (r *Report) Differs() bool { return r.Verdict == Differs }

// Breached reports whether any rule was breached.
func (r *Report) Breached() bool {
	return slices.ContainsFunc(r.Rules, func(res compare.RuleResult) bool { return res.Breached })
}

func (r *Report) verdict() string {
	differs := r.Breached()
	for _, l := range r.Outcomes {
		differs = differs || l.Verdict == Differs
	}
	for _, l := range r.Variants {
		differs = differs || l.Verdict == Differs
	}
	for _, l := range r.Latency {
		differs = differs || l.Verdict == Differs
	}
	if r.Throttle != nil {
		differs = differs || r.Throttle.Verdict == Differs
	}
	if differs {
		return Differs
	}
	return Same
}

func notes(real, mock *aggregate.Summary) []string {
	var out []string
	if real.Run.Target == mock.Run.Target && real.Run.Pool == mock.Run.Pool {
		out = append(out, "both runs ran against the same target and pool")
	}
	for _, s := range []*aggregate.Summary{real, mock} {
		if s.Run.Interrupted {
			out = append(out, fmt.Sprintf("run %s was interrupted: its shares cover less of the plan", s.Run.ID))
		}
		if s.Totals.BehindSchedule {
			out = append(out, fmt.Sprintf("run %s fell behind schedule: its load was not the plan's", s.Run.ID))
		}
	}
	return out
}

func ratio(mock, real float64) float64 {
	if real == 0 {
		return math.Inf(1)
	}
	return mock / real
}
