package attack

import (
	"math"
	"sync/atomic"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/cogload/cogload/scenarios"
)

// DefaultMaxBacklog is how far behind schedule a pacer may fall before it
// gives up on the missed hits instead of sending them in a burst.
const DefaultMaxBacklog = 250 * time.Millisecond

// hitTime returns the offset into segment g at which its schedule has
// accumulated n hits, and false if that falls after the segment: the
// inverse of Segment.RequestsUpTo, which only the pacer needs.
func hitTime(g scenarios.Segment, n float64) (time.Duration, bool) {
	if n > g.RequestsUpTo(g.Duration)+1e-9 {
		return 0, false
	}
	D := g.Duration.Seconds()
	k := (g.To - g.From) / D
	var t float64
	if math.Abs(k) < 1e-12 {
		if g.From <= 0 {
			return 0, false // a pause: nothing is due in it
		}
		t = n / g.From
	} else {
		disc := g.From*g.From + 2*k*n
		if disc < 0 {
			return 0, false
		}
		t = (-g.From + math.Sqrt(disc)) / k
	}
	if t < 0 || t > D+1e-9 {
		return 0, false
	}
	return time.Duration(math.Round(t * 1e9)), true
}

// Pacer is a vegeta.Pacer for one stage: constant, ramp or steps. It sends
// the stage's planned hits on schedule and stops at the stage's end (run
// it with du=0): a hit still due then is never sent. Rather than catch up
// after a stall with a burst, it skips hits more than MaxBacklog behind;
// with LimitInFlight, it skips a hit due while the cap on requests in
// flight is reached. Skipped hits are counted.
type Pacer struct {
	stage      scenarios.Stage
	segs       []scenarios.Segment
	base       []float64 // hits scheduled before each segment
	total      float64
	hits       uint64 // the hits the stage sends (Stage.Hits)
	maxBacklog time.Duration
	skipped    atomic.Uint64 // every hit skipped, whatever the reason
	atCap      atomic.Uint64 // of skipped: due while the cap was reached

	maxInFlight uint64
	received    func() uint64
	peak        atomic.Uint64
}

var _ vegeta.Pacer = (*Pacer)(nil)

// NewPacer builds the pacer of a stage. maxBacklog <= 0 means
// DefaultMaxBacklog.
func NewPacer(st scenarios.Stage, maxBacklog time.Duration) *Pacer {
	if maxBacklog <= 0 {
		maxBacklog = DefaultMaxBacklog
	}
	p := &Pacer{stage: st, maxBacklog: maxBacklog, segs: st.Segments(), hits: st.Hits()}
	for _, g := range p.segs {
		p.base = append(p.base, p.total)
		p.total += g.RequestsUpTo(g.Duration)
	}
	return p
}

// LimitInFlight caps the requests in flight at max: the hits dispatched
// less those whose results were received (received counts them,
// including results that carry no request). A hit due while max are in
// flight is skipped. Call it before the attack starts.
func (p *Pacer) LimitInFlight(max uint64, received func() uint64) {
	p.maxInFlight, p.received = max, received
}

// Planned returns the number of hits the stage schedules in total.
func (p *Pacer) Planned() float64 { return p.total }

// Hits returns the number of hits the stage sends when nothing is skipped.
func (p *Pacer) Hits() uint64 { return p.hits }

// Expected returns the hits scheduled in the first elapsed of the stage.
func (p *Pacer) Expected(elapsed time.Duration) float64 {
	return scenarios.SegmentsUpTo(p.segs, elapsed)
}

// Skipped returns the hits the pacer skipped; SkippedInFlight the part of
// them due while the in-flight cap was reached.
func (p *Pacer) Skipped() uint64 { return p.skipped.Load() }

// SkippedInFlight returns the hits skipped at the in-flight cap.
func (p *Pacer) SkippedInFlight() uint64 { return p.atCap.Load() }

// PeakInFlight returns the most requests in flight the pacer saw.
func (p *Pacer) PeakInFlight() uint64 { return p.peak.Load() }

// Pace implements vegeta.Pacer. It is called from the attack's single
// pacing goroutine with the hits dispatched so far. Hit n (from 0) is due
// when the schedule's integral reaches n+Offset, so (with Offset 0) the
// first goes at once and the stage sends Stage.Hits of them.
func (p *Pacer) Pace(elapsed time.Duration, hits uint64) (time.Duration, bool) {
	// Nothing goes out after the stage's end, however far behind it is:
	// the next stage's schedule owns that time. The runner counts what
	// was still due as skipped.
	if elapsed >= p.stage.Duration {
		return 0, true
	}
	done := hits + p.skipped.Load()
	if done >= p.hits {
		return 0, true
	}
	if behind := p.Expected(elapsed) - p.stage.Offset - float64(done); behind > 0 {
		if slack := p.stage.RateAt(elapsed)*p.maxBacklog.Seconds() + 1; behind > slack {
			n := min(uint64(behind-slack), p.hits-done)
			p.skipped.Add(n)
			done += n
		}
	}
	inFlight := p.inFlight(hits)
	for {
		due, ok := p.Due(done)
		if !ok {
			// Nothing left in the stage. Stop now: vegeta sends a hit after
			// every wait, so waiting for the stage's end would add one. Run
			// waits out the rest of the stage instead.
			return 0, true
		}
		if due > elapsed {
			return due - elapsed, false
		}
		if p.maxInFlight == 0 || inFlight < p.maxInFlight {
			return 0, false
		}
		// Due now with the cap reached: skip it rather than queue it.
		p.skipped.Add(1)
		p.atCap.Add(1)
		done++
	}
}

// inFlight returns the requests in flight after hits were dispatched, and
// records the peak.
func (p *Pacer) inFlight(hits uint64) uint64 {
	if p.received == nil {
		return 0
	}
	n := hits - min(p.received(), hits)
	// A worker hands its result over before the consumer counts it, and
	// may take the next hit in between: the count can run one past what
	// vegeta's worker cap lets be in flight, which the peak leaves out.
	peak := n
	if p.maxInFlight > 0 {
		peak = min(peak, p.maxInFlight)
	}
	if peak > p.peak.Load() {
		p.peak.Store(peak) // only the pacing goroutine writes it
	}
	return n
}

// Due returns when hit n (counted from 0) of the stage is due; ok is false
// when the stage sends fewer hits.
func (p *Pacer) Due(n uint64) (time.Duration, bool) {
	if n >= p.hits {
		return 0, false
	}
	x := float64(n) + p.stage.Offset
	for i, g := range p.segs {
		if x > p.base[i]+g.RequestsUpTo(g.Duration)+1e-9 {
			continue
		}
		at, ok := hitTime(g, x-p.base[i])
		if !ok {
			continue
		}
		// Rounding must not push a hit the stage sends past its end.
		return min(g.Start+at, p.stage.Duration-time.Nanosecond), true
	}
	// Rounding at the very end of the schedule: the hit is the stage's
	// last, due at its end.
	return p.stage.Duration - time.Nanosecond, true
}

// Rate implements vegeta.Pacer.
func (p *Pacer) Rate(elapsed time.Duration) float64 { return p.stage.RateAt(elapsed) }
