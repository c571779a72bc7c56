package aggregate_test

import (
	"testing"
	"time"

	"github.com/cogload/cogload/aggregate"
	"github.com/cogload/cogload/domain"
	"github.com/cogload/cogload/internal/reportfixture"
	"github.com/cogload/cogload/scenarios"
)

func TestSeriesDownsamplesLongRuns(t *testing.T) {
	p := reportfixture.Plan()
	p.Stages = []scenarios.Stage{{Name: "soak", Kind: scenarios.StageConstant, Duration: 8 * time.Hour, From: 1, To: 1}}
	defer aggregate.SetSeriesCap(600)() // as if MaxSeriesPoints were 10 minutes
	a := aggregate.NewAggregator(p, reportfixture.Start)
	const secs = 7 * 60 * 2 // 14 minutes
	for i := range secs {
		if i >= 360 && i < 370 {
			continue // a 10 s gap
		}
		a.Add(domain.Sample{Timestamp: reportfixture.Start.Add(time.Duration(i) * time.Second), Latency: time.Duration(1+i%5) * time.Millisecond, Outcome: "ok", Code: 200})
	}
	s, err := a.Summary(aggregate.RunMeta{})
	if err != nil {
		t.Fatal(err)
	}
	if s.Series.IntervalS != 2 {
		t.Fatalf("interval = %d, want 2", s.Series.IntervalS)
	}
	if n := len(s.Series.Points); n > aggregate.SeriesCap() || n != secs/2 {
		t.Errorf("points = %d, want %d (cap %d)", n, secs/2, aggregate.SeriesCap())
	}
	var sent uint64
	for i, pt := range s.Series.Points {
		sent += pt.Sent
		if pt.T != reportfixture.Start.Unix()+int64(2*i) || pt.OffsetS != float64(2*i) {
			t.Fatalf("point %d at %d (offset %v)", i, pt.T-reportfixture.Start.Unix(), pt.OffsetS)
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
	p := reportfixture.Plan() // 20 s of plan
	a := aggregate.NewAggregator(p, reportfixture.Start)
	a.Add(domain.Sample{Timestamp: reportfixture.Start, Outcome: "ok"})
	a.Add(domain.Sample{Timestamp: reportfixture.Start.Add(25 * time.Second), Outcome: "ok"})
	s, err := a.Summary(aggregate.RunMeta{})
	if err != nil {
		t.Fatal(err)
	}
	last := s.Series.Points[len(s.Series.Points)-1]
	if last.OffsetS != 25 || last.TargetRate != 0 || last.Sent != 1 {
		t.Errorf("last point = %+v", last)
	}
}
