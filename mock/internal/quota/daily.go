package quota

import (
	"sync"
	"time"
)

const day = int64(24 * time.Hour)

// Daily counts events per day, where a day starts at a fixed UTC time of day, like
// Cognito's default-email daily limit, which resets at 09:00 UTC. The zero value is
// not usable; call NewDaily.
type Daily struct {
	limit   int
	resetAt int64 // offset of the day's start from 00:00 UTC
	mu      sync.Mutex
	st      windowState
}

// NewDaily returns a daily counter admitting limit events per day, the day starting at
// resetAt past 00:00 UTC; limit <= 0 is unlimited.
func NewDaily(limit int, resetAt time.Duration) *Daily {
	return &Daily{limit: max(limit, 0), resetAt: int64(resetAt % (24 * time.Hour))}
}

// Allow reports whether an event at now fits today's limit, and if so counts it. Unix
// time has no leap seconds, so epoch-aligned 24h windows shifted by resetAt are exactly
// the days.
func (d *Daily) Allow(now time.Time) bool {
	if d.limit == 0 {
		return true
	}
	n := now.UnixNano() - d.resetAt
	d.mu.Lock()
	ok := d.st.allow(n, d.limit, day, false)
	d.mu.Unlock()
	return ok
}

// Reset forgets today's count.
func (d *Daily) Reset() {
	d.mu.Lock()
	d.st = windowState{}
	d.mu.Unlock()
}
