package users

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

// The calls start 1/rate apart, never more than Concurrency at once, and
// stop at the first refusal or when the context ends.
func TestPacingRun(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := Pacing{Rate: 10, Concurrency: 3}.withDefaults()
		var inFlight, most, calls atomic.Int64
		p.run(context.Background(), 20, func(context.Context, int) bool {
			n := inFlight.Add(1)
			for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
			}
			time.Sleep(time.Second) // a slow call: the concurrency, not the pace, bounds the rate
			inFlight.Add(-1)
			calls.Add(1)
			return true
		})
		if calls.Load() != 20 || most.Load() > 3 {
			t.Fatalf("%d calls, %d at most at once", calls.Load(), most.Load())
		}

		// Instant calls: only the pace can make 20 of them take 1.9 s
		// (the first at once, then one every 100ms).
		calls.Store(0)
		start := time.Now()
		p.run(context.Background(), 20, func(context.Context, int) bool { calls.Add(1); return true })
		if calls.Load() != 20 {
			t.Fatalf("%d calls, want 20", calls.Load())
		}
		if took := time.Since(start); took < 1900*time.Millisecond {
			t.Errorf("20 calls took %s, faster than 10 a second", took)
		}

		calls.Store(0)
		p.run(context.Background(), 20, func(_ context.Context, i int) bool { calls.Add(1); return i < 4 })
		if n := calls.Load(); n < 5 || n > 5+int64(p.Concurrency) {
			t.Errorf("%d calls after a refusal at the fifth", n)
		}

		ctx, cancel := context.WithTimeout(context.Background(), 550*time.Millisecond)
		defer cancel()
		calls.Store(0)
		p.run(ctx, 100, func(context.Context, int) bool { calls.Add(1); return true })
		if n := calls.Load(); n < 5 || n > 7 {
			t.Errorf("%d calls in 550ms at 10 a second", n)
		}
	})
}

func TestQuotasPassed(t *testing.T) {
	for _, tt := range []struct {
		rate float64
		want string
	}{
		{5, ""},
		{30, ""},
		{40, "AdminSetUserPassword: UserAccountRecovery, 30 requests/s"},
		{500, "AdminCreateUser: UserCreation, 50 requests/s; AdminSetUserPassword: UserAccountRecovery, 30 requests/s"},
	} {
		if got := strings.Join(QuotasPassed(tt.rate), "; "); got != tt.want {
			t.Errorf("QuotasPassed(%v) = %q, want %q", tt.rate, got, tt.want)
		}
	}
}
