package aggregate

import (
	"cmp"
	"errors"
	"fmt"
	"reflect"
	"slices"

	hdr "github.com/HdrHistogram/hdrhistogram-go"

	"github.com/cogload/cogload/scenarios"
)

// MergeSummaries merges summaries of shards of one run exactly: counts
// are summed, histograms merged (so percentiles are those of the whole
// run), series aligned by time, thresholds evaluated again. The inputs
// are not modified.
func MergeSummaries(sums ...*Summary) (*Summary, error) {
	if len(sums) == 0 {
		return nil, errors.New("merge: no summaries")
	}
	base := sums[0]
	for _, s := range sums[1:] {
		if s.Run.PlanHash != "" && base.Run.PlanHash != "" && s.Run.PlanHash != base.Run.PlanHash {
			return nil, fmt.Errorf("merge: plan hash %s differs from %s: not shards of one run", ShortHash(s.Run.PlanHash), ShortHash(base.Run.PlanHash))
		}
		if s.Run.ScenarioHash != base.Run.ScenarioHash {
			return nil, fmt.Errorf("merge: scenario hash %s differs from %s: not shards of one run", ShortHash(s.Run.ScenarioHash), ShortHash(base.Run.ScenarioHash))
		}
		if !samePlanShape(s.Plan, base.Plan) || !sameVariants(s.Variants, base.Variants) {
			return nil, errors.New("merge: the shards' plans differ (stages, pools, attributes, metadata or variants): not shards of one run")
		}
	}
	out := &Summary{Schema: Schema, Plan: mergePlans(sums)}
	out.Variants = make([]VariantResult, len(base.Variants))
	for i, v := range base.Variants {
		out.Variants[i] = VariantResult{VariantKey: v.VariantKey, Expected: slices.Clone(v.Expected), Derived: v.Derived}
	}

	r := &out.Run
	*r = base.Run
	r.ID, r.Shard, r.ShardIndex, r.ShardCount, r.Shards = "", "", 0, 0, nil
	for _, s := range sums {
		label := s.Run.Shard
		if label == "" {
			label = s.Run.ID
		}
		r.Shards = append(r.Shards, label)
		if s.Run.Start.Before(r.Start) {
			r.Start = s.Run.Start
		}
		if s.Run.End.After(r.End) {
			r.End = s.Run.End
		}
		r.Interrupted = r.Interrupted || s.Run.Interrupted
	}
	r.DurationS = roundMs(r.End.Sub(r.Start).Seconds())

	t := &out.Totals
	cells := map[CountCell]uint64{}
	var examples []ViolationExample
	for i, s := range sums {
		st := s.Totals
		if st.Requests > 0 {
			if t.FirstRequest.IsZero() || st.FirstRequest.Before(t.FirstRequest) {
				t.FirstRequest = st.FirstRequest
			}
			t.LastRequest = maxTime(t.LastRequest, st.LastRequest)
		}
		t.PlannedRequests += st.PlannedRequests
		t.TargetRate += st.TargetRate
		t.PeakTargetRate += st.PeakTargetRate
		t.BytesIn += st.BytesIn
		t.BytesOut += st.BytesOut
		t.Ignored += st.Ignored
		for _, c := range s.Counts {
			n := c.Count
			c.Count = 0
			cells[c] += n
		}
		if i == 0 {
			examples = slices.Clone(s.Violations.Examples)
		} else {
			examples = append(examples, s.Violations.Examples...)
		}
	}
	t.PlannedRequests, t.TargetRate = round2(t.PlannedRequests), round2(t.TargetRate)
	t.SendWindowS = roundMs(t.LastRequest.Sub(t.FirstRequest).Seconds())
	if !r.StartAt.IsZero() && !t.FirstRequest.IsZero() {
		// Shards started together run the whole plan on one axis: judge
		// the merged window against it, as for a single run, rather than
		// add up windows that each started at the shard's first request.
		t.PlannedRequests, t.TargetRate = plannedInWindow(out.Plan.schedule(), r.StartAt, t.FirstRequest, t.LastRequest)
	}
	for c, n := range cells {
		c.Count = n
		out.Counts = append(out.Counts, c)
	}
	sortCells(out.Counts)
	out.Violations.Examples = pickExamples(examples)
	for i := range out.Violations.Examples {
		e := &out.Violations.Examples[i]
		e.OffsetS = roundMs(e.Time.Sub(r.Start).Seconds())
	}

	hs, err := mergeHists(sums)
	if err != nil {
		return nil, err
	}
	out.Series = mergeSeries(sums, r.Start.Unix())
	out.Schedule = mergeSchedules(sums)
	out.Generator = mergeGenerators(sums)
	if err := derive(out, hs); err != nil {
		return nil, fmt.Errorf("merge: %w", err)
	}
	th := make([]scenarios.Threshold, len(base.Thresholds))
	for i, tr := range base.Thresholds {
		th[i] = tr.Threshold()
	}
	out.judge(th)
	r.ExitStatus = out.Status()
	return out, nil
}

// samePlanShape compares two shards' plans, ignoring the stage rates:
// each shard sends its share of the rate.
func samePlanShape(a, b PlanInfo) bool {
	if len(a.Stages) != len(b.Stages) {
		return false
	}
	for i := range a.Stages {
		x, y := a.Stages[i], b.Stages[i]
		if x.Name != y.Name || x.Kind != y.Kind || x.DurationS != y.DurationS || x.EveryS != y.EveryS {
			return false
		}
	}
	return reflect.DeepEqual(a.TokenPools, b.TokenPools) && slices.Equal(a.Attributes, b.Attributes) &&
		slices.Equal(a.Metadata, b.Metadata)
}

func sameVariants(a, b []VariantResult) bool {
	return slices.EqualFunc(a, b, func(x, y VariantResult) bool {
		return x.VariantKey == y.VariantKey && slices.Equal(x.Expected, y.Expected)
	})
}

// mergePlans is the plan of the whole run: the shards' stage rates add up.
func mergePlans(sums []*Summary) PlanInfo {
	p := sums[0].Plan
	p.Stages = slices.Clone(p.Stages)
	for _, s := range sums[1:] {
		for i, st := range s.Plan.Stages {
			p.Stages[i].From += st.From
			p.Stages[i].To += st.To
			p.Stages[i].Step += st.Step
		}
	}
	return p
}

// pickExamples keeps the earliest examples, ExamplesPerKind per variant
// and outcome, MaxExamples in all.
func pickExamples(ex []ViolationExample) []ViolationExample {
	slices.SortStableFunc(ex, func(a, b ViolationExample) int {
		return cmp.Or(a.Time.Compare(b.Time), cmp.Compare(a.Seq, b.Seq))
	})
	kinds := map[string]int{}
	out := ex[:0]
	for _, e := range ex {
		k := fmt.Sprintf("%d/%s", e.Variant, e.Outcome)
		if kinds[k] >= ExamplesPerKind || len(out) >= MaxExamples {
			continue
		}
		kinds[k]++
		out = append(out, e)
	}
	return out
}

func mergeHists(sums []*Summary) (histSet, error) {
	base := sums[0]
	hs := histSet{
		overall:  NewHistogram(),
		pools:    hists(len(base.Plan.TokenPools)),
		attrs:    hists(len(base.Plan.Attributes)),
		metas:    hists(len(base.Plan.Metadata)),
		stages:   hists(len(base.Plan.Stages)),
		outcomes: map[string]*hdr.Histogram{},
	}
	add := func(dst *hdr.Histogram, g Group, where string) error {
		h, err := DecodeHistogram(g.Histogram)
		if err != nil {
			return fmt.Errorf("merge: %s %q: %w", where, g.Name, err)
		}
		if dropped := dst.Merge(h); dropped != 0 {
			return fmt.Errorf("merge: %s %q: %d values dropped", where, g.Name, dropped)
		}
		return nil
	}
	for _, s := range sums {
		if err := add(hs.overall, s.Overall, "overall"); err != nil {
			return hs, err
		}
		for _, d := range []struct {
			dst    []*hdr.Histogram
			groups []Group
			where  string
		}{
			{hs.pools, s.Breakdown.TokenPools, "token pool"},
			{hs.attrs, s.Breakdown.Attributes, "attribute"},
			{hs.metas, s.Breakdown.Metadata, "metadata"},
			{hs.stages, s.Breakdown.Stages, "stage"},
		} {
			if len(d.groups) != len(d.dst) {
				return hs, fmt.Errorf("merge: %d %s groups where the plan has %d", len(d.groups), d.where, len(d.dst))
			}
			for i, g := range d.groups {
				if err := add(d.dst[i], g, d.where); err != nil {
					return hs, err
				}
			}
		}
		for _, g := range s.Breakdown.Outcomes {
			if hs.outcomes[g.Name] == nil {
				hs.outcomes[g.Name] = NewHistogram()
			}
			if err := add(hs.outcomes[g.Name], g, "outcome"); err != nil {
				return hs, err
			}
		}
	}
	return hs, nil
}

// mergeSeries aligns the shards' series on a common grid starting at
// origin (Unix seconds) with the coarsest interval among them, and adds
// the shards up interval by interval.
func mergeSeries(sums []*Summary, origin int64) Series {
	interval := int64(1)
	for _, s := range sums {
		interval = max(interval, int64(s.Series.IntervalS))
	}
	for {
		type acc struct {
			p    Point
			secs int64
		}
		buckets := map[int64]acc{}
		for _, s := range sums {
			w := max(int64(s.Series.IntervalS), 1)
			shard := map[int64]acc{}
			for _, p := range s.Series.Points {
				b := origin + floorDiv(p.T-origin, interval)*interval
				p.T = b
				if cur, ok := shard[b]; ok {
					shard[b] = acc{mergeSeconds(cur.p, p, cur.secs, w), cur.secs + w}
				} else {
					shard[b] = acc{p, w}
				}
			}
			for b, a := range shard {
				if cur, ok := buckets[b]; ok {
					buckets[b] = acc{mergeShards(cur.p, a.p), max(cur.secs, a.secs)}
				} else {
					buckets[b] = a
				}
			}
		}
		if len(buckets) > seriesCap {
			interval *= 2
			continue
		}
		out := Series{IntervalS: int(interval), Points: make([]Point, 0, len(buckets))}
		for _, a := range buckets {
			p := a.p
			p.OffsetS = float64(p.T - origin)
			p.Rate = float64(p.Sent) / float64(max(a.secs, 1))
			out.Points = append(out.Points, p)
		}
		slices.SortFunc(out.Points, func(a, b Point) int { return cmp.Compare(a.T, b.T) })
		return out
	}
}

// ShortHash shortens a scenario hash for messages.
func ShortHash(hash string) string {
	if len(hash) > 12 {
		return hash[:12]
	}
	return hash
}
