package aggregate

import (
	"errors"
	"fmt"

	"github.com/cogload/cogload/cognito"
	"github.com/cogload/cogload/internal/stats"
	"github.com/cogload/cogload/scenarios"
)

// Probe is a throttle probe read off a run: the category quota's token
// bucket fitted to its per-second series.
type Probe struct {
	Fit stats.BucketFit `json:"fit"`
	// Step is how far the probe's rate climbs per step (req/s; per second
	// for a ramp): the resolution of its onset.
	Step float64 `json:"step"`
	// Eligible is the share of requests that reach the quota at all (the
	// service's own faults are refused before it).
	Eligible float64 `json:"eligible"`
	// RateQuotaShare is the share of throttled answers that were the rate
	// quota's (TooManyRequestsException, not LimitExceededException).
	RateQuotaShare float64 `json:"rate_quota_share"`
	// Seconds is how many points of the series the fit saw.
	Seconds int `json:"seconds"`
}

// ErrNotProbe is wrapped when a run cannot show where throttling starts.
var ErrNotProbe = errors.New("not a throttle probe")

// ThrottleProbe reads a run as a throttle probe: a run whose rate climbs
// (a steps or ramp stage), so the second throttling sets in shows the
// rate the quota allows. Per-user limits (LimitExceededException) share
// the series' throttled count, so only the rate quota's share of each
// second is fitted.
func ThrottleProbe(s *Summary) (Probe, error) {
	var p Probe
	for _, st := range s.Plan.Stages {
		switch {
		case st.To <= st.From:
		case st.Kind == string(scenarios.StageSteps) && st.Step > 0:
			p.Step = max(p.Step, st.Step)
		case st.Kind == string(scenarios.StageRamp) && st.DurationS > 0:
			p.Step = max(p.Step, (st.To-st.From)/st.DurationS)
		}
	}
	if p.Step == 0 {
		return p, fmt.Errorf("run %s: %w: no stage climbs (use a steps or ramp stage past the quota, like the built-in throttle-probe)", s.Run.ID, ErrNotProbe)
	}
	var requests, server, throttled, rateQuota uint64
	for _, c := range s.Counts {
		requests += c.Count
		if spec, ok := cognito.Lookup(c.Outcome); ok {
			switch spec.Class {
			case cognito.ClassServer:
				server += c.Count
			case cognito.ClassThrottle:
				throttled += c.Count
				rateQuota += c.Count
			case cognito.ClassLimit:
				throttled += c.Count
			}
		}
	}
	if requests == 0 {
		return p, fmt.Errorf("run %s: %w: no requests", s.Run.ID, ErrNotProbe)
	}
	p.Eligible = 1 - float64(server)/float64(requests)
	p.RateQuotaShare = 1
	if throttled > 0 {
		p.RateQuotaShare = float64(rateQuota) / float64(throttled)
	}
	width := float64(max(1, s.Series.IntervalS))
	secs := make([]stats.Second, len(s.Series.Points))
	for i, pt := range s.Series.Points {
		span := width
		if pt.Rate > 0 {
			span = float64(pt.Sent) / pt.Rate
		}
		secs[i] = stats.Second{Target: pt.TargetRate, Sent: float64(pt.Sent), Throttled: p.RateQuotaShare * float64(pt.Throttled), Span: span,
			// The run rarely ends on a second's boundary.
			Partial: i == len(s.Series.Points)-1}
	}
	p.Seconds = len(secs)
	p.Fit = stats.FitTokenBucket(secs, p.Eligible)
	return p, nil
}
