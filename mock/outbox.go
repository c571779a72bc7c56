package mock

import (
	"sync"

	"github.com/cogload/cogload/mock/sidedoor"
)

// outbox is a bounded ring of deliveries, oldest first.
type outbox struct {
	mu    sync.Mutex
	ring  []sidedoor.Delivery
	next  int
	full  bool
	limit int
}

func newOutbox(n int) *outbox {
	return &outbox{ring: make([]sidedoor.Delivery, 0, min(n, 1024)), limit: n}
}

func (o *outbox) add(d sidedoor.Delivery) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if len(o.ring) < o.limit {
		o.ring = append(o.ring, d)
		return
	}
	o.ring[o.next] = d
	o.next = (o.next + 1) % o.limit
	o.full = true
}

// list returns the matching deliveries, oldest first, at most limit (the
// newest ones) when limit > 0.
func (o *outbox) list(match func(*sidedoor.Delivery) bool, limit int) []sidedoor.Delivery {
	o.mu.Lock()
	defer o.mu.Unlock()
	out := []sidedoor.Delivery{}
	n := len(o.ring)
	for i := range n {
		d := &o.ring[(o.next+i)%n]
		if match(d) {
			out = append(out, *d)
		}
	}
	if limit > 0 && len(out) > limit {
		out = out[len(out)-limit:]
	}
	return out
}

func (o *outbox) clear() {
	o.mu.Lock()
	o.ring, o.next, o.full = o.ring[:0], 0, false
	o.mu.Unlock()
}
