package scenarios

import (
	"math"
	"time"
)

// Segment is a stretch of a stage whose planned rate changes linearly from
// From to To requests/s. A stage is a list of segments: one for a constant
// or ramp stage, one per step for a steps stage. The plan's totals, the
// report's timeline and the attack's pacer all read the schedule from
// here, so what the plan reports is what the pacer does.
type Segment struct {
	Start, Duration time.Duration // Start is the offset into the stage
	From, To        float64
}

// RequestsUpTo integrates the segment's rate over its first d.
func (g Segment) RequestsUpTo(d time.Duration) float64 {
	d = min(d, g.Duration)
	if d <= 0 {
		return 0
	}
	t := d.Seconds()
	k := (g.To - g.From) / g.Duration.Seconds()
	return g.From*t + k*t*t/2
}

// Segments returns the stage's schedule. Negative rates count as 0.
func (s Stage) Segments() []Segment {
	if s.Duration <= 0 {
		return nil
	}
	seg := func(start, dur time.Duration, r0, r1 float64) Segment {
		return Segment{Start: start, Duration: dur, From: max(r0, 0), To: max(r1, 0)}
	}
	switch s.Kind {
	case StageRamp:
		return []Segment{seg(0, s.Duration, s.From, s.To)}
	case StageSteps:
		if s.Every <= 0 {
			break
		}
		var out []Segment
		for t := time.Duration(0); t < s.Duration; t += s.Every {
			r := s.RateAt(t)
			out = append(out, seg(t, min(s.Every, s.Duration-t), r, r))
		}
		return out
	}
	return []Segment{seg(0, s.Duration, s.From, s.From)}
}

// RequestsUpTo returns the number of requests the stage schedules in its
// first d.
func (s Stage) RequestsUpTo(d time.Duration) float64 { return SegmentsUpTo(s.Segments(), d) }

// SegmentsUpTo returns the number of requests a stage's segments schedule
// in its first d. The pacer keeps its stage's segments and asks this once
// per hit, so the segments are not built anew each time.
func SegmentsUpTo(segs []Segment, d time.Duration) float64 {
	var n float64
	for _, g := range segs {
		if d <= g.Start {
			break
		}
		n += g.RequestsUpTo(d - g.Start)
	}
	return n
}

// Requests returns the number of requests the stage plans to send.
func (s Stage) Requests() float64 { return s.RequestsUpTo(s.Duration) }

// Hits returns how many requests the pacer sends in the stage: hit n is
// due when the schedule has accumulated n+Offset requests, and a hit due
// at the very end belongs to no stage, so a stage of T requests sends
// ceil(T−Offset) of them. The tolerance absorbs rounding in the
// integral, so a schedule of exactly 100 requests sends 100.
func (s Stage) Hits() uint64 {
	t := s.Requests() - s.Offset
	tol := 1e-9 * max(1, math.Abs(t))
	if t <= tol {
		return 0
	}
	return uint64(math.Ceil(t - tol))
}

// Peak returns the highest rate the stage's schedule reaches.
func (s Stage) Peak() float64 {
	var p float64
	for _, g := range s.Segments() {
		p = max(p, g.From, g.To)
	}
	return p
}

// StageStart returns the offset from the run's start at which stage i
// begins: stages run one after another.
func (p *Plan) StageStart(i int) time.Duration {
	var d time.Duration
	for _, s := range p.Stages[:i] {
		d += s.Duration
	}
	return d
}

// RequestsUpTo returns the number of requests the plan schedules in the
// first d of the run.
func (p *Plan) RequestsUpTo(d time.Duration) float64 {
	var n float64
	for _, s := range p.Stages {
		if d <= 0 {
			break
		}
		n += s.RequestsUpTo(min(d, s.Duration))
		d -= s.Duration
	}
	return n
}

// scheduleCursor answers RequestsUpTo for times that never decrease in
// constant time per call: a walk over a long run (a 10,000-step stage)
// would otherwise rebuild and scan every segment for each point.
type scheduleCursor struct {
	segs   []Segment // every stage's segments, Start from the run's start
	i      int       // the first segment not wholly before the last t
	before float64   // the requests of segs[:i]
}

func (p *Plan) cursor() *scheduleCursor {
	c := &scheduleCursor{}
	var start time.Duration
	for _, st := range p.Stages {
		for _, g := range st.Segments() {
			g.Start += start
			c.segs = append(c.segs, g)
		}
		start += st.Duration
	}
	return c
}

// upTo is Plan.RequestsUpTo(t); t must not decrease from call to call.
func (c *scheduleCursor) upTo(t time.Duration) float64 {
	for c.i < len(c.segs) && t >= c.segs[c.i].Start+c.segs[c.i].Duration {
		c.before += c.segs[c.i].RequestsUpTo(c.segs[c.i].Duration)
		c.i++
	}
	if c.i == len(c.segs) || t <= c.segs[c.i].Start {
		return c.before
	}
	return c.before + c.segs[c.i].RequestsUpTo(t-c.segs[c.i].Start)
}
