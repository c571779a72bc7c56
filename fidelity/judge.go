package fidelity

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"

	hdr "github.com/HdrHistogram/hdrhistogram-go"

	"github.com/cogload/cogload/aggregate"
	"github.com/cogload/cogload/compare"
	"github.com/cogload/cogload/internal/stats"
	"github.com/cogload/cogload/scenarios"
)

type judge struct{ opts Options }

// tally counts outcomes per variant key and overall.
type tally struct {
	overall  map[string]uint64
	total    uint64
	variants map[aggregate.VariantKey]map[string]uint64
	order    []aggregate.VariantKey
}

// keyOf is a variant's key with its index cleared: the index numbers a
// run's variants, so two runs' variants are matched by pool, attribute
// and metadata.
func keyOf(v aggregate.VariantResult) aggregate.VariantKey {
	k := v.VariantKey
	k.Index = 0
	return k
}

func tallyOf(s *aggregate.Summary) tally {
	t := tally{overall: map[string]uint64{}, variants: map[aggregate.VariantKey]map[string]uint64{}}
	keys := map[int]aggregate.VariantKey{}
	for _, v := range s.Variants {
		k := keyOf(v)
		keys[v.Index] = k
		if t.variants[k] == nil {
			t.variants[k] = map[string]uint64{}
			t.order = append(t.order, k)
		}
	}
	for _, c := range s.Counts {
		t.overall[c.Outcome] += c.Count
		t.total += c.Count
		if k, ok := keys[c.Variant]; ok {
			t.variants[k][c.Outcome] += c.Count
		}
	}
	return t
}

// names lists the outcomes of both sides, most frequent first.
func names(a, b map[string]uint64) []string {
	var out []string
	for _, m := range []map[string]uint64{a, b} {
		for o := range m {
			if !slices.Contains(out, o) {
				out = append(out, o)
			}
		}
	}
	slices.SortFunc(out, func(x, y string) int { return cmp.Or(cmp.Compare(a[y]+b[y], a[x]+b[x]), cmp.Compare(x, y)) })
	return out
}

func (j judge) outcomes(tr, tm tally) []ShareLine {
	var out []ShareLine
	for _, o := range names(tr.overall, tm.overall) {
		l := ShareLine{Outcome: o,
			Real: Share{tr.overall[o], tr.total, stats.Proportion(tr.overall[o], tr.total, stats.Z95)},
			Mock: Share{tm.overall[o], tm.total, stats.Proportion(tm.overall[o], tm.total, stats.Z95)}}
		l.Test = stats.GTest([]uint64{l.Real.Count, tr.total - l.Real.Count}, []uint64{l.Mock.Count, tm.total - l.Mock.Count})
		out = append(out, l)
	}
	adjusted := holm(len(out), func(i int) stats.Test { return out[i].Test })
	for i := range out {
		l := &out[i]
		l.PHolm = adjusted[i]
		l.Verdict = j.distribution(tr.total, tm.total, math.Abs(l.Real.Value-l.Mock.Value), l.Test.Applicable, l.PHolm)
	}
	return out
}

// holm adjusts a family's p-values (tests that did not apply stay 1 and
// do not count).
func holm(n int, test func(i int) stats.Test) []float64 {
	var ps []float64
	var at []int
	for i := range n {
		if t := test(i); t.Applicable {
			ps, at = append(ps, t.P), append(at, i)
		}
	}
	out := make([]float64, n)
	for i := range out {
		out[i] = 1
	}
	for k, p := range stats.Holm(ps) {
		out[at[k]] = p
	}
	return out
}

// distribution judges a difference of outcome shares.
func (j judge) distribution(nReal, nMock uint64, distance float64, applicable bool, p float64) string {
	switch {
	case min(nReal, nMock) < MinSamples:
		return FewSamples
	case applicable && p < j.opts.Alpha && distance > j.opts.DistanceTolerance:
		return Differs
	}
	return Same
}

func (j judge) variants(tr, tm tally) []VariantLine {
	order := slices.Clone(tr.order)
	for _, k := range tm.order {
		if !slices.Contains(order, k) {
			order = append(order, k)
		}
	}
	var out []VariantLine
	for _, k := range order {
		r, m := tr.variants[k], tm.variants[k]
		l := VariantLine{TokenPool: k.TokenPool, Attribute: k.Attribute, Metadata: k.Metadata}
		var a, b []uint64
		for _, o := range names(r, m) {
			a, b = append(a, r[o]), append(b, m[o])
			l.RealN += r[o]
			l.MockN += m[o]
			l.Outcomes = append(l.Outcomes, OutcomePair{Outcome: o, RealCount: r[o], MockCount: m[o]})
		}
		for i := range l.Outcomes {
			p := &l.Outcomes[i]
			p.Real, p.Mock = share(p.RealCount, l.RealN), share(p.MockCount, l.MockN)
		}
		l.TV = stats.TotalVariation(a, b)
		l.Test = stats.GTest(a, b)
		out = append(out, l)
	}
	adjusted := holm(len(out), func(i int) stats.Test { return out[i].Test })
	for i := range out {
		l := &out[i]
		l.PHolm = adjusted[i]
		l.Verdict = j.distribution(l.RealN, l.MockN, l.TV, l.Test.Applicable, l.PHolm)
	}
	return out
}

func share(k, n uint64) float64 {
	if n == 0 {
		return 0
	}
	return float64(k) / float64(n)
}

func (j judge) latency(real, mock *aggregate.Summary) ([]LatencyLine, error) {
	gm := map[string]aggregate.Group{}
	for _, g := range mock.Breakdown.Outcomes {
		gm[g.Name] = g
	}
	var out []LatencyLine
	for _, g := range real.Breakdown.Outcomes {
		m, ok := gm[g.Name]
		if !ok {
			continue
		}
		hr, err := aggregate.DecodeHistogram(g.Histogram)
		if err != nil {
			return nil, fmt.Errorf("fidelity: %s: outcome %s: %w", j.opts.Labels[0], g.Name, err)
		}
		hm, err := aggregate.DecodeHistogram(m.Histogram)
		if err != nil {
			return nil, fmt.Errorf("fidelity: %s: outcome %s: %w", j.opts.Labels[1], g.Name, err)
		}
		out = append(out, j.latencyLine(g, m, hr, hm))
	}
	adjusted := holm(len(out), func(i int) stats.Test { return out[i].KS })
	for i := range out {
		out[i].PHolm = adjusted[i]
		out[i].Verdict = j.latencyVerdict(&out[i])
	}
	return out, nil
}

// latencyLine compares an outcome's latency on both sides: counts and
// percentiles as the summaries state them (read from the very histograms
// decoded here as hr and hm), the distributions from the histograms.
func (j judge) latencyLine(gr, gm aggregate.Group, hr, hm *hdr.Histogram) LatencyLine {
	l := LatencyLine{Outcome: gr.Name, RealN: gr.Latency.Count, MockN: gm.Latency.Count,
		RealP50: gr.Latency.P50Ms, MockP50: gm.Latency.P50Ms, RealP99: gr.Latency.P99Ms, MockP99: gm.Latency.P99Ms}
	l.P50Ratio = ratio(l.MockP50, l.RealP50)
	l.P99Ratio = ratio(l.MockP99, l.RealP99)
	l.P99Judged = float64(min(l.RealN, l.MockN)) >= compare.MinSamples("latency.p99")
	l.KS = stats.KS(bins(hr), bins(hm))
	return l
}

// latencyVerdict: a latency line differs when the distributions differ
// significantly and p50 or (where judged) p99 is off by more than the
// tolerance.
func (j judge) latencyVerdict(l *LatencyLine) string {
	off := math.Abs(l.P50Ratio-1) > j.opts.LatencyTolerance || l.P99Judged && math.Abs(l.P99Ratio-1) > j.opts.LatencyTolerance
	switch {
	case min(l.RealN, l.MockN) < MinSamples:
		return FewSamples
	case l.KS.Applicable && l.PHolm < j.opts.Alpha && off:
		return Differs
	}
	return Same
}

// bins lists a histogram's non-empty buckets.
func bins(h *hdr.Histogram) []stats.Bin {
	var out []stats.Bin
	for _, b := range h.Distribution() {
		if b.Count > 0 {
			out = append(out, stats.Bin{Value: float64(b.To), Count: uint64(b.Count)})
		}
	}
	return out
}

// throttle compares the throttle onsets when the plan is a probe.
func throttle(real, mock *aggregate.Summary) *ThrottleLine {
	pr, err := aggregate.ThrottleProbe(real)
	if errors.Is(err, aggregate.ErrNotProbe) {
		return nil
	}
	pm, _ := aggregate.ThrottleProbe(mock)
	onset := func(p aggregate.Probe) Onset {
		if p.Fit.Onset < 0 {
			return Onset{}
		}
		return Onset{Found: true, Rate: p.Fit.OnsetRate, Admitted: p.Fit.Rate, Burst: p.Fit.Burst}
	}
	l := &ThrottleLine{Real: onset(pr), Mock: onset(pm), Step: pr.Step, Verdict: Same}
	switch {
	case l.Real.Found != l.Mock.Found:
		l.Verdict = Differs
	case l.Real.Found && math.Abs(l.Real.Rate-l.Mock.Rate) > l.Step+1e-9:
		l.Verdict = Differs
	}
	return l
}

// rules checks each rule with the real run as baseline: latency rules on
// every outcome, rate rules overall and on every variant, the achieved
// rate overall. A relative or points rule is breached only when the
// line's own test also finds the difference significant.
func (j judge) rules(r *Report, real, mock *aggregate.Summary) []compare.RuleResult {
	var out []compare.RuleResult
	for _, rule := range j.opts.Rules {
		sm, _ := scenarios.LookupMetric(rule.Metric)
		need := compare.MinSamples(rule.Metric)
		check := func(where string, base, val float64, n uint64, p float64) {
			res := rule.Check(base, val)
			res.Run = r.Mock.Label + " · " + where
			switch {
			case float64(n) < need:
				res.Breached, res.Unjudged = false, true
				res.Note = fmt.Sprintf("too few requests to judge %s (needs %.0f)", rule.Metric, need)
			case res.Breached && rule.Mode != compare.RuleAbsolute && p >= j.opts.Alpha:
				res.Breached = false
				res.Note = fmt.Sprintf("within chance (p = %.3g)", p)
			}
			out = append(out, res)
		}
		if stat, ok := sm.IsLatency(); ok {
			lat := func(s *aggregate.Summary, o string) float64 {
				for _, g := range s.Breakdown.Outcomes {
					if g.Name == o {
						v, _ := g.Latency.Stat(stat)
						return v
					}
				}
				return 0
			}
			for _, l := range r.Latency {
				check("outcome "+l.Outcome, lat(real, l.Outcome), lat(mock, l.Outcome), min(l.RealN, l.MockN), l.PHolm)
			}
			continue
		}
		if rule.Metric == "achieved_rate" {
			check("overall", real.Totals.AchievedRate, mock.Totals.AchievedRate, min(real.Totals.Requests, mock.Totals.Requests), 0)
			continue
		}
		get, ok := rates[rule.Metric]
		if !ok {
			out = append(out, compare.RuleResult{Rule: rule, Run: r.Mock.Label, Unjudged: true, Note: "metric not measured by fidelity"})
			continue
		}
		rateCheck := func(where string, nr, nm, kr, km uint64) {
			t := stats.GTest([]uint64{kr, nr - kr}, []uint64{km, nm - km})
			check(where, share(kr, nr), share(km, nm), min(nr, nm), t.P)
		}
		rateCheck("overall", real.Totals.Requests, mock.Totals.Requests, get(real.Totals.OK, real.Totals.Throttled, real.Totals.Errors, real.Totals.Violations),
			get(mock.Totals.OK, mock.Totals.Throttled, mock.Totals.Errors, mock.Totals.Violations))
		vm := map[aggregate.VariantKey]aggregate.VariantResult{}
		for _, v := range mock.Variants {
			vm[keyOf(v)] = v
		}
		for _, v := range real.Variants {
			k := keyOf(v)
			m, ok := vm[k]
			if !ok {
				continue
			}
			rateCheck("variant "+k.TokenPool+" · "+k.Attribute+" · "+k.Metadata, v.Requests, m.Requests,
				get(v.OK, v.Throttled, v.Errors, v.Violations), get(m.OK, m.Throttled, m.Errors, m.Violations))
		}
	}
	return out
}

// rates picks a rate's count from ok, throttled, errors and violations.
var rates = map[string]func(ok, throttled, errs, violations uint64) uint64{
	"ok_rate":        func(ok, _, _, _ uint64) uint64 { return ok },
	"throttle_rate":  func(_, t, _, _ uint64) uint64 { return t },
	"error_rate":     func(_, _, e, _ uint64) uint64 { return e },
	"violation_rate": func(_, _, _, v uint64) uint64 { return v },
}
