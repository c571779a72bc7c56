package stats

import (
	"math"
	"testing"
)

func near(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	if math.Abs(got-want) > tol || math.IsNaN(got) {
		t.Errorf("%s = %.10g, want %.10g ±%g", what, got, want, tol)
	}
}

// Known values: chi-square critical values from any statistics table
// (NIST/SEMATECH e-Handbook, table 1.3.6.7.4) and closed forms.
func TestChiSquareSF(t *testing.T) {
	tests := []struct {
		x, df, want float64
	}{
		{3.841458820694124, 1, 0.05},
		{6.634896601021214, 1, 0.01},
		{5.991464547107979, 2, 0.05},
		{9.210340371976184, 2, 0.01},
		{23.209251158954356, 10, 0.01},
		{67.50480642, 50, 0.05},
		{2, 2, math.Exp(-1)}, // df 2: SF(x) = exp(−x/2)
		{0, 3, 1},
		{1000, 3, 0},
	}
	for _, tt := range tests {
		near(t, "ChiSquareSF", ChiSquareSF(tt.x, tt.df), tt.want, 1e-8)
	}
}

// Kolmogorov's critical values: λ = 1.3581 at 5%, 1.6276 at 1%.
func TestKolmogorovQ(t *testing.T) {
	near(t, "Q(1.3581)", KolmogorovQ(1.3581), 0.05, 2e-5)
	near(t, "Q(1.6276)", KolmogorovQ(1.6276), 0.01, 2e-5)
	near(t, "Q(0)", KolmogorovQ(0), 1, 0)
	near(t, "Q(5)", KolmogorovQ(5), 0, 1e-20)
}

// Wilson intervals as published (Newcombe 1998, table I, 95%).
func TestProportion(t *testing.T) {
	tests := []struct {
		k, n   uint64
		lo, hi float64
	}{
		{81, 263, 0.2553, 0.3662},
		{15, 148, 0.0624, 0.1605},
		{0, 20, 0, 0.1611},
		{1, 29, 0.0061, 0.1718},
		{0, 0, 0, 1},
	}
	for _, tt := range tests {
		iv := Proportion(tt.k, tt.n, Z95)
		near(t, "lo", iv.Lo, tt.lo, 5e-5)
		near(t, "hi", iv.Hi, tt.hi, 5e-5)
	}
}

func TestQuantileRanks(t *testing.T) {
	tests := []struct {
		n      uint64
		q      float64
		lo, hi uint64
	}{
		// n=100 median: 50 ± 1.96·5 → ranks 40 and 61 (Conover's rule).
		{100, 0.5, 40, 61},
		{1000, 0.99, 983, 998},
		{10, 0.99, 9, 10},
		{0, 0.5, 0, 0},
	}
	for _, tt := range tests {
		lo, hi := QuantileRanks(tt.n, tt.q, Z95)
		if lo != tt.lo || hi != tt.hi {
			t.Errorf("QuantileRanks(%d, %v) = %d, %d; want %d, %d", tt.n, tt.q, lo, hi, tt.lo, tt.hi)
		}
	}
}

func TestMean(t *testing.T) {
	iv := Mean([]float64{1, 2, 3})
	// mean 2, sd 1, t(2)=4.3027: half-width 4.3027/√3.
	near(t, "mean", iv.Value, 2, 0)
	near(t, "hi", iv.Hi, 2+4.302652729749464/math.Sqrt(3), 1e-9)
	if iv := Mean([]float64{7}); iv.Value != 7 || !math.IsInf(iv.Hi, 1) {
		t.Errorf("one value: %+v", iv)
	}
	near(t, "T975(40)", T975(40), 2.0210753903062697, 2e-3)
	near(t, "T975(100)", T975(100), 1.9839715185235387, 1e-3)
}

func TestTotalVariation(t *testing.T) {
	tests := []struct {
		a, b []uint64
		want float64
	}{
		{[]uint64{50, 50}, []uint64{5, 5}, 0},
		{[]uint64{10, 0}, []uint64{0, 10}, 1},
		{[]uint64{60, 30, 10}, []uint64{50, 30, 20}, 0.1},
		{[]uint64{0, 0}, []uint64{1, 1}, 0},
	}
	for _, tt := range tests {
		near(t, "TV", TotalVariation(tt.a, tt.b), tt.want, 1e-12)
	}
}

// G-test of Sokal & Rohlf's example (Biometry, box 17.6 style 2×2):
// G = 2 Σ O ln(O/E), checked against the closed form here.
func TestGTest(t *testing.T) {
	a, b := []uint64{30, 70}, []uint64{50, 50}
	// Expected 40/60 in both rows.
	g := 2 * (30*math.Log(30.0/40) + 70*math.Log(70.0/60) + 50*math.Log(50.0/40) + 50*math.Log(50.0/60))
	res := GTest(a, b)
	near(t, "G", res.Stat, g, 1e-9)
	// G = 8.40237, and with one degree of freedom SF(x) = erfc(√(x/2)):
	// p = erfc(2.04967) = 0.003747 (between the table's 6.635 at 1% and
	// 10.828 at 0.1%).
	near(t, "p", res.P, 0.003747, 1e-6)
	if res.DF != 1 || !res.Applicable || res.P > 0.01 {
		t.Errorf("GTest = %+v", res)
	}
	if res := GTest([]uint64{100, 0}, []uint64{100, 0}); res.Applicable || res.P != 1 {
		t.Errorf("one category: %+v, want not applicable", res)
	}
	// Identical shares: G = 0, p = 1.
	if res := GTest([]uint64{40, 40, 20}, []uint64{80, 80, 40}); res.Stat > 1e-12 || res.P < 0.999999 {
		t.Errorf("identical: %+v", res)
	}
	// Rare categories pool: 2 and 1 are too rare for their own column.
	res = GTest([]uint64{90, 8, 2, 0}, []uint64{88, 9, 1, 2})
	if res.DF != 1 {
		t.Errorf("pooled df = %d, want 1 (ok vs the rest)", res.DF)
	}
}

func TestKS(t *testing.T) {
	// Disjoint samples: D = 1.
	a := []Bin{{1, 50}, {2, 50}}
	b := []Bin{{3, 50}, {4, 50}}
	res := KS(a, b)
	near(t, "D disjoint", res.Stat, 1, 0)
	if res.P > 1e-10 {
		t.Errorf("disjoint p = %g", res.P)
	}
	// Same distribution, different counts: D = 0.
	res = KS([]Bin{{1, 10}, {2, 30}}, []Bin{{2, 300}, {1, 100}})
	near(t, "D same", res.Stat, 0, 1e-12)
	near(t, "p same", res.P, 1, 0)
	// A shift by one bucket of four: D = 0.25 (F differs by a quarter
	// at every step).
	res = KS([]Bin{{1, 25}, {2, 25}, {3, 25}, {4, 25}}, []Bin{{2, 25}, {3, 25}, {4, 25}, {5, 25}})
	near(t, "D shift", res.Stat, 0.25, 1e-12)
	// λ = (√50 + 0.12 + 0.11/√50)·0.25 = 1.80166, past the 1% critical
	// value 1.628; Q_KS(λ) = 2e^(−2λ²) − 2e^(−8λ²) + … = 0.003031 (the
	// second term is 1e-11).
	near(t, "p shift", res.P, 0.003031, 1e-6)
	if res := KS(nil, a); res.Applicable {
		t.Errorf("empty side applicable")
	}
}

func TestFitTokenBucket(t *testing.T) {
	// A bucket of rate 20 and burst 10 under 10, 10, 25, 30, 30, 30, 30
	// requests/s: the 25 s drains 5 (deficit 5), the first 30 s drains 10
	// more (deficit 15 > 10) and throttles 5; from then on 20 are
	// admitted and 10 throttled each second.
	secs := []Second{
		{10, 10, 0, 1, false}, {10, 10, 0, 1, false}, {25, 25, 0, 1, false},
		{30, 30, 5, 1, false}, {30, 30, 10, 1, false}, {30, 30, 10, 1, false}, {30, 30, 10, 1, false},
		// A partial last second stays out of the rate.
		{30, 5, 5, 1, true},
	}
	fit := FitTokenBucket(secs, 1)
	if fit.Onset != 3 || fit.OnsetRate != 30 || fit.Seconds != 3 || !fit.Found() {
		t.Fatalf("fit %+v", fit)
	}
	near(t, "rate", fit.Rate.Value, 20, 1e-12)
	near(t, "burst", fit.Burst, 10, 0)
	// Faults before the bucket: 10% of requests never take a token.
	secs = []Second{{20, 20, 0, 1, false}, {40, 40, 6, 1, false}, {40, 40, 16, 1, false}, {40, 40, 16, 1, false}}
	fit = FitTokenBucket(secs, 0.9)
	near(t, "rate with faults", fit.Rate.Value, 20, 1e-12)
	// A lone throttled second is noise, not an onset.
	fit = FitTokenBucket([]Second{{10, 10, 1, 1, false}, {10, 10, 0, 1, false}, {10, 10, 0, 1, false}, {10, 10, 0, 1, false}}, 1)
	if fit.Onset != -1 || fit.Found() {
		t.Errorf("noise fit %+v", fit)
	}
}

// Holm's worked example (Holm 1979 style): p = 0.01, 0.04, 0.03, 0.005
// over four tests adjust to 0.03, 0.06, 0.06, 0.02.
func TestHolm(t *testing.T) {
	got := Holm([]float64{0.01, 0.04, 0.03, 0.005})
	for i, want := range []float64{0.03, 0.06, 0.06, 0.02} {
		near(t, "Holm", got[i], want, 1e-12)
	}
	if len(Holm(nil)) != 0 {
		t.Error("empty")
	}
}
