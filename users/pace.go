package users

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cogload/cogload/cognito"
	"github.com/cogload/cogload/idpclient"
)

// Pacing is how fast and how wide the admin calls go.
type Pacing struct {
	// Rate is users per second (default DefaultRate). Each user takes
	// one or two calls.
	Rate float64
	// Concurrency bounds the users in flight (default 4).
	Concurrency int
	// Backoff rides out throttling (TooManyRequestsException).
	Backoff idpclient.Backoff
}

// DefaultRate is the default pace, users per second: a tenth of the
// UserCreation quota's default of 50 requests per second per account
// (https://docs.aws.amazon.com/cognito/latest/developerguide/quotas.html),
// which every application creating users in the account shares.
const DefaultRate = 5

// QuotasPassed lists the calls a created user makes whose category's
// default quota (cognito.CategoryRPS, per account) a pace of rate users
// per second passes, as "Operation: Category, N requests/s". The quotas
// are shared by every application of the account: AdminSetUserPassword's
// UserAccountRecovery with their password resets.
func QuotasPassed(rate float64) []string {
	var passed []string
	for _, op := range []string{cognito.OpAdminCreateUser, cognito.OpAdminSetUserPassword} {
		cat := cognito.CategoryOf(op)
		if q := cognito.CategoryRPS[cat]; rate > q {
			passed = append(passed, fmt.Sprintf("%s: %s, %g requests/s", op, cat, q))
		}
	}
	return passed
}

func (p Pacing) withDefaults() Pacing {
	if p.Rate <= 0 {
		p.Rate = DefaultRate
	}
	if p.Concurrency <= 0 {
		p.Concurrency = 4
	}
	if p.Backoff == (idpclient.Backoff{}) {
		// Other applications of the account share the quotas: wait up
		// to about a minute for them before giving up on a user.
		p.Backoff = idpclient.Backoff{Attempts: 8, Base: 500 * time.Millisecond}
	}
	return p
}

// batch is how many users are worked on between two saves of the
// manifest: about five seconds' worth, at least 10 and at most 500.
func (p Pacing) batch() int {
	return min(max(int(p.Rate*5), 10), 500)
}

// pacer hands out start times 1/rate apart.
type pacer struct {
	mu       sync.Mutex
	interval time.Duration
	next     time.Time
}

func newPacer(rate float64) *pacer {
	return &pacer{interval: time.Duration(float64(time.Second) / rate)}
}

// wait blocks until the caller's turn.
func (p *pacer) wait(ctx context.Context) error {
	p.mu.Lock()
	now := time.Now()
	slot := p.next
	if slot.Before(now) {
		slot = now
	}
	p.next = slot.Add(p.interval)
	p.mu.Unlock()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(time.Until(slot)):
		return nil
	}
}

// run calls do for 0..n-1, paced and at most p.Concurrency at a time, in
// order of start. It stops starting new ones once ctx ends or do returns
// false, and returns when every started call has returned.
func (p Pacing) run(ctx context.Context, n int, do func(ctx context.Context, i int) bool) {
	pace := newPacer(p.Rate)
	var next atomic.Int64
	var stop atomic.Bool
	var wg sync.WaitGroup
	for range min(p.Concurrency, n) {
		wg.Go(func() {
			for !stop.Load() {
				if pace.wait(ctx) != nil {
					return
				}
				i := int(next.Add(1) - 1)
				if i >= n || stop.Load() {
					return
				}
				if !do(ctx, i) {
					stop.Store(true)
				}
			}
		})
	}
	wg.Wait()
}

// callTimeout bounds one admin call, which an interrupt does not cut
// short.
const callTimeout = 30 * time.Second

// throttleCounter counts the throttled tries of calls run through it.
type throttleCounter struct{ n atomic.Int64 }

// do runs try with b, counting each throttled answer. A call once sent
// is let finish whatever happens to ctx: an interrupt stops the work
// between calls (and the waits between tries), so the manifest knows how
// every call that reached the service ended.
func (tc *throttleCounter) do(ctx context.Context, b idpclient.Backoff, try func(context.Context) error) error {
	return b.Do(ctx, func(context.Context) error {
		callCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), callTimeout)
		defer cancel()
		err := try(callCtx)
		if idpclient.Throttled(err) {
			tc.n.Add(1)
		}
		return err
	})
}
