package aggregate

import (
	"slices"

	hdr "github.com/HdrHistogram/hdrhistogram-go"
	"github.com/cogload/cogload/domain"
)

// maxGapFill bounds how many empty seconds are filled in between two
// points, so one wild timestamp cannot make the series explode.
const maxGapFill = 24 * 60 * 60

// seriesCap is MaxSeriesPoints; a variable so tests can exercise
// downsampling without feeding six hours of samples.
var seriesCap = MaxSeriesPoints

// secSlot accumulates one second of the series by request start time.
type secSlot struct {
	sec                       int64
	active                    bool
	h                         *hdr.Histogram
	sent, ok, thr, errs, viol uint64
}

func (s *secSlot) record(us int64, ok bool, v domain.Verdict) {
	_ = s.h.RecordValue(us)
	s.sent++
	if ok {
		s.ok++
	}
	switch v {
	case domain.VerdictThrottled:
		s.thr++
	case domain.VerdictError:
		s.errs++
	case domain.VerdictViolation:
		s.viol++
	}
}

func (s *secSlot) point() Point {
	return Point{
		T:          s.sec,
		Sent:       s.sent,
		OK:         s.ok,
		Throttled:  s.thr,
		Errors:     s.errs,
		Violations: s.viol,
		P50Ms:      msOf(s.h.ValueAtQuantile(50)),
		P99Ms:      msOf(s.h.ValueAtQuantile(99)),
	}
}

func (s *secSlot) reset() {
	s.h.Reset()
	s.active = false
	s.sent, s.ok, s.thr, s.errs, s.viol = 0, 0, 0, 0, 0
}

// secRing keeps the last w seconds open, because results arrive in
// completion order: a request that started in second t may finish after
// requests of second t+5 did. A second is folded into the series once a
// request starting w seconds later has been seen; a result later than
// that is counted in the oldest open second.
type secRing struct {
	slots   []secSlot
	w       int64
	hi      int64 // the latest second seen
	started bool
	due     []*secSlot // reused by advance
}

func newSecRing(w int64) secRing {
	return secRing{slots: make([]secSlot, w), w: w}
}

// advance moves the ring to second t and returns the slots that fell out
// of the window, oldest first. The caller folds and resets them before the
// next call.
func (r *secRing) advance(t int64) []*secSlot {
	if !r.started {
		r.started, r.hi = true, t
		return nil
	}
	if t <= r.hi {
		return nil
	}
	r.due = r.due[:0]
	for s := r.hi - r.w + 1; s <= min(t-r.w, r.hi); s++ {
		if sl := &r.slots[s%r.w]; sl.active && sl.sec == s {
			r.due = append(r.due, sl)
		}
	}
	r.hi = t
	return r.due
}

// slot returns the open slot for second t (t <= hi), clamping late ones.
func (r *secRing) slot(t int64) *secSlot {
	t = max(t, r.hi-r.w+1)
	sl := &r.slots[t%r.w]
	if !sl.active {
		if sl.h == nil {
			sl.h = newSecHist()
		}
		sl.active, sl.sec = true, t
	}
	return sl
}

// open returns the still-open slots, oldest first.
func (r *secRing) open() []*secSlot {
	var out []*secSlot
	for i := range r.slots {
		if r.slots[i].active {
			out = append(out, &r.slots[i])
		}
	}
	slices.SortFunc(out, func(a, b *secSlot) int { return int(a.sec - b.sec) })
	return out
}

// seriesBuilder appends one-second points, fills gaps with empty seconds
// and halves its resolution whenever it would exceed MaxSeriesPoints.
type seriesBuilder struct {
	origin   int64 // Unix second the buckets are aligned to
	interval int64
	points   []Point
	secs     []int64 // seconds covered by each point
	last     int64   // the last second added
	started  bool
	target   func(sec int64) float64
}

func (b *seriesBuilder) clone() seriesBuilder {
	c := *b
	c.points = slices.Clone(b.points)
	c.secs = slices.Clone(b.secs)
	return c
}

func (b *seriesBuilder) add(p Point) {
	if !b.started {
		b.started, b.last = true, b.origin-1
	}
	if p.T > b.last+1 && p.T-b.last <= maxGapFill {
		for s := b.last + 1; s < p.T; s++ {
			b.put(Point{T: s, TargetRate: b.target(s)}, 1)
		}
	}
	p.T = max(p.T, b.last)
	p.TargetRate = b.target(p.T)
	b.put(p, 1)
	b.last = p.T
}

func (b *seriesBuilder) put(p Point, secs int64) {
	p.T = b.origin + floorDiv(p.T-b.origin, b.interval)*b.interval
	if n := len(b.points); n > 0 && b.points[n-1].T == p.T {
		b.points[n-1] = mergeSeconds(b.points[n-1], p, b.secs[n-1], secs)
		b.secs[n-1] += secs
	} else {
		b.points = append(b.points, p)
		b.secs = append(b.secs, secs)
	}
	for len(b.points) > seriesCap {
		b.compact()
	}
}

// compact doubles the interval and merges the points that now share a
// bucket.
func (b *seriesBuilder) compact() {
	b.interval *= 2
	out, secs := b.points[:0], b.secs[:0]
	for i, p := range b.points {
		s := b.secs[i]
		p.T = b.origin + floorDiv(p.T-b.origin, b.interval)*b.interval
		if n := len(out); n > 0 && out[n-1].T == p.T {
			out[n-1] = mergeSeconds(out[n-1], p, secs[n-1], s)
			secs[n-1] += s
			continue
		}
		out = append(out, p)
		secs = append(secs, s)
	}
	b.points, b.secs = out, secs
}

// finish returns the series with offsets and achieved rates filled in.
func (b *seriesBuilder) finish() Series {
	s := Series{IntervalS: int(b.interval), Points: make([]Point, len(b.points))}
	for i, p := range b.points {
		p.OffsetS = float64(p.T - b.origin)
		if b.secs[i] > 0 {
			p.Rate = float64(p.Sent) / float64(b.secs[i])
		}
		s.Points[i] = p
	}
	return s
}

// mergeSeconds joins consecutive intervals of one run covering wa and wb
// seconds: the target rate is their time-weighted mean.
func mergeSeconds(a, b Point, wa, wb int64) Point {
	out := sumCounts(a, b)
	if wa+wb > 0 {
		out.TargetRate = (a.TargetRate*float64(wa) + b.TargetRate*float64(wb)) / float64(wa+wb)
	}
	return out
}

// mergeShards joins the same interval of two concurrent shards: target
// rates add up.
func mergeShards(a, b Point) Point {
	out := sumCounts(a, b)
	out.TargetRate = a.TargetRate + b.TargetRate
	return out
}

// sumCounts adds the counts; percentiles cannot be merged without the
// histograms, so p50 becomes the count-weighted mean and p99 the maximum.
func sumCounts(a, b Point) Point {
	out := a
	out.Sent = a.Sent + b.Sent
	out.OK = a.OK + b.OK
	out.Throttled = a.Throttled + b.Throttled
	out.Errors = a.Errors + b.Errors
	out.Violations = a.Violations + b.Violations
	if out.Sent > 0 {
		out.P50Ms = roundMs((a.P50Ms*float64(a.Sent) + b.P50Ms*float64(b.Sent)) / float64(out.Sent))
	}
	out.P99Ms = max(a.P99Ms, b.P99Ms)
	return out
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}
