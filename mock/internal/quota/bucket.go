package quota

import (
	"math"
	"sync"
	"time"
)

// epsilon absorbs float rounding in refills so that, e.g., exactly 1/rps seconds after a
// bucket empties one whole token is available again.
const epsilon = 1e-9

// Bucket is a token bucket: it admits bursts of up to burst events and refills at rps
// tokens per second. The zero value is not usable; call NewBucket.
type Bucket struct {
	rate  float64 // tokens per nanosecond; 0 means unlimited
	burst float64
	mu    sync.Mutex
	st    bucketState
}

// bucketState is the per-limiter state, kept apart from the parameters so that keyed
// maps can store one small value per key and share the parameters.
type bucketState struct {
	tokens float64
	last   int64 // UnixNano of the last refill
}

// NewBucket returns a full bucket refilling at rps tokens per second. rps <= 0 makes it
// unlimited. burst <= 0 defaults to max(1, ceil(rps)), one second's worth of tokens.
func NewBucket(rps float64, burst int) *Bucket {
	rate, b := bucketParams(rps, burst)
	return &Bucket{rate: rate, burst: b, st: bucketState{tokens: b, last: math.MinInt64}}
}

func bucketParams(rps float64, burst int) (rate, b float64) {
	if !(rps > 0) || math.IsInf(rps, 1) { // NaN and +Inf also mean "no limit"
		return 0, 0
	}
	if burst <= 0 {
		burst = int(max(1, math.Ceil(rps)))
	}
	return rps / 1e9, float64(burst)
}

// Allow reports whether an event at now fits the quota, and if so consumes one token.
func (b *Bucket) Allow(now time.Time) bool {
	if b.rate == 0 {
		return true
	}
	n := now.UnixNano()
	b.mu.Lock()
	ok := b.st.allow(n, b.rate, b.burst)
	b.mu.Unlock()
	return ok
}

// Reset refills the bucket as if it had been idle forever.
func (b *Bucket) Reset() {
	b.mu.Lock()
	b.st = bucketState{tokens: b.burst, last: math.MinInt64}
	b.mu.Unlock()
}

func (s *bucketState) allow(now int64, rate, burst float64) bool {
	if s.last == math.MinInt64 {
		s.last = now
	} else if now > s.last {
		s.tokens = min(burst, s.tokens+float64(now-s.last)*rate)
		s.last = now
	}
	if s.tokens >= 1-epsilon {
		s.tokens--
		return true
	}
	return false
}

// idle reports whether the bucket would be full at now, so forgetting it changes nothing.
func (s *bucketState) idle(now int64, rate, burst float64) bool {
	return now > s.last && s.tokens+float64(now-s.last)*rate >= burst-epsilon
}
