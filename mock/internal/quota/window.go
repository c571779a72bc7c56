package quota

import (
	"sync"
	"time"
)

// Window admits at most limit events per period. A fixed window counts events in
// consecutive periods aligned to the Unix epoch (so a 1h window resets on the hour, UTC);
// a sliding window admits an event only if fewer than limit events were admitted in the
// period ending at it, which is how "5 attempts per hour" behaves for a user hammering
// the API across an hour boundary. The zero value is not usable; call NewWindow.
type Window struct {
	limit   int // <= 0: unlimited
	period  int64
	sliding bool
	mu      sync.Mutex
	st      windowState
}

// windowState is one limiter's state. A fixed window uses start and count; a sliding
// window keeps the admission times of the last limit admitted events in a ring, so its
// memory is O(min(limit, events admitted)).
type windowState struct {
	start int64 // fixed: index of the current window
	count int   // fixed: events admitted in it
	ring  []int64
	head  int // sliding: index of the oldest kept admission once the ring is full
	last  int64
}

// NewWindow returns a window limiter. limit <= 0, or period <= 0, makes it unlimited.
func NewWindow(limit int, period time.Duration, sliding bool) *Window {
	if period <= 0 {
		limit = 0
	}
	return &Window{limit: max(limit, 0), period: int64(period), sliding: sliding}
}

// Allow reports whether an event at now fits the limit, and if so counts it.
func (w *Window) Allow(now time.Time) bool {
	if w.limit == 0 {
		return true
	}
	n := now.UnixNano()
	w.mu.Lock()
	ok := w.st.allow(n, w.limit, w.period, w.sliding)
	w.mu.Unlock()
	return ok
}

// Reset forgets every counted event.
func (w *Window) Reset() {
	w.mu.Lock()
	w.st = windowState{}
	w.mu.Unlock()
}

func (s *windowState) allow(now int64, limit int, period int64, sliding bool) bool {
	if sliding {
		return s.allowSliding(now, limit, period)
	}
	idx := floorDiv(now, period)
	if s.count == 0 || idx > s.start {
		s.start, s.count = idx, 0
	}
	// idx < s.start is a clock step backwards: count it against the newest window.
	if s.count >= limit {
		return false
	}
	s.count++
	return true
}

func (s *windowState) allowSliding(now int64, limit int, period int64) bool {
	if len(s.ring) > 0 && now < s.last {
		now = s.last // never let a backwards step re-admit expired events out of order
	}
	if len(s.ring) < limit {
		s.ring = append(s.ring, now)
		s.last = now
		return true
	}
	// The ring is full: the oldest of the last limit admissions must have left the
	// period (now-period, now].
	if now-s.ring[s.head] < period {
		return false
	}
	s.ring[s.head] = now
	s.head++
	if s.head == len(s.ring) {
		s.head = 0
	}
	s.last = now
	return true
}

// idle reports whether the state is equivalent to a fresh one at now and later.
func (s *windowState) idle(now int64, period int64, sliding bool) bool {
	if sliding {
		return len(s.ring) == 0 || now-s.last >= period
	}
	return s.count == 0 || floorDiv(now, period) > s.start
}

// floorDiv divides rounding towards minus infinity, so windows before 1970 align too.
func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}
