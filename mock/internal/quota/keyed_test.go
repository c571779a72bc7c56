package quota

import (
	"fmt"
	"hash/maphash"
	"sync"
	"testing"
	"time"
)

func TestKeyedBuckets(t *testing.T) {
	tests := []struct {
		name  string
		rps   float64
		burst int
		calls []keyedCall
	}{
		{"unlimited", 0, 0, []keyedCall{{"a", 0, true}, {"a", 0, true}, {"a", 0, true}}},
		{"keys are independent", 10, 1, []keyedCall{
			{"alice", 0, true}, {"alice", 0, false}, {"bob", 0, true}, {"bob", 50 * time.Millisecond, false},
			{"alice", 100 * time.Millisecond, true}, {"bob", 100 * time.Millisecond, true},
		}},
		{"default burst", 3, 0, []keyedCall{
			{"u", 0, true}, {"u", 0, true}, {"u", 0, true}, {"u", 0, false}, {"v", 0, true},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := NewKeyedBuckets(tt.rps, tt.burst)
			runKeyed(t, k.Allow, tt.calls)
			k.Reset()
			if got := k.Len(); got != 0 {
				t.Fatalf("Len after Reset = %d, want 0", got)
			}
		})
	}
}

func TestKeyedWindows(t *testing.T) {
	tests := []struct {
		name    string
		limit   int
		period  time.Duration
		sliding bool
		calls   []keyedCall
	}{
		{"unlimited", 0, time.Hour, true, []keyedCall{{"a", 0, true}, {"a", 0, true}}},
		{"five per hour per user, sliding", 5, time.Hour, true, []keyedCall{
			{"u", 0, true}, {"u", time.Minute, true}, {"u", 2 * time.Minute, true}, {"u", 3 * time.Minute, true},
			{"u", 4 * time.Minute, true}, {"u", 5 * time.Minute, false}, {"v", 5 * time.Minute, true},
			{"u", 59 * time.Minute, false}, {"u", 60 * time.Minute, true}, {"u", 60 * time.Minute, false},
		}},
		{"fixed aligned", 1, time.Hour, false, []keyedCall{
			{"u", 59 * time.Minute, true}, {"u", 59 * time.Minute, false}, {"u", 60 * time.Minute, true},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := NewKeyedWindows(tt.limit, tt.period, tt.sliding)
			runKeyed(t, k.Allow, tt.calls)
			k.Reset()
			if !k.Allow(tt.calls[0].key, t0) {
				t.Fatal("Allow after Reset = false")
			}
		})
	}
}

type keyedCall struct {
	key  string
	at   time.Duration
	want bool
}

func runKeyed(t *testing.T, allow func(string, time.Time) bool, calls []keyedCall) {
	t.Helper()
	for i, c := range calls {
		if got := allow(c.key, t0.Add(c.at)); got != c.want {
			t.Fatalf("call %d (%s at +%v): Allow = %v, want %v", i, c.key, c.at, got, c.want)
		}
	}
}

// TestKeyedEviction checks that idle keys are dropped, so a long run touching many
// distinct users keeps memory bounded by the recently active ones.
func TestKeyedEviction(t *testing.T) {
	const users = 10_000
	type limiter struct {
		allow func(string, time.Time) bool
		len   func() int
	}
	kb := NewKeyedBuckets(10, 10)
	kf := NewKeyedWindows(5, time.Hour, false)
	ks := NewKeyedWindows(5, time.Hour, true)
	tests := []struct {
		name string
		limiter
		// idleAfter is long enough for every key to be idle and a sweep due.
		idleAfter time.Duration
	}{
		{"buckets", limiter{kb.Allow, kb.Len}, 3 * time.Second},
		{"fixed windows", limiter{kf.Allow, kf.Len}, 3 * time.Hour},
		{"sliding windows", limiter{ks.Allow, ks.Len}, 3 * time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for i := range users {
				tt.allow(fmt.Sprint("user-", i), t0)
			}
			if got := tt.len(); got != users {
				t.Fatalf("Len = %d after %d users, want %d", got, users, users)
			}
			// Enough later keys to land in every one of the 64 shards, so each sweeps.
			later := t0.Add(tt.idleAfter)
			for i := range 3000 {
				tt.allow(fmt.Sprint("late-", i), later)
			}
			if got := tt.len(); got != 3000 {
				t.Fatalf("Len = %d after the idle keys' sweep, want only the 3000 late keys", got)
			}
		})
	}
}

// companion returns a key other than key that hashes to the same shard, so a test can
// trigger a sweep of key's shard.
func companion[S any, O ops[S]](t *testing.T, k *keyed[S, O], key string) string {
	t.Helper()
	want := maphash.String(k.seed, key) & (shardCount - 1)
	for i := range 100_000 {
		c := fmt.Sprint("companion-", i)
		if maphash.String(k.seed, c)&(shardCount-1) == want {
			return c
		}
	}
	t.Fatal("no companion key found")
	return ""
}

// TestKeyedSweepKeepsBusyKeys checks that a sweep drops only state equal to a fresh one:
// a user still limited when its shard is swept stays limited afterwards.
func TestKeyedSweepKeepsBusyKeys(t *testing.T) {
	t.Run("bucket", func(t *testing.T) {
		k := NewKeyedBuckets(1, 2) // sweeps every 2s
		c := companion(t, &k.k, "u")
		runKeyed(t, k.Allow, []keyedCall{
			{"u", 0, true}, {"u", 0, true}, {"u", 1500 * time.Millisecond, true}, {"u", 1500 * time.Millisecond, false},
			{c, 2100 * time.Millisecond, true}, // sweeps: u holds 1.1 of 2 tokens
			{"u", 2100 * time.Millisecond, true}, {"u", 2100 * time.Millisecond, false},
		})
	})
	t.Run("sliding window", func(t *testing.T) {
		k := NewKeyedWindows(2, time.Hour, true)
		c := companion(t, &k.k, "u")
		runKeyed(t, k.Allow, []keyedCall{
			{"u", 0, true}, {"u", 30 * time.Minute, true}, {"u", 45 * time.Minute, false},
			{c, 61 * time.Minute, true}, // sweeps: u's 30m event is still in the window
			{"u", 61 * time.Minute, true}, {"u", 61 * time.Minute, false},
		})
	})
	t.Run("fixed window", func(t *testing.T) {
		k := NewKeyedWindows(1, time.Hour, false)
		c := companion(t, &k.k, "u")
		runKeyed(t, k.Allow, []keyedCall{
			{c, 30 * time.Minute, true}, // schedules the next sweep at 90m
			{"u", 80 * time.Minute, true},
			{c, 95 * time.Minute, true}, // sweeps: u's window [60m, 120m) is current
			{"u", 95 * time.Minute, false},
		})
	})
}

func TestKeyedConcurrent(t *testing.T) {
	// 8 goroutines share 4 users' buckets (burst 50, no refill within the same instant):
	// exactly 50 calls per user may pass however they interleave.
	k := NewKeyedBuckets(1, 50)
	w := NewWindow(100, time.Hour, true)
	var mu sync.Mutex
	passed := map[string]int{}
	windowPassed := 0
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 200 {
				user := fmt.Sprint("u", (g+i)%4)
				if k.Allow(user, t0) {
					mu.Lock()
					passed[user]++
					mu.Unlock()
				}
				if w.Allow(t0) {
					mu.Lock()
					windowPassed++
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	for u := range 4 {
		if got := passed[fmt.Sprint("u", u)]; got != 50 {
			t.Errorf("user u%d passed %d, want 50", u, got)
		}
	}
	if windowPassed != 100 {
		t.Errorf("window passed %d, want 100", windowPassed)
	}
}
