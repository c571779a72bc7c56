package aggregate_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/cogload/cogload/aggregate"
	"github.com/cogload/cogload/internal/reportfixture"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// TestMergeIsExact splits the fixture run into two shards and checks that
// merging their summaries gives what aggregating everything at once gives:
// the same counts, and the same percentiles from merged histograms.
func TestMergeIsExact(t *testing.T) {
	p := reportfixture.Plan()
	p.Thresholds = reportfixture.Thresholds()
	samples := reportfixture.Samples(p)
	whole := aggregate.NewAggregator(p, reportfixture.Start)
	shards := []*aggregate.Aggregator{aggregate.NewAggregator(p, reportfixture.Start), aggregate.NewAggregator(p, reportfixture.Start.Add(300*time.Millisecond))}
	for i, s := range samples {
		whole.Add(s)
		shards[i%2].Add(s)
	}
	want, err := whole.Summary(aggregate.RunMeta{})
	if err != nil {
		t.Fatal(err)
	}
	var sums []*aggregate.Summary
	for i, a := range shards {
		s, err := a.Summary(aggregate.RunMeta{Shard: []string{"1/2", "2/2"}[i], ID: []string{"a", "b"}[i]})
		if err != nil {
			t.Fatal(err)
		}
		sums = append(sums, s)
	}
	got, err := aggregate.MergeSummaries(sums...)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want.Counts, got.Counts); diff != "" {
		t.Errorf("counts differ (-whole +merged):\n%s", diff)
	}
	ignoreShare := cmpopts.IgnoreFields(aggregate.Group{}, "Histogram")
	if diff := cmp.Diff(want.Overall, got.Overall, ignoreShare); diff != "" {
		t.Errorf("overall differs (-whole +merged):\n%s", diff)
	}
	if diff := cmp.Diff(want.Breakdown, got.Breakdown, ignoreShare); diff != "" {
		t.Errorf("breakdown differs (-whole +merged):\n%s", diff)
	}
	if diff := cmp.Diff(want.Variants, got.Variants); diff != "" {
		t.Errorf("variants differ (-whole +merged):\n%s", diff)
	}
	if diff := cmp.Diff(want.Thresholds, got.Thresholds); diff != "" {
		t.Errorf("thresholds differ (-whole +merged):\n%s", diff)
	}
	if diff := cmp.Diff(want.Violations, got.Violations); diff != "" {
		t.Errorf("violations differ (-whole +merged):\n%s", diff)
	}
	wt, gt := want.Totals, got.Totals
	if wt.Requests != gt.Requests || wt.SendWindowS != gt.SendWindowS || wt.AchievedRate != gt.AchievedRate || wt.BytesIn != gt.BytesIn {
		t.Errorf("totals: whole %+v\nmerged %+v", wt, gt)
	}
	if diff := cmp.Diff([]string{"1/2", "2/2"}, got.Run.Shards); diff != "" {
		t.Errorf("shards: %s", diff)
	}
	if got.Run.ExitStatus != 98 {
		t.Errorf("merged exit status = %d, want 98", got.Run.ExitStatus)
	}
	// The series line up by time: every second's counts add up.
	sent := func(s *aggregate.Summary) map[int64]uint64 {
		m := map[int64]uint64{}
		for _, pt := range s.Series.Points {
			m[pt.T] += pt.Sent
		}
		return m
	}
	if diff := cmp.Diff(sent(want), sent(got)); diff != "" {
		t.Errorf("series sent per second differ:\n%s", diff)
	}
	// Each shard ran the full plan here, so target rates add up to twice.
	if tr := got.Series.Points[3].TargetRate; tr != 20 {
		t.Errorf("merged target rate at 3s = %v, want 20", tr)
	}
	// The merged histogram decodes to the whole run's.
	h1, err := aggregate.DecodeHistogram(want.Overall.Histogram)
	if err != nil {
		t.Fatal(err)
	}
	h2, err := aggregate.DecodeHistogram(got.Overall.Histogram)
	if err != nil {
		t.Fatal(err)
	}
	if !h1.Equals(h2) {
		t.Error("merged overall histogram differs from the whole run's")
	}
}

func TestMergeSeriesDifferentIntervals(t *testing.T) {
	a := &aggregate.Summary{Series: aggregate.Series{IntervalS: 1, Points: []aggregate.Point{
		{T: 100, Sent: 1, TargetRate: 10, P50Ms: 1, P99Ms: 2},
		{T: 101, Sent: 3, TargetRate: 20, P50Ms: 3, P99Ms: 4},
		{T: 102, Sent: 5, TargetRate: 30, P50Ms: 5, P99Ms: 9},
	}}}
	b := &aggregate.Summary{Series: aggregate.Series{IntervalS: 2, Points: []aggregate.Point{
		{T: 100, Sent: 10, TargetRate: 5, P50Ms: 2, P99Ms: 3},
		{T: 102, Sent: 20, TargetRate: 5, P50Ms: 2, P99Ms: 3},
	}}}
	got := aggregate.MergeSeries([]*aggregate.Summary{a, b}, 100)
	want := aggregate.Series{IntervalS: 2, Points: []aggregate.Point{
		{T: 100, OffsetS: 0, Sent: 14, Rate: 7, TargetRate: 20, P50Ms: aggregate.RoundMs((2.5*4 + 2*10) / 14), P99Ms: 4},
		{T: 102, OffsetS: 2, Sent: 25, Rate: 12.5, TargetRate: 35, P50Ms: aggregate.RoundMs((5*5 + 2*20) / 25.0), P99Ms: 9},
	}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("merged series (-want +got):\n%s", diff)
	}
}

// TestMergeRateSplitShards merges shards whose plans carry their share of
// the rate, as `cogload run --shard i/N` compiles them.
func TestMergeRateSplitShards(t *testing.T) {
	full := reportfixture.Plan()
	var sums []*aggregate.Summary
	for i := range 2 {
		p := reportfixture.Plan()
		for k := range p.Stages {
			p.Stages[k].From /= 2
			p.Stages[k].To /= 2
		}
		p.Seed += int64(i)
		a := aggregate.NewAggregator(p, reportfixture.Start)
		for j, s := range reportfixture.Samples(full) {
			if j%2 == i {
				a.Add(s)
			}
		}
		s, err := a.Summary(aggregate.RunMeta{Shard: []string{"1/2", "2/2"}[i]})
		if err != nil {
			t.Fatal(err)
		}
		sums = append(sums, s)
	}
	m, err := aggregate.MergeSummaries(sums...)
	if err != nil {
		t.Fatal(err)
	}
	if m.Plan.Stages[1].From != 10 || m.Plan.Stages[1].To != 30 {
		t.Errorf("merged ramp = %v→%v, want 10→30", m.Plan.Stages[1].From, m.Plan.Stages[1].To)
	}
	if m.Totals.BehindSchedule || m.Totals.Requests != 300 {
		t.Errorf("merged totals: %+v", m.Totals)
	}
	if tr := m.Series.Points[3].TargetRate; tr != 10 {
		t.Errorf("merged target rate at 3s = %v, want 10", tr)
	}
	sums[1].Plan.Attributes = []string{"email", "other"}
	if _, err := aggregate.MergeSummaries(sums...); err == nil || !strings.Contains(err.Error(), "plans differ") {
		t.Errorf("different attributes: err = %v", err)
	}
}

// TestV11ShardsStillReadAndMerge: summaries written before v1.2 (no plan
// hash, shard as text only) read and merge; a plan hash that differs is
// refused.
func TestV11ShardsStillReadAndMerge(t *testing.T) {
	t.Parallel()
	var back []*aggregate.Summary
	for _, shard := range []string{"1/2", "2/2"} {
		s := reportfixture.Summary(t)
		s.Schema, s.Run.Shard = "cogload.summary/v1.1", shard
		var buf bytes.Buffer
		if err := json.NewEncoder(&buf).Encode(s); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(buf.String(), "plan_hash") || strings.Contains(buf.String(), "start_at") {
			t.Fatalf("a summary without them encodes the v1.2 fields: %s", buf.String()[:200])
		}
		r, err := aggregate.ReadSummary(&buf)
		if err != nil {
			t.Fatalf("a v1.1 summary no longer reads: %v", err)
		}
		back = append(back, r)
	}
	m, err := aggregate.MergeSummaries(back...)
	if err != nil {
		t.Fatal(err)
	}
	if m.Schema != aggregate.Schema || m.Totals.Requests != 2*back[0].Totals.Requests {
		t.Errorf("merged %s with %d requests", m.Schema, m.Totals.Requests)
	}
	back[0].Run.PlanHash, back[1].Run.PlanHash = strings.Repeat("a", 64), strings.Repeat("b", 64)
	if _, err := aggregate.MergeSummaries(back...); err == nil || !strings.Contains(err.Error(), "plan hash") {
		t.Errorf("different plan hashes merged: %v", err)
	}
}
