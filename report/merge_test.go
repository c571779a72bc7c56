package report

import (
	"errors"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cogload/cogload/domain"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// TestMergeIsExact splits the fixture run into two shards and checks that
// merging their summaries gives what aggregating everything at once gives:
// the same counts, and the same percentiles from merged histograms.
func TestMergeIsExact(t *testing.T) {
	p := testPlan()
	p.Thresholds = fixtureThresholds()
	samples := fixtureSamples(p)
	whole := NewAggregator(p, t0)
	shards := []*Aggregator{NewAggregator(p, t0), NewAggregator(p, t0.Add(300*time.Millisecond))}
	for i, s := range samples {
		whole.Add(s)
		shards[i%2].Add(s)
	}
	want, err := whole.Summary(RunMeta{})
	if err != nil {
		t.Fatal(err)
	}
	var sums []*Summary
	for i, a := range shards {
		s, err := a.Summary(RunMeta{Shard: []string{"1/2", "2/2"}[i], ID: []string{"a", "b"}[i]})
		if err != nil {
			t.Fatal(err)
		}
		sums = append(sums, s)
	}
	got, err := MergeSummaries(sums...)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want.Counts, got.Counts); diff != "" {
		t.Errorf("counts differ (-whole +merged):\n%s", diff)
	}
	ignoreShare := cmpopts.IgnoreFields(Group{}, "Histogram")
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
	sent := func(s *Summary) map[int64]uint64 {
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
	h1, err := decodeHist(want.Overall.Histogram)
	if err != nil {
		t.Fatal(err)
	}
	h2, err := decodeHist(got.Overall.Histogram)
	if err != nil {
		t.Fatal(err)
	}
	if !h1.Equals(h2) {
		t.Error("merged overall histogram differs from the whole run's")
	}
}

func TestMergeArchives(t *testing.T) {
	root := t.TempDir()
	p := testPlan()
	samples := fixtureSamples(p)
	var odd, even []domain.Sample
	for i, s := range samples {
		if i%2 == 0 {
			even = append(even, s)
		} else {
			odd = append(odd, s)
		}
	}
	w1, _ := writeFixtureArchive(t, root, p, "1/2", "s1", even, RunEnd{})
	w2, _ := writeFixtureArchive(t, root, p, "2/2", "s2", odd, RunEnd{})
	a1, err := OpenArchive(w1.Dir())
	if err != nil {
		t.Fatal(err)
	}
	a2, err := OpenArchive(w2.Dir())
	if err != nil {
		t.Fatal(err)
	}
	m, err := Merge(a1, a2)
	if err != nil {
		t.Fatal(err)
	}
	if m.Totals.Requests != 300 {
		t.Errorf("merged requests = %d", m.Totals.Requests)
	}

	out := filepath.Join(root, "merged")
	if err := WriteMerged(out, []*Archive{a1, a2}, m); err != nil {
		t.Fatal(err)
	}
	back, err := OpenArchive(out)
	if err != nil {
		t.Fatal(err)
	}
	if back.Summary.Totals.Requests != 300 || len(back.Run.Shards) != 2 || back.Run.ScenarioResolved == "" {
		t.Errorf("merged archive: %+v", back.Run)
	}
	dec, closeFn, err := back.Results()
	if err != nil {
		t.Fatal(err)
	}
	defer closeFn()
	n := 0
	for {
		r := new(vegeta.Result)
		if err := dec.Decode(r); err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			t.Fatal(err)
		}
		n++
	}
	if n != 300 {
		t.Errorf("merged results.bin holds %d results, want 300", n)
	}
	if err := WriteMerged(out, []*Archive{a1, a2}, m); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("overwriting a merged archive: err = %v", err)
	}

	// Refusals.
	if _, err := Merge(a1, a1); err == nil || !strings.Contains(err.Error(), "same shard") {
		t.Errorf("same shard twice: err = %v", err)
	}
	other := *a2
	otherSum := *a2.Summary
	otherSum.Run.ScenarioHash = "ffff0000ffff0000"
	other.Summary = &otherSum
	if _, err := Merge(a1, &other); err == nil || !strings.Contains(err.Error(), "only shards of one run merge") || !strings.Contains(err.Error(), "ffff0000ffff") {
		t.Errorf("different scenario: err = %v", err)
	}
	otherSum = *a2.Summary
	otherSum.Run.Pool = "strict"
	if _, err := Merge(a1, &other); err == nil || !strings.Contains(err.Error(), `"strict"`) {
		t.Errorf("different pool: err = %v", err)
	}
	if _, err := Merge(); err == nil {
		t.Error("merging nothing succeeded")
	}
}

func TestMergeSeriesDifferentIntervals(t *testing.T) {
	a := &Summary{Series: Series{IntervalS: 1, Points: []Point{
		{T: 100, Sent: 1, TargetRate: 10, P50Ms: 1, P99Ms: 2},
		{T: 101, Sent: 3, TargetRate: 20, P50Ms: 3, P99Ms: 4},
		{T: 102, Sent: 5, TargetRate: 30, P50Ms: 5, P99Ms: 9},
	}}}
	b := &Summary{Series: Series{IntervalS: 2, Points: []Point{
		{T: 100, Sent: 10, TargetRate: 5, P50Ms: 2, P99Ms: 3},
		{T: 102, Sent: 20, TargetRate: 5, P50Ms: 2, P99Ms: 3},
	}}}
	got := mergeSeries([]*Summary{a, b}, 100)
	want := Series{IntervalS: 2, Points: []Point{
		{T: 100, OffsetS: 0, Sent: 14, Rate: 7, TargetRate: 20, P50Ms: roundMs((2.5*4 + 2*10) / 14), P99Ms: 4},
		{T: 102, OffsetS: 2, Sent: 25, Rate: 12.5, TargetRate: 35, P50Ms: roundMs((5*5 + 2*20) / 25.0), P99Ms: 9},
	}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("merged series (-want +got):\n%s", diff)
	}
}

// TestMergeRateSplitShards merges shards whose plans carry their share of
// the rate, as `cogload run --shard i/N` compiles them.
func TestMergeRateSplitShards(t *testing.T) {
	full := testPlan()
	var sums []*Summary
	for i := range 2 {
		p := testPlan()
		for k := range p.Stages {
			p.Stages[k].From /= 2
			p.Stages[k].To /= 2
		}
		p.Seed += int64(i)
		a := NewAggregator(p, t0)
		for j, s := range fixtureSamples(full) {
			if j%2 == i {
				a.Add(s)
			}
		}
		s, err := a.Summary(RunMeta{Shard: []string{"1/2", "2/2"}[i]})
		if err != nil {
			t.Fatal(err)
		}
		sums = append(sums, s)
	}
	m, err := MergeSummaries(sums...)
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
	if _, err := MergeSummaries(sums...); err == nil || !strings.Contains(err.Error(), "plans differ") {
		t.Errorf("different attributes: err = %v", err)
	}
}
