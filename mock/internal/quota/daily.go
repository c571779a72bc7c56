package quota

import (
	"sync"
	"time"
)

const day = int64(24 * time.Hour)

// Daily counts events per UTC calendar day, like Cognito's default-email daily limit,
// which resets at 00:00 UTC. The zero value is not usable; call NewDaily.
type Daily struct {
	limit int
	mu    sync.Mutex
	st    windowState
}

// NewDaily returns a daily counter admitting limit events per UTC day; limit <= 0 is
// unlimited.
func NewDaily(limit int) *Daily {
	return &Daily{limit: max(limit, 0)}
}

// Allow reports whether an event at now fits today's limit, and if so counts it. Unix
// time has no leap seconds, so epoch-aligned 24h windows are exactly UTC days.
func (d *Daily) Allow(now time.Time) bool {
	if d.limit == 0 {
		return true
	}
	n := now.UnixNano()
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
