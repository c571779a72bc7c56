package mock

import (
	"sync"
	"time"
)

// Delivery is one code the mock "sent", as GET /_mock/outbox lists it.
type Delivery struct {
	Time        time.Time `json:"time"`
	PoolID      string    `json:"poolId"`
	Username    string    `json:"username"`
	Attribute   string    `json:"attribute"`
	Medium      string    `json:"medium"`
	Destination string    `json:"destination"`
	Code        string    `json:"code"`
	// ClientMetadata is what the custom-message trigger saw: null when the
	// request had none, {} when it had an empty map. Nil without a trigger
	// or when capture is off.
	ClientMetadata map[string]string `json:"clientMetadata"`
	// TriggerSource is CustomMessage_VerifyUserAttribute when the trigger
	// ran, else empty.
	TriggerSource string `json:"triggerSource"`
}

// outbox is a bounded ring of deliveries, oldest first.
type outbox struct {
	mu    sync.Mutex
	ring  []Delivery
	next  int
	full  bool
	limit int
}

func newOutbox(n int) *outbox { return &outbox{ring: make([]Delivery, 0, min(n, 1024)), limit: n} }

func (o *outbox) add(d Delivery) {
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
func (o *outbox) list(match func(*Delivery) bool, limit int) []Delivery {
	o.mu.Lock()
	defer o.mu.Unlock()
	out := []Delivery{}
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
