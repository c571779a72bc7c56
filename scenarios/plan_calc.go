package scenarios

import (
	"math"
	"time"
)

// PeakRate is the highest planned rate over all stages (requests/s).
func (p *Plan) PeakRate() float64 {
	var peak float64
	for _, s := range p.Stages {
		peak = max(peak, s.Peak())
	}
	return peak
}

// TotalRequests is the number of requests the stages send: the hits the
// pacer sends (Stage.Hits), not the schedule's integral, so what the plan
// reports is what the run does.
func (p *Plan) TotalRequests() float64 {
	var n uint64
	for _, s := range p.Stages {
		n += s.Hits()
	}
	return float64(n)
}

// TotalDuration is the sum of the stages' durations.
func (p *Plan) TotalDuration() time.Duration {
	var d time.Duration
	for _, s := range p.Stages {
		d += s.Duration
	}
	return d
}

// RateAt is the planned rate at elapsed time t from the start of the run.
func (p *Plan) RateAt(t time.Duration) float64 {
	for _, s := range p.Stages {
		if t < s.Duration {
			return s.RateAt(t)
		}
		t -= s.Duration
	}
	return 0
}

// PoolShare is the probability a request uses token pool i.
func (p *Plan) PoolShare(i int) float64 {
	var w float64
	for _, v := range p.Variants {
		if v.TokenPool == i {
			w += v.Weight
		}
	}
	return w
}

func (p *Plan) poolRequests(i int) float64 { return p.TotalRequests() * p.PoolShare(i) }

// TokensNeeded returns, per token pool, the tokens the run needs: the
// pool's size, or for an exclusive pool (one token per request) its
// expected request count plus a margin of four standard deviations
// (each request picks its variant at random) and one more for rounding.
func (p *Plan) TokensNeeded() []int {
	n := p.TotalRequests()
	out := make([]int, len(p.TokenPools))
	for i, tp := range p.TokenPools {
		if tp.Checkout != CheckoutExclusive {
			out[i] = tp.Size
			continue
		}
		share := p.PoolShare(i)
		mean := n * share
		out[i] = int(math.Ceil(mean+4*math.Sqrt(mean*(1-share)))) + 1
	}
	return out
}

// Loopback reports whether requests stay on this machine: the embedded
// mock, or an endpoint on a loopback address.
func (t Target) Loopback() bool { return t.Mock || isLoopback(t.URL) }

// ExceedsSafeRate reports whether the plan peaks above its target's safety
// ceiling (MaxRate) against a non-loopback endpoint: such a run is refused
// unless acknowledged, because Cognito's quotas are account-wide.
func (p *Plan) ExceedsSafeRate() bool {
	return !p.Target.Loopback() && p.PeakRate() > p.Target.MaxRate
}
