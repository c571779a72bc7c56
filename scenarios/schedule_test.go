package scenarios

import (
	"math"
	"testing"
	"time"
)

func TestPlanSchedule(t *testing.T) {
	t.Parallel()
	p := &Plan{Stages: []Stage{
		{Kind: StageConstant, Duration: 10 * time.Second, From: 10, To: 10},
		{Kind: StageRamp, Duration: 10 * time.Second, From: 10, To: 30},
		{Kind: StageSteps, Duration: 10 * time.Second, From: 5, To: 15, Step: 5, Every: 4 * time.Second},
	}}
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
		if got := p.RequestsUpTo(tc.to) - p.RequestsUpTo(tc.from); got != tc.want {
			t.Errorf("requests in [%v, %v) = %v, want %v", tc.from, tc.to, got, tc.want)
		}
	}
	if got := p.PeakRate(); got != 30 {
		t.Errorf("peak = %v, want 30", got)
	}
	if r := p.RateAt(25 * time.Second); r != 10 {
		t.Errorf("rate at 25s = %v, want 10", r)
	}
	if got := p.StageStart(2); got != 20*time.Second {
		t.Errorf("stage 2 starts at %v, want 20s", got)
	}
	if got, want := p.TotalRequests(), p.RequestsUpTo(p.TotalDuration()); got != want {
		t.Errorf("total %v != schedule %v", got, want)
	}
}

// TestStepsPeakIsReached: a steps stage whose duration ends before its
// target reports the highest step it reaches, not the target.
func TestStepsPeakIsReached(t *testing.T) {
	t.Parallel()
	s := Stage{Kind: StageSteps, Duration: 40 * time.Second, From: 10, To: 20, Step: 3, Every: 10 * time.Second}
	if got := s.Peak(); got != 19 {
		t.Errorf("peak = %v, want 19 (10, 13, 16, 19: the stage ends before 20)", got)
	}
	if got := s.Requests(); got != (10+13+16+19)*10 {
		t.Errorf("requests = %v, want %v", got, (10+13+16+19)*10)
	}
}

// The cursor answers what Plan.RequestsUpTo answers, for every kind of
// stage and across stage boundaries.
func TestScheduleCursorMatchesRequestsUpTo(t *testing.T) {
	p := &Plan{Stages: []Stage{
		{Kind: StageRamp, From: 2, To: 20, Duration: 10 * time.Second},
		{Kind: StageSteps, From: 10, To: 40, Step: 3, Every: 2 * time.Second, Duration: 25 * time.Second},
		{Kind: StageConstant, From: 7, Duration: 3 * time.Second},
	}}
	c := p.cursor()
	for d := time.Duration(0); d <= 40*time.Second; d += 137 * time.Millisecond {
		if got, want := c.upTo(d), p.RequestsUpTo(d); math.Abs(got-want) > 1e-9 {
			t.Fatalf("upTo(%v) = %v, want %v", d, got, want)
		}
	}
}

// BenchmarkQuotaUseLongSteps: the quota prediction of a plan with a
// thousand steps (validate and the plan's JSON both make it).
func BenchmarkQuotaUseLongSteps(b *testing.B) {
	p := &Plan{Quota: Quota{CategoryRPS: 50}, Stages: []Stage{{Kind: StageSteps, From: 10, To: 10010, Step: 10, Every: 3 * time.Second, Duration: 3003 * time.Second}}}
	for range b.N {
		p.ExpectedThrottling()
	}
}
