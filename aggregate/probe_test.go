package aggregate

import (
	"errors"
	"testing"
)

func TestThrottleProbe(t *testing.T) {
	s := &Summary{
		Plan: PlanInfo{Stages: []StageInfo{{Kind: "constant", From: 10, To: 10}, {Kind: "steps", From: 20, To: 40, Step: 10}}},
		// 10% of the throttled answers are LimitExceededException, 5% of
		// all requests the service's own faults.
		Counts: []CountCell{
			{Outcome: "ok", Count: 150}, {Outcome: "InternalErrorException", Count: 10},
			{Outcome: "TooManyRequestsException", Count: 36}, {Outcome: "LimitExceededException", Count: 4},
		},
	}
	// The last second is partial: it would pull the rate down.
	for i, pt := range []struct{ target, sent, thr float64 }{{10, 10, 0}, {20, 20, 0}, {40, 40, 10}, {40, 40, 20}, {40, 40, 20}, {40, 40, 20}, {40, 10, 5}} {
		s.Series.Points = append(s.Series.Points, Point{OffsetS: float64(i), TargetRate: pt.target, Sent: uint64(pt.sent), Rate: pt.sent, Throttled: uint64(pt.thr)})
	}
	p, err := ThrottleProbe(s)
	if err != nil {
		t.Fatal(err)
	}
	if p.Step != 10 || p.Eligible != 0.95 || p.RateQuotaShare != 0.9 || p.Seconds != 7 || p.Fit.Seconds != 3 {
		t.Errorf("probe %+v", p)
	}
	if p.Fit.Onset != 2 || p.Fit.OnsetRate != 40 || !p.Fit.Found() {
		t.Errorf("fit %+v", p.Fit)
	}
	// Admitted: 0.95·40 − 0.9·20 = 20 requests/s.
	if got := p.Fit.Rate.Value; got < 19.99 || got > 20.01 {
		t.Errorf("rate %v, want 20", got)
	}
	s.Plan.Stages = s.Plan.Stages[:1]
	if _, err := ThrottleProbe(s); !errors.Is(err, ErrNotProbe) {
		t.Errorf("constant load: %v, want ErrNotProbe", err)
	}
}
