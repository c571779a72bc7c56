package aggregate

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"time"

	hdr "github.com/HdrHistogram/hdrhistogram-go"

	"github.com/cogload/cogload/cognito"
	"github.com/cogload/cogload/domain"
	"github.com/cogload/cogload/scenarios"
)

// histSet holds the latency histograms a summary's groups are built from:
// the aggregator's live ones, or the merged ones of several shards.
type histSet struct {
	overall                     *hdr.Histogram
	pools, attrs, metas, stages []*hdr.Histogram
	outcomes                    map[string]*hdr.Histogram
}

// Summary returns the summary of everything added so far. meta gives the
// facts the aggregator cannot know (tool version, target, pool label,
// shard, end, interrupted, exit status); empty scenario fields and a zero
// Start are filled from the plan and the aggregator, a zero End from the
// last request.
func (a *Aggregator) Summary(meta RunMeta) (*Summary, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	p := a.plan
	if meta.Scenario == "" {
		meta.Scenario = p.Name
	}
	if meta.ScenarioHash == "" {
		meta.ScenarioHash = p.Hash
	}
	if meta.ScenarioSource == "" {
		meta.ScenarioSource = p.SourcePath
	}
	if meta.Seed == 0 {
		meta.Seed = p.Seed
	}
	if meta.Start.IsZero() {
		meta.Start = a.start
	}
	if meta.End.IsZero() {
		meta.End = maxTime(a.start, a.last)
	}
	meta.Start, meta.End = meta.Start.UTC(), meta.End.UTC()
	meta.DurationS = roundMs(meta.End.Sub(meta.Start).Seconds())

	s := &Summary{
		Schema:   Schema,
		Run:      meta,
		Plan:     planInfo(p),
		Variants: variantResults(p),
		Counts:   a.countCells(),
		Schedule: slices.Clone(a.schedule),
	}
	if a.generator != nil {
		g := *a.generator
		s.Generator = &g
	}
	s.Violations.Examples = slices.Clone(a.examples)
	t := &s.Totals
	t.Ignored = a.ignored
	t.BytesIn, t.BytesOut = a.bytesIn, a.bytesOut
	t.PeakTargetRate = p.PeakRate()
	if a.sent > 0 {
		t.FirstRequest, t.LastRequest = a.first.UTC(), a.last.UTC()
		t.SendWindowS = roundMs(a.last.Sub(a.first).Seconds())
		t.PlannedRequests, t.TargetRate = plannedInWindow(p, a.start, a.first, a.last)
	}

	series := a.series.clone()
	for _, sl := range a.ring.open() {
		series.add(sl.point())
	}
	s.Series = series.finish()

	hs := histSet{
		overall: a.overall, pools: a.pools, attrs: a.attrs, metas: a.metas, stages: a.stages,
		outcomes: make(map[string]*hdr.Histogram, len(a.outcomeNames)),
	}
	for i, n := range a.outcomeNames {
		hs.outcomes[n] = a.outcomeHists[i]
	}
	if err := derive(s, hs); err != nil {
		return nil, err
	}
	s.judge(p.Thresholds)
	return s, nil
}

func (a *Aggregator) countCells() []CountCell {
	var cells []CountCell
	for st := 0; st < a.nStages; st++ {
		for v := 0; v < a.nVariants; v++ {
			for o, name := range a.outcomeNames {
				for vd := range domain.Verdicts {
					if n := a.cells[a.cellIndex(st, v, o, domain.Verdict(vd))]; n > 0 {
						cells = append(cells, CountCell{Stage: st, Variant: v, Outcome: name, Verdict: domain.Verdict(vd).String(), Count: n})
					}
				}
			}
		}
	}
	sortCells(cells)
	return cells
}

func sortCells(cells []CountCell) {
	slices.SortFunc(cells, func(a, b CountCell) int {
		return cmp.Or(cmp.Compare(a.Stage, b.Stage), cmp.Compare(a.Variant, b.Variant),
			cmp.Compare(a.Outcome, b.Outcome), cmp.Compare(a.Verdict, b.Verdict))
	})
}

// plannedInWindow is what the schedule of a run started at start planned
// for its sending window, first to last request: the requests (the one at
// the window's start included) and their rate over the part of the window
// the schedule covers (a run that overran its schedule did not lower the
// target).
func plannedInWindow(p *scenarios.Plan, start, first, last time.Time) (planned, rate float64) {
	window := last.Sub(first)
	from := max(first.Sub(start), 0)
	planned = round2(p.RequestsUpTo(from+window) - p.RequestsUpTo(from) + 1)
	if scheduled := min(from+window, p.TotalDuration()) - from; scheduled > 0 {
		return planned, round2((planned - 1) / scheduled.Seconds())
	}
	return planned, p.RateAt(from)
}

// schedule is the plan's load as a plan of stages alone: for a merge, the
// whole run's (the shards' rates added up).
func (pi PlanInfo) schedule() *scenarios.Plan {
	p := &scenarios.Plan{}
	for _, st := range pi.Stages {
		p.Stages = append(p.Stages, scenarios.Stage{
			Name: st.Name, Kind: scenarios.StageKind(st.Kind), Duration: seconds(st.DurationS),
			From: st.From, To: st.To, Step: st.Step, Every: seconds(st.EveryS),
		})
	}
	return p
}

func seconds(s float64) time.Duration { return time.Duration(math.Round(s * float64(time.Second))) }

func planInfo(p *scenarios.Plan) PlanInfo {
	pi := PlanInfo{TimeoutMs: float64(p.Timeout) / float64(time.Millisecond)}
	for _, tp := range p.TokenPools {
		pi.TokenPools = append(pi.TokenPools, PoolInfo{Name: tp.Name, Kind: string(tp.Kind)})
	}
	for _, at := range p.Attributes {
		pi.Attributes = append(pi.Attributes, at.Name)
	}
	for _, m := range p.Metadata {
		pi.Metadata = append(pi.Metadata, m.Name)
	}
	for _, st := range p.Stages {
		pi.Stages = append(pi.Stages, StageInfo{
			Name: st.Name, Kind: string(st.Kind), DurationS: st.Duration.Seconds(),
			From: st.From, To: st.To, Step: st.Step, EveryS: st.Every.Seconds(),
		})
	}
	for _, r := range p.Reliances() {
		pi.ReliesOn = append(pi.ReliesOn, Reliance{ID: r.ID, Level: string(r.Level), Because: r.Because, Behaviour: r.Behaviour()})
	}
	return pi
}

func variantResults(p *scenarios.Plan) []VariantResult {
	out := make([]VariantResult, len(p.Variants))
	for i, v := range p.Variants {
		out[i] = VariantResult{
			VariantKey: VariantKey{
				Index:     i,
				TokenPool: nameAt(p.TokenPools, v.TokenPool, func(x scenarios.TokenPool) string { return x.Name }),
				Attribute: nameAt(p.Attributes, v.Attribute, func(x scenarios.Attribute) string { return x.Name }),
				Metadata:  nameAt(p.Metadata, v.Metadata, func(x scenarios.MetadataVariant) string { return x.Name }),
			},
			Expected: append([]string{}, v.Expect.Outcomes...),
			Derived:  v.Expect.Derived,
		}
	}
	return out
}

// tally accumulates the counts of one group.
type tally struct {
	requests, ok, thr, errs, viol, pass, unsent uint64
	outcomes                                    map[string]uint64
}

func (g *tally) add(c CountCell) {
	g.requests += c.Count
	if c.Outcome == domain.OutcomeOK {
		g.ok += c.Count
	}
	switch c.Verdict {
	case "pass":
		g.pass += c.Count
	case "throttled":
		g.thr += c.Count
	case "error":
		g.errs += c.Count
	case "unsent":
		g.unsent += c.Count
	default:
		g.viol += c.Count
	}
	if g.outcomes == nil {
		g.outcomes = make(map[string]uint64)
	}
	g.outcomes[c.Outcome] += c.Count
}

func (g *tally) outcomeList() []OutcomeCount {
	out := make([]OutcomeCount, 0, len(g.outcomes))
	for o, n := range g.outcomes {
		out = append(out, OutcomeCount{Outcome: o, Class: OutcomeClass(o), Count: n, Share: ratio(n, g.requests)})
	}
	slices.SortFunc(out, func(a, b OutcomeCount) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Outcome, b.Outcome))
	})
	return out
}

func (g *tally) group(name string, total uint64, h *hdr.Histogram, outcomes bool) (Group, error) {
	gr := Group{
		Name: name, Requests: g.requests, Share: ratio(g.requests, total),
		Latency: latencyOf(h),
		OK:      g.ok, Throttled: g.thr, Errors: g.errs, Violations: g.viol,
		OKRate: ratio(g.ok, g.requests), ThrottleRate: ratio(g.thr, g.requests),
		ErrorRate: ratio(g.errs, g.requests), ViolationRate: ratio(g.viol, g.requests),
	}
	if outcomes {
		gr.Outcomes = g.outcomeList()
	}
	enc, err := EncodeHistogram(h)
	if err != nil {
		return Group{}, fmt.Errorf("group %s: %w", name, err)
	}
	gr.Histogram = enc
	return gr, nil
}

// derive fills every count, rate and group of s from s.Counts, s.Plan,
// s.Variants, the timing fields of s.Totals and the histograms.
func derive(s *Summary, hs histSet) error {
	var all tally
	pools := make([]tally, len(s.Plan.TokenPools))
	attrs := make([]tally, len(s.Plan.Attributes))
	metas := make([]tally, len(s.Plan.Metadata))
	stages := make([]tally, len(s.Plan.Stages))
	variants := make([]tally, len(s.Variants))
	outcomes := map[string]*tally{}
	poolIdx := indexOf(len(pools), func(i int) string { return s.Plan.TokenPools[i].Name })
	attrIdx := indexOf(len(attrs), func(i int) string { return s.Plan.Attributes[i] })
	metaIdx := indexOf(len(metas), func(i int) string { return s.Plan.Metadata[i] })
	for _, c := range s.Counts {
		if c.Stage < 0 || c.Stage >= len(stages) || c.Variant < 0 || c.Variant >= len(variants) {
			return fmt.Errorf("counts: cell (stage %d, variant %d) outside the plan (%d stages, %d variants)",
				c.Stage, c.Variant, len(stages), len(variants))
		}
		vk := s.Variants[c.Variant].VariantKey
		all.add(c)
		stages[c.Stage].add(c)
		variants[c.Variant].add(c)
		for _, d := range []struct {
			ts  []tally
			idx map[string]int
			key string
		}{{pools, poolIdx, vk.TokenPool}, {attrs, attrIdx, vk.Attribute}, {metas, metaIdx, vk.Metadata}} {
			if i, ok := d.idx[d.key]; ok {
				d.ts[i].add(c)
			}
		}
		if outcomes[c.Outcome] == nil {
			outcomes[c.Outcome] = &tally{}
		}
		outcomes[c.Outcome].add(c)
	}

	t := &s.Totals
	t.Requests, t.OK, t.Throttled, t.Errors, t.Violations, t.Passed = all.requests, all.ok, all.thr, all.errs, all.viol, all.pass
	t.OKRate, t.ThrottleRate = ratio(all.ok, all.requests), ratio(all.thr, all.requests)
	t.ErrorRate, t.ViolationRate = ratio(all.errs, all.requests), ratio(all.viol, all.requests)
	t.Unsent, t.UnsentRate = all.unsent, ratio(all.unsent, all.requests)
	t.AchievedRate = 0
	if t.SendWindowS > 0 {
		t.AchievedRate = round2(float64(t.Requests) / t.SendWindowS)
	}
	s.Violations.Count = all.viol

	var err error
	if s.Overall, err = all.group("all", all.requests, hs.overall, true); err != nil {
		return err
	}
	s.Outcomes = s.Overall.Outcomes
	b := &s.Breakdown
	groups := func(ts []tally, hists []*hdr.Histogram, name func(int) string) ([]Group, error) {
		out := make([]Group, len(ts))
		for i := range ts {
			var h *hdr.Histogram
			if i < len(hists) {
				h = hists[i]
			}
			g, err := ts[i].group(name(i), all.requests, h, true)
			if err != nil {
				return nil, err
			}
			out[i] = g
		}
		return out, nil
	}
	if b.TokenPools, err = groups(pools, hs.pools, func(i int) string { return s.Plan.TokenPools[i].Name }); err != nil {
		return err
	}
	if b.Attributes, err = groups(attrs, hs.attrs, func(i int) string { return s.Plan.Attributes[i] }); err != nil {
		return err
	}
	if b.Metadata, err = groups(metas, hs.metas, func(i int) string { return s.Plan.Metadata[i] }); err != nil {
		return err
	}
	if b.Stages, err = groups(stages, hs.stages, func(i int) string { return s.Plan.Stages[i].Name }); err != nil {
		return err
	}
	b.Outcomes = b.Outcomes[:0]
	for _, oc := range s.Overall.Outcomes {
		g, err := outcomes[oc.Outcome].group(oc.Outcome, all.requests, hs.outcomes[oc.Outcome], false)
		if err != nil {
			return err
		}
		b.Outcomes = append(b.Outcomes, g)
	}
	nonNil(&s.Counts)
	nonNil(&s.Violations.Examples)
	nonNil(&s.Series.Points)
	nonNil(&s.Variants)
	nonNil(&b.Outcomes)
	for i := range s.Variants {
		v, tv := &s.Variants[i], &variants[i]
		v.Requests, v.OK, v.Throttled, v.Errors, v.Violations = tv.requests, tv.ok, tv.thr, tv.errs, tv.viol
		v.Outcomes = nil
		if tv.requests > 0 {
			v.Outcomes = tv.outcomeList()
		}
	}
	// Last: its advice reads the latency.
	judgeSchedule(s)
	return nil
}

// nonNil makes an empty list encode as [] rather than null, as the JSON
// schema promises.
func nonNil[T any](xs *[]T) {
	if *xs == nil {
		*xs = []T{}
	}
}

func indexOf(n int, name func(int) string) map[string]int {
	m := make(map[string]int, n)
	for i := 0; i < n; i++ {
		if _, dup := m[name(i)]; !dup {
			m[name(i)] = i
		}
	}
	return m
}

// OutcomeClass groups an outcome for reports: "ok", the Cognito error
// class (auth, validation, throttle, limit, delivery, trigger, server),
// "transport", "http", "generator" (the load generator's own limits) or
// "unknown".
func OutcomeClass(outcome string) string {
	switch outcome {
	case domain.OutcomeOK:
		return "ok"
	case domain.OutcomeTimeout, domain.OutcomeConnRefused, domain.OutcomeConnReset, domain.OutcomeOther:
		return "transport"
	case domain.OutcomeHTTP:
		return "http"
	case domain.OutcomeGeneratorLimit:
		return "generator"
	}
	if c := cognito.ClassOf(outcome); c != "" {
		return string(c)
	}
	return "unknown"
}

func ratio(n, d uint64) float64 {
	if d == 0 {
		return 0
	}
	return float64(n) / float64(d)
}

func round2(x float64) float64 { return float64(int64(x*100+0.5)) / 100 }

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
