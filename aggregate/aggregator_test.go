package aggregate_test

import (
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cogload/cogload/aggregate"
	"github.com/cogload/cogload/domain"
	"github.com/cogload/cogload/internal/reportfixture"
)

// exactPercentile is the nearest-rank percentile of sorted latencies in ms.
func exactPercentile(sorted []time.Duration, q float64) float64 {
	rank := int(math.Ceil(q / 100 * float64(len(sorted))))
	rank = min(max(rank, 1), len(sorted))
	return float64(sorted[rank-1]) / float64(time.Millisecond)
}

func TestAggregatorMatchesBruteForce(t *testing.T) {
	p := reportfixture.Plan()
	samples := reportfixture.Samples(p)
	if len(samples) != 300 {
		t.Fatalf("fixture has %d samples, want 300", len(samples))
	}
	a := aggregate.NewAggregator(p, reportfixture.Start)
	for _, s := range samples {
		a.Add(s)
	}
	s, err := a.Summary(aggregate.RunMeta{})
	if err != nil {
		t.Fatal(err)
	}

	var lats []time.Duration
	outcomes := map[string]uint64{}
	perPool := make([]uint64, 2)
	var ok, thr, errs, viol uint64
	for _, x := range samples {
		lats = append(lats, x.Latency)
		outcomes[x.Outcome]++
		perPool[p.Variants[x.Variant].TokenPool]++
		if x.Outcome == domain.OutcomeOK {
			ok++
		}
		switch x.Verdict {
		case domain.VerdictThrottled:
			thr++
		case domain.VerdictError:
			errs++
		case domain.VerdictViolation:
			viol++
		}
	}
	slices.Sort(lats)

	tt := s.Totals
	if tt.Requests != 300 || tt.OK != ok || tt.Throttled != thr || tt.Errors != errs || tt.Violations != viol {
		t.Errorf("totals = %+v, want requests 300 ok %d throttled %d errors %d violations %d", tt, ok, thr, errs, viol)
	}
	if viol == 0 || errs == 0 || thr == 0 {
		t.Fatalf("fixture should produce every verdict: thr %d errs %d viol %d", thr, errs, viol)
	}
	if s.Violations.Count != viol {
		t.Errorf("violations.count = %d, want %d", s.Violations.Count, viol)
	}
	for _, q := range []struct {
		name string
		got  float64
		pct  float64
	}{
		{"p50", s.Overall.Latency.P50Ms, 50}, {"p90", s.Overall.Latency.P90Ms, 90},
		{"p99", s.Overall.Latency.P99Ms, 99}, {"max", s.Overall.Latency.MaxMs, 100},
	} {
		want := exactPercentile(lats, q.pct)
		if math.Abs(q.got-want) > want*0.001+0.001 {
			t.Errorf("%s = %.3fms, want %.3fms (±0.1%%)", q.name, q.got, want)
		}
	}
	for i, g := range s.Breakdown.TokenPools {
		if g.Requests != perPool[i] {
			t.Errorf("pool %s requests = %d, want %d", g.Name, g.Requests, perPool[i])
		}
		if g.Latency.Count != perPool[i] {
			t.Errorf("pool %s histogram count = %d, want %d", g.Name, g.Latency.Count, perPool[i])
		}
	}
	for _, o := range s.Outcomes {
		if o.Count != outcomes[o.Outcome] {
			t.Errorf("outcome %s = %d, want %d", o.Outcome, o.Count, outcomes[o.Outcome])
		}
	}
	if got := s.Outcomes[0].Outcome; got != domain.OutcomeOK {
		t.Errorf("most frequent outcome = %s, want ok", got)
	}
	if cls := aggregate.OutcomeClass("TooManyRequestsException"); cls != "throttle" {
		t.Errorf("class of TooManyRequestsException = %q", cls)
	}
	var stageSum uint64
	for _, g := range s.Breakdown.Stages {
		stageSum += g.Requests
	}
	if stageSum != 300 || s.Breakdown.Stages[0].Requests != 100 {
		t.Errorf("stage requests = %d (warmup %d), want 300 (100)", stageSum, s.Breakdown.Stages[0].Requests)
	}
	var variantViol uint64
	for _, v := range s.Variants {
		variantViol += v.Violations
		if v.TokenPool == "valid" && v.Violations != 0 {
			t.Errorf("variant %d (valid) has %d violations", v.Index, v.Violations)
		}
	}
	if variantViol != viol {
		t.Errorf("variant violations sum = %d, want %d", variantViol, viol)
	}
	if tt.BehindSchedule {
		t.Errorf("on-schedule run reported behind: %s", tt.BehindNote)
	}
	if math.Abs(tt.PlannedRequests-300) > 2 {
		t.Errorf("planned requests = %v, want ~300", tt.PlannedRequests)
	}
	if tt.BytesIn != 300*90 || tt.BytesOut != 300*1100 {
		t.Errorf("bytes = %d/%d", tt.BytesIn, tt.BytesOut)
	}
}

func TestAggregatorViolationExamplesBounded(t *testing.T) {
	p := reportfixture.Plan()
	a := aggregate.NewAggregator(p, reportfixture.Start)
	for i := range 1000 {
		a.Add(domain.Sample{
			Seq: uint64(i), Timestamp: reportfixture.Start.Add(time.Duration(i) * time.Millisecond), Latency: time.Millisecond,
			Variant: 4 + i%2, Outcome: domain.OutcomeOK, Verdict: domain.VerdictViolation, Code: 200,
		})
	}
	s, err := a.Summary(aggregate.RunMeta{})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Violations.Examples) != 2*aggregate.ExamplesPerKind {
		t.Fatalf("examples = %d, want %d", len(s.Violations.Examples), 2*aggregate.ExamplesPerKind)
	}
	e := s.Violations.Examples[0]
	if e.Seq != 0 || e.TokenPool != "tampered" || e.Outcome != "ok" || !slices.Equal(e.Expected, []string{"NotAuthorizedException"}) || e.Stage != "warmup" {
		t.Errorf("first example = %+v", e)
	}
	if s.Violations.Count != 1000 {
		t.Errorf("count = %d", s.Violations.Count)
	}
}

func TestAggregatorSeries(t *testing.T) {
	p := reportfixture.Plan()
	samples := reportfixture.Samples(p)
	a := aggregate.NewAggregator(p, reportfixture.Start)
	for _, s := range samples {
		a.Add(s)
	}
	s, err := a.Summary(aggregate.RunMeta{})
	if err != nil {
		t.Fatal(err)
	}
	perSec := map[int64]uint64{}
	for _, x := range samples {
		perSec[x.Timestamp.Unix()]++
	}
	if s.Series.IntervalS != 1 || len(s.Series.Points) != 20 {
		t.Fatalf("series interval %d with %d points, want 1 and 20", s.Series.IntervalS, len(s.Series.Points))
	}
	for i, pt := range s.Series.Points {
		if pt.T != reportfixture.Start.Unix()+int64(i) || pt.OffsetS != float64(i) {
			t.Errorf("point %d at T=%d offset %v", i, pt.T, pt.OffsetS)
		}
		if pt.Sent != perSec[pt.T] {
			t.Errorf("point %d sent %d, want %d", i, pt.Sent, perSec[pt.T])
		}
		if pt.Sent > 0 && pt.P99Ms < pt.P50Ms {
			t.Errorf("point %d p99 %v < p50 %v", i, pt.P99Ms, pt.P50Ms)
		}
	}
	if got := s.Series.Points[0].TargetRate; got != 10 {
		t.Errorf("target rate at 0s = %v, want 10", got)
	}
	// Second 15 is 5.5s into the 10→30 ramp.
	if got := s.Series.Points[15].TargetRate; math.Abs(got-21) > 1e-9 {
		t.Errorf("target rate at 15s = %v, want 21", got)
	}
}

func TestAggregatorLateAndOutOfPlanSamples(t *testing.T) {
	p := reportfixture.Plan() // timeout 5s: the ring keeps 8 seconds open
	a := aggregate.NewAggregator(p, reportfixture.Start)
	add := func(sec int, v int) {
		a.Add(domain.Sample{Timestamp: reportfixture.Start.Add(time.Duration(sec) * time.Second), Latency: time.Millisecond,
			Variant: v, Outcome: "ok", Code: 200})
	}
	add(0, 0)
	add(20, 0)
	add(1, 0)  // 19 s late: counted in the oldest open second (13)
	add(15, 0) // in the window: its own second
	add(3, 99) // no such variant
	s, err := a.Summary(aggregate.RunMeta{})
	if err != nil {
		t.Fatal(err)
	}
	if s.Totals.Requests != 4 || s.Totals.Ignored != 1 {
		t.Errorf("requests %d ignored %d, want 4 and 1", s.Totals.Requests, s.Totals.Ignored)
	}
	sent := map[float64]uint64{}
	var total uint64
	for _, pt := range s.Series.Points {
		sent[pt.OffsetS] = pt.Sent
		total += pt.Sent
	}
	want := map[float64]uint64{0: 1, 13: 1, 15: 1, 20: 1}
	for off, n := range want {
		if sent[off] != n {
			t.Errorf("second %v sent %d, want %d (series %v)", off, sent[off], n, sent)
		}
	}
	if total != 4 || len(s.Series.Points) != 21 {
		t.Errorf("series total %d over %d points, want 4 over 21", total, len(s.Series.Points))
	}
}

func TestAggregatorBehindSchedule(t *testing.T) {
	p := reportfixture.Plan()
	a := aggregate.NewAggregator(p, reportfixture.Start)
	for i, s := range reportfixture.Samples(p) {
		if s.Stage == 1 && i%3 == 0 {
			continue // the attacker could not keep up in the ramp
		}
		a.Add(s)
	}
	s, err := a.Summary(aggregate.RunMeta{})
	if err != nil {
		t.Fatal(err)
	}
	if !s.Totals.BehindSchedule || s.Totals.BehindNote == "" {
		t.Fatalf("behind = %v (%q), want true", s.Totals.BehindSchedule, s.Totals.BehindNote)
	}
	if s.Totals.AchievedRate >= s.Totals.TargetRate {
		t.Errorf("achieved %v >= target %v", s.Totals.AchievedRate, s.Totals.TargetRate)
	}
}

func TestProgress(t *testing.T) {
	p := reportfixture.Plan()
	a := aggregate.NewAggregator(p, reportfixture.Start)
	if got := a.Progress(); got != (domain.Progress{}) {
		t.Errorf("empty progress = %+v", got)
	}
	samples := reportfixture.Samples(p)
	for _, s := range samples[:100] {
		a.Add(s)
	}
	pr := a.Progress()
	if pr.Sent != 100 || pr.OK == 0 || pr.Throttled == 0 || pr.OK+pr.Throttled+pr.Errors > 100 {
		t.Errorf("progress = %+v", pr)
	}
	if pr.Elapsed != 9900*time.Millisecond {
		t.Errorf("elapsed %v, want 9.9s", pr.Elapsed)
	}
	if pr.P99 < 40*time.Millisecond || pr.P99 > 1300*time.Millisecond {
		t.Errorf("p99 = %v", pr.P99)
	}
}

func TestAggregatorConcurrentReaders(t *testing.T) {
	p := reportfixture.Plan()
	a := aggregate.NewAggregator(p, reportfixture.Start)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range 3 {
			_ = a.Progress()
			if _, err := a.Summary(aggregate.RunMeta{}); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	for _, s := range reportfixture.Samples(p) {
		a.Add(s)
	}
	<-done
}

// TestTargetRateOfAnOverrunRun: a run that could not keep up stretches past
// its schedule; the target it is judged against is still the schedule's
// rate, not the planned count spread over the longer window.
func TestTargetRateOfAnOverrunRun(t *testing.T) {
	p := reportfixture.Plan()
	p.Stages = p.Stages[:1] // 10 s at 10 req/s
	a := aggregate.NewAggregator(p, reportfixture.Start)
	// 50 requests, spread evenly over 25 s.
	for i := range 50 {
		a.Add(domain.Sample{Timestamp: reportfixture.Start.Add(time.Duration(i) * 500 * time.Millisecond), Latency: time.Millisecond,
			Outcome: domain.OutcomeOK})
	}
	s, err := a.Summary(aggregate.RunMeta{})
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Totals.TargetRate; math.Abs(got-10) > 0.01 {
		t.Errorf("target rate = %v req/s, want the schedule's 10", got)
	}
	if !s.Totals.BehindSchedule || !strings.Contains(s.Totals.BehindNote, "against a target of 10.0/s") {
		t.Errorf("behind = %v, note %q; want flagged against 10.0/s", s.Totals.BehindSchedule, s.Totals.BehindNote)
	}
}
