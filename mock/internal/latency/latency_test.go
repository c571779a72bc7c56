package latency

import (
	"errors"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestModelValidate(t *testing.T) {
	tests := []struct {
		name    string
		m       Model
		wantErr string // substring; "" means valid
	}{
		{"zero", Model{}, ""},
		{"lognormal", Model{P50: 20 * time.Millisecond, P99: 150 * time.Millisecond}, ""},
		{"constant", Model{P50: 5 * time.Millisecond, P99: 5 * time.Millisecond}, ""},
		{"p50 without p99", Model{P50: 5 * time.Millisecond}, "below p50"},
		{"p99 below p50", Model{P50: 50 * time.Millisecond, P99: 10 * time.Millisecond}, "below p50"},
		{"p99 without p50", Model{P99: 10 * time.Millisecond}, "needs a p50"},
		{"negative", Model{P50: -time.Millisecond, P99: time.Millisecond}, "negative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.m.Validate()
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Validate() = %v, want an error containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestModelSampleDegenerate(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	tests := []struct {
		name string
		m    Model
		want time.Duration
	}{
		{"zero", Model{}, 0},
		{"constant", Model{P50: 7 * time.Millisecond, P99: 7 * time.Millisecond}, 7 * time.Millisecond},
		{"invalid p99 below p50 samples p50", Model{P50: 7 * time.Millisecond, P99: time.Millisecond}, 7 * time.Millisecond},
		{"invalid negative samples 0", Model{P50: -1, P99: 5}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for range 100 {
				if got := tt.m.Sample(r); got != tt.want {
					t.Fatalf("Sample() = %v, want %v", got, tt.want)
				}
			}
		})
	}
}

// TestModelSampleDistribution checks, with a fixed seed, that the empirical median and
// 99th percentile of many draws land near the configured ones. The band is generous
// (±5% at p50, ±10% at p99 for 200k draws, several standard errors wide) so the test
// checks the fit, not luck.
func TestModelSampleDistribution(t *testing.T) {
	tests := []Model{
		{P50: 20 * time.Millisecond, P99: 150 * time.Millisecond},
		{P50: 200 * time.Microsecond, P99: 250 * time.Microsecond},
		{P50: time.Second, P99: 30 * time.Second},
	}
	for _, m := range tests {
		t.Run(m.P50.String()+"-"+m.P99.String(), func(t *testing.T) {
			r := rand.New(rand.NewPCG(42, 7))
			const n = 200_000
			xs := make([]time.Duration, n)
			for i := range xs {
				xs[i] = m.Sample(r)
				if xs[i] <= 0 {
					t.Fatalf("draw %d = %v, want > 0", i, xs[i])
				}
			}
			slices.Sort(xs)
			within(t, "p50", xs[n/2], m.P50, 0.05)
			within(t, "p99", xs[n*99/100], m.P99, 0.10)
		})
	}
}

func within(t *testing.T, what string, got, want time.Duration, frac float64) {
	t.Helper()
	if lo, hi := float64(want)*(1-frac), float64(want)*(1+frac); float64(got) < lo || float64(got) > hi {
		t.Errorf("%s = %v, want %v ±%.0f%%", what, got, want, frac*100)
	}
}

func TestModelSampleRepeatable(t *testing.T) {
	m := Model{P50: 10 * time.Millisecond, P99: 80 * time.Millisecond}
	a, b := rand.New(rand.NewPCG(9, 9)), rand.New(rand.NewPCG(9, 9))
	for i := range 1000 {
		if x, y := m.Sample(a), m.Sample(b); x != y {
			t.Fatalf("draw %d differs with the same seed: %v vs %v", i, x, y)
		}
	}
}

func TestFaultsValidate(t *testing.T) {
	tests := []struct {
		name    string
		f       Faults
		wantErr string
	}{
		{"nil", nil, ""},
		{"sums to one with rounding", Faults{"A": 0.1, "B": 0.2, "C": 0.7}, ""},
		{"zero probability", Faults{"A": 0}, ""},
		{"over one", Faults{"A": 0.6, "B": 0.5}, "sum to"},
		{"negative", Faults{"InternalErrorException": -0.1}, "InternalErrorException: probability -0.1"},
		{"above one", Faults{"A": 1.5}, "A: probability 1.5"},
		{"empty name", Faults{"": 0.1}, "empty error type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.f.Validate()
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !errors.Is(err, ErrFaults) {
				t.Fatalf("Validate() = %v, want an ErrFaults containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestFaultsPickFrequencies(t *testing.T) {
	f := Faults{"InternalErrorException": 0.05, "TooManyRequestsException": 0.2, "CodeDeliveryFailureException": 0.0}
	for _, pick := range []struct {
		name string
		fn   func(*rand.Rand) (string, bool)
	}{{"map", f.Pick}, {"compiled", f.Compile().Pick}} {
		t.Run(pick.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(3, 4))
			const n = 100_000
			counts := map[string]int{}
			for range n {
				name, ok := pick.fn(r)
				if ok != (name != "") {
					t.Fatalf("Pick = (%q, %v): name and ok disagree", name, ok)
				}
				counts[name]++
			}
			if counts["CodeDeliveryFailureException"] != 0 {
				t.Errorf("zero-probability fault picked %d times", counts["CodeDeliveryFailureException"])
			}
			for name, p := range map[string]float64{"InternalErrorException": 0.05, "TooManyRequestsException": 0.2, "": 0.75} {
				if got := float64(counts[name]) / n; got < p*0.9 || got > p*1.1 {
					t.Errorf("%q picked %.4f of the time, want %.2f ±10%%", name, got, p)
				}
			}
		})
	}
}

func TestFaultsPickRepeatable(t *testing.T) {
	// Build equal maps in different insertion orders: the sorted walk must make the
	// sequences identical for the same seed, and Compile must match Pick.
	f1 := Faults{}
	f2 := Faults{}
	names := []string{"A", "B", "C", "D", "E", "F", "G", "H", "I", "J"} // more than the stack buffer
	for i, n := range names {
		f1[n] = 0.05
		f2[names[len(names)-1-i]] = 0.05
	}
	r1, r2, r3 := rand.New(rand.NewPCG(5, 5)), rand.New(rand.NewPCG(5, 5)), rand.New(rand.NewPCG(5, 5))
	c := f1.Compile()
	for i := range 2000 {
		a, _ := f1.Pick(r1)
		b, _ := f2.Pick(r2)
		d, _ := c.Pick(r3)
		if a != b || a != d {
			t.Fatalf("draw %d: Pick gave %q and %q, compiled %q; want equal", i, a, b, d)
		}
	}
}

func TestFaultsPickEdges(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	if name, ok := (Faults{}).Pick(r); ok || name != "" {
		t.Fatalf("empty Pick = (%q, %v), want no fault", name, ok)
	}
	if name, ok := (*Picker)(nil).Pick(r); ok || name != "" {
		t.Fatalf("nil Picker Pick = (%q, %v), want no fault", name, ok)
	}
	always := Faults{"X": 1}
	for range 1000 {
		if name, ok := always.Pick(r); !ok || name != "X" {
			t.Fatalf("probability-1 Pick = (%q, %v), want X", name, ok)
		}
	}
	// An empty table must not consume a draw, so it cannot shift other random streams.
	a, b := rand.New(rand.NewPCG(2, 2)), rand.New(rand.NewPCG(2, 2))
	Faults{}.Pick(a)
	if a.Uint64() != b.Uint64() {
		t.Fatal("empty Faults.Pick consumed a random draw")
	}
}

func BenchmarkModelSample(b *testing.B) {
	m := Model{P50: 20 * time.Millisecond, P99: 150 * time.Millisecond}
	r := rand.New(rand.NewPCG(1, 2))
	for b.Loop() {
		m.Sample(r)
	}
}

func BenchmarkFaultsPick(b *testing.B) {
	f := Faults{"InternalErrorException": 0.01, "TooManyRequestsException": 0.02, "CodeDeliveryFailureException": 0.01}
	r := rand.New(rand.NewPCG(1, 2))
	b.Run("map", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			f.Pick(r)
		}
	})
	b.Run("compiled", func(b *testing.B) {
		p := f.Compile()
		b.ReportAllocs()
		for b.Loop() {
			p.Pick(r)
		}
	})
}
