package report

import (
	"testing"
	"time"

	"github.com/cogload/cogload/domain"
	"github.com/cogload/cogload/scenarios"
)

func TestSeriesDownsamplesLongRuns(t *testing.T) {
	p := testPlan()
	p.Stages = []scenarios.Stage{{Name: "soak", Kind: scenarios.StageConstant, Duration: 8 * time.Hour, From: 1, To: 1}}
	defer func(c int) { seriesCap = c }(seriesCap)
	seriesCap = 600 // as if MaxSeriesPoints were 10 minutes
	a := NewAggregator(p, t0)
	const secs = 7 * 60 * 2 // 14 minutes
	for i := range secs {
		if i >= 360 && i < 370 {
			continue // a 10 s gap
		}
		a.Add(domain.Sample{Timestamp: t0.Add(time.Duration(i) * time.Second), Latency: time.Duration(1+i%5) * time.Millisecond, Outcome: "ok", Code: 200})
	}
	s, err := a.Summary(RunMeta{})
	if err != nil {
		t.Fatal(err)
	}
	if s.Series.IntervalS != 2 {
		t.Fatalf("interval = %d, want 2", s.Series.IntervalS)
	}
	if n := len(s.Series.Points); n > seriesCap || n != secs/2 {
		t.Errorf("points = %d, want %d (cap %d)", n, secs/2, seriesCap)
	}
	var sent uint64
	for i, pt := range s.Series.Points {
		sent += pt.Sent
		if pt.T != t0.Unix()+int64(2*i) || pt.OffsetS != float64(2*i) {
			t.Fatalf("point %d at %d (offset %v)", i, pt.T-t0.Unix(), pt.OffsetS)
		}
		if pt.TargetRate != 1 {
			t.Fatalf("point %d target %v, want 1", i, pt.TargetRate)
		}
		want := 1.0
		if i >= 180 && i < 185 {
			want = 0
		}
		if pt.Rate != want {
			t.Fatalf("point %d rate %v, want %v", i, pt.Rate, want)
		}
	}
	if sent != secs-10 {
		t.Errorf("sent = %d, want %d", sent, secs-10)
	}
}

func TestSeriesAfterPlanEnd(t *testing.T) {
	p := testPlan() // 20 s of plan
	a := NewAggregator(p, t0)
	a.Add(domain.Sample{Timestamp: t0, Outcome: "ok"})
	a.Add(domain.Sample{Timestamp: t0.Add(25 * time.Second), Outcome: "ok"})
	s, err := a.Summary(RunMeta{})
	if err != nil {
		t.Fatal(err)
	}
	last := s.Series.Points[len(s.Series.Points)-1]
	if last.OffsetS != 25 || last.TargetRate != 0 || last.Sent != 1 {
		t.Errorf("last point = %+v", last)
	}
}

func TestTimelinePlanned(t *testing.T) {
	tl := newTimeline([]scenarios.Stage{
		{Kind: scenarios.StageConstant, Duration: 10 * time.Second, From: 10},
		{Kind: scenarios.StageRamp, Duration: 10 * time.Second, From: 10, To: 30},
		{Kind: scenarios.StageSteps, Duration: 10 * time.Second, From: 5, To: 15, Step: 5, Every: 4 * time.Second},
	})
	for _, tc := range []struct {
		from, to time.Duration
		want     float64
	}{
		{0, 10 * time.Second, 100},
		{10 * time.Second, 20 * time.Second, 200},
		{0, 15 * time.Second, 100 + 50 + 25},
		{20 * time.Second, 30 * time.Second, 5*4 + 10*4 + 15*2},
		{0, time.Hour, 100 + 200 + 90},
	} {
		if got := tl.planned(tc.from, tc.to); got != tc.want {
			t.Errorf("planned(%v, %v) = %v, want %v", tc.from, tc.to, got, tc.want)
		}
	}
	if tl.peak() != 30 {
		t.Errorf("peak = %v", tl.peak())
	}
	if r := tl.rateAt(25 * time.Second); r != 10 {
		t.Errorf("rate at 25s = %v, want 10", r)
	}
}
