package quota

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"
)

// t0 is an arbitrary hour-aligned UTC instant, so fixed-window alignment is visible.
var t0 = time.Date(2026, 3, 14, 10, 0, 0, 0, time.UTC)

// step is one call in a scripted scenario: at t0+at, Allow must answer want.
type step struct {
	at   time.Duration
	want bool
}

// script builds steps from a compact "offset:+" / "offset:-" notation, e.g.
// "0:+ 0:+ 0:- 100ms:+", so tables read like timelines.
func script(t *testing.T, s string) []step {
	t.Helper()
	var out []step
	for _, f := range strings.Fields(s) {
		at, verdict, ok := strings.Cut(f, ":")
		if !ok || (verdict != "+" && verdict != "-") {
			t.Fatalf("bad step %q", f)
		}
		d, err := time.ParseDuration(at)
		if err != nil {
			t.Fatalf("bad step %q: %v", f, err)
		}
		out = append(out, step{at: d, want: verdict == "+"})
	}
	return out
}

func run(t *testing.T, allow func(time.Time) bool, steps []step) {
	t.Helper()
	for i, s := range steps {
		if got := allow(t0.Add(s.at)); got != s.want {
			t.Fatalf("step %d at +%v: Allow = %v, want %v", i, s.at, got, s.want)
		}
	}
}

func TestBucket(t *testing.T) {
	tests := []struct {
		name  string
		rps   float64
		burst int
		steps string
	}{
		{"unlimited zero", 0, 0, "0:+ 0:+ 0:+ 0:+ 0:+"},
		{"unlimited negative", -5, 3, "0:+ 0:+ 0:+ 0:+"},
		{"unlimited NaN", math.NaN(), 3, "0:+ 0:+ 0:+ 0:+"},
		{"burst then refill", 10, 3, "0:+ 0:+ 0:+ 0:- 50ms:- 100ms:+ 100ms:- 200ms:+"},
		{"default burst is ceil(rps)", 2.5, 0, "0:+ 0:+ 0:+ 0:- 400ms:+ 400ms:-"},
		{"default burst at least one", 0.5, 0, "0:+ 0:- 1s:- 2s:+ 2s:-"},
		{"refill caps at burst", 10, 2, "0:+ 0:+ 10s:+ 10s:+ 10s:-"},
		{"partial tokens accumulate", 4, 1, "0:+ 100ms:- 200ms:- 250ms:+"},
		{"backwards time refunds nothing", 1, 1, "10s:+ 5s:- 10s:- 11s:+"},
		{"sustained exact rate", 100, 1, "0:+ 10ms:+ 20ms:+ 30ms:+ 35ms:- 40ms:+"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := NewBucket(tt.rps, tt.burst)
			run(t, b.Allow, script(t, tt.steps))
			b.Reset()
			if tt.rps > 0 && !b.Allow(t0) {
				t.Fatal("Allow after Reset = false, want a full bucket")
			}
		})
	}
}

func TestBucketLongRunCount(t *testing.T) {
	// Offered 1000 rps for 10 s against 30 rps with burst 30: the bucket must admit the
	// burst plus 30 per second, with no drift from float rounding.
	b := NewBucket(30, 30)
	got := 0
	for i := range 10_000 {
		if b.Allow(t0.Add(time.Duration(i) * time.Millisecond)) {
			got++
		}
	}
	if want := 30 + 30*10; got < want-1 || got > want {
		t.Fatalf("admitted %d of 10000, want %d (±1 for the last partial token)", got, want)
	}
}

func TestWindowFixed(t *testing.T) {
	tests := []struct {
		name   string
		limit  int
		period time.Duration
		steps  string
	}{
		{"unlimited", 0, time.Hour, "0:+ 0:+ 0:+ 0:+"},
		{"zero period unlimited", 1, 0, "0:+ 0:+ 0:+"},
		{"limit within window", 2, time.Hour, "0:+ 1m:+ 2m:- 59m59s:-"},
		{"resets at aligned boundary", 2, time.Hour, "59m:+ 59m:+ 59m59s:- 60m:+ 60m:+ 61m:-"},
		{"boundary burst allowed", 1, time.Minute, "59s:+ 60s:+ 61s:- 119s:- 120s:+"},
		{"backwards step counts against newest", 1, time.Minute, "61s:+ 30s:- 62s:- 120s:+"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := NewWindow(tt.limit, tt.period, false)
			run(t, w.Allow, script(t, tt.steps))
		})
	}
}

func TestWindowSliding(t *testing.T) {
	tests := []struct {
		name   string
		limit  int
		period time.Duration
		steps  string
	}{
		{"unlimited", -1, time.Hour, "0:+ 0:+ 0:+"},
		{"five per hour", 5, time.Hour, "0:+ 1m:+ 2m:+ 3m:+ 4m:+ 5m:- 59m59s:- 60m:+ 60m:- 61m:+ 62m:+ 63m:+ 63m30s:- 64m:+ 64m:- 120m:+"},
		{"no boundary burst", 1, time.Minute, "59s:+ 60s:- 61s:- 118s:- 119s:+"},
		{"exactly one period later frees a slot", 2, time.Second, "0:+ 500ms:+ 999ms:- 1s:+ 1s:- 1500ms:+ 1500ms:-"},
		{"rejections don't consume", 1, time.Second, "0:+ 500ms:- 900ms:- 1s:+"},
		{"backwards step", 1, time.Second, "5s:+ 4500ms:- 5999ms:- 6s:+"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := NewWindow(tt.limit, tt.period, true)
			run(t, w.Allow, script(t, tt.steps))
		})
	}
}

func TestWindowReset(t *testing.T) {
	for _, sliding := range []bool{false, true} {
		t.Run(fmt.Sprint("sliding=", sliding), func(t *testing.T) {
			w := NewWindow(1, time.Hour, sliding)
			run(t, w.Allow, script(t, "0:+ 1m:-"))
			w.Reset()
			run(t, w.Allow, script(t, "2m:+ 3m:-"))
		})
	}
}

func TestDaily(t *testing.T) {
	midnight := time.Date(2026, 3, 15, 0, 0, 0, 0, time.UTC)
	nine := midnight.Add(9 * time.Hour)
	tests := []struct {
		name    string
		limit   int
		resetAt time.Duration
		at      []time.Time
		want    []bool
	}{
		{"unlimited", 0, 0, []time.Time{t0, t0, t0}, []bool{true, true, true}},
		{
			"resets at 00:00 UTC", 2, 0,
			[]time.Time{midnight.Add(-time.Hour), midnight.Add(-time.Minute), midnight.Add(-time.Nanosecond), midnight, midnight.Add(23 * time.Hour), midnight.Add(23*time.Hour + time.Minute)},
			[]bool{true, true, false, true, true, false},
		},
		{
			// Cognito's default email resets at 09:00 UTC: midnight is no boundary.
			"resets at 09:00 UTC", 2, 9 * time.Hour,
			[]time.Time{midnight.Add(-time.Hour), midnight.Add(time.Hour), nine.Add(-time.Nanosecond), nine, nine.Add(time.Hour), nine.Add(2 * time.Hour)},
			[]bool{true, true, false, true, true, false},
		},
		{
			// 23:30 in UTC-05 is 04:30 UTC the next day: a local midnight must not reset it.
			"zone of now is irrelevant", 1, 0,
			[]time.Time{midnight.Add(time.Hour), midnight.Add(4 * time.Hour).In(time.FixedZone("EST", -5*3600)), midnight.Add(24 * time.Hour).In(time.FixedZone("EST", -5*3600))},
			[]bool{true, false, true},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := NewDaily(tt.limit, tt.resetAt)
			for i, at := range tt.at {
				if got := d.Allow(at); got != tt.want[i] {
					t.Fatalf("call %d at %v: Allow = %v, want %v", i, at, got, tt.want[i])
				}
			}
			d.Reset()
			if !d.Allow(tt.at[len(tt.at)-1]) {
				t.Fatal("Allow after Reset = false")
			}
		})
	}
}

func TestFloorDiv(t *testing.T) {
	tests := []struct{ a, b, want int64 }{
		{7, 2, 3}, {-7, 2, -4}, {-8, 2, -4}, {0, 5, 0}, {-1, 5, -1}, {5, 5, 1},
	}
	for _, tt := range tests {
		if got := floorDiv(tt.a, tt.b); got != tt.want {
			t.Errorf("floorDiv(%d, %d) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

// FuzzSlidingWindow checks the ring against the definition — at most limit admitted events
// in any period-long interval, and an event is refused only when admitting it would break
// that — on arbitrary non-decreasing timelines.
func FuzzSlidingWindow(f *testing.F) {
	f.Add(uint8(3), uint16(100), []byte{0, 10, 10, 50, 90, 1, 200})
	f.Add(uint8(1), uint16(1), []byte{0, 0, 1, 1})
	f.Fuzz(func(t *testing.T, limit uint8, period uint16, gaps []byte) {
		if limit == 0 || period == 0 {
			return
		}
		w := NewWindow(int(limit), time.Duration(period), true)
		var admitted []int64
		now := int64(0)
		for _, g := range gaps {
			now += int64(g)
			in := 0
			for _, a := range admitted {
				if now-a < int64(period) {
					in++
				}
			}
			want := in < int(limit)
			if got := w.Allow(time.Unix(0, now)); got != want {
				t.Fatalf("at %d with %d in window (limit %d): Allow = %v, want %v", now, in, limit, got, want)
			}
			if want {
				admitted = append(admitted, now)
			}
		}
	})
}
