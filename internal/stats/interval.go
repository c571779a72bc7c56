package stats

import "math"

// Z95 is the standard normal 0.975 quantile: two-sided 95% intervals.
const Z95 = 1.959963984540054

// Interval is an estimate with a two-sided confidence interval.
type Interval struct {
	Value float64 `json:"value"`
	Lo    float64 `json:"lo"`
	Hi    float64 `json:"hi"`
}

// Contains reports whether x lies in the interval (ends included, with a
// little float slack).
func (i Interval) Contains(x float64) bool {
	const eps = 1e-12
	return x >= i.Lo-eps && x <= i.Hi+eps
}

// Proportion is k successes of n with its Wilson score interval at z
// (Z95 for 95%). Unlike the normal approximation it stays inside [0, 1]
// and is honest at k = 0 or k = n, where a rare fault usually sits.
// n = 0 gives the uninformative [0, 1].
func Proportion(k, n uint64, z float64) Interval {
	if n == 0 {
		return Interval{Lo: 0, Hi: 1}
	}
	nf, p := float64(n), float64(k)/float64(n)
	z2 := z * z
	centre := (p + z2/(2*nf)) / (1 + z2/nf)
	half := z / (1 + z2/nf) * math.Sqrt(p*(1-p)/nf+z2/(4*nf*nf))
	return Interval{Value: p, Lo: max(0, centre-half), Hi: min(1, centre+half)}
}

// QuantileRanks returns the 1-based ranks of the order statistics that
// bound a distribution-free confidence interval for the q-quantile of n
// samples at z (normal approximation of the binomial count below the
// quantile), clamped to 1..n.
func QuantileRanks(n uint64, q, z float64) (lo, hi uint64) {
	if n == 0 {
		return 0, 0
	}
	nf := float64(n)
	half := z * math.Sqrt(nf*q*(1-q))
	l := math.Floor(nf*q - half)
	h := math.Ceil(nf*q + half + 1)
	return uint64(min(max(l, 1), nf)), uint64(min(max(h, 1), nf))
}

// Mean is the mean of xs with a 95% Student-t interval; fewer than two
// values give an interval as wide as the value itself is unsure (the
// value alone for one, zeros for none).
func Mean(xs []float64) Interval {
	n := len(xs)
	if n == 0 {
		return Interval{}
	}
	var sum float64
	for _, x := range xs {
		sum += x
	}
	m := sum / float64(n)
	if n == 1 {
		return Interval{Value: m, Lo: math.Inf(-1), Hi: math.Inf(1)}
	}
	var ss float64
	for _, x := range xs {
		ss += (x - m) * (x - m)
	}
	half := T975(n-1) * math.Sqrt(ss/float64(n-1)/float64(n))
	return Interval{Value: m, Lo: m - half, Hi: m + half}
}

// t975 are Student's t 0.975 quantiles for 1..30 degrees of freedom.
var t975 = [...]float64{
	12.706204736174698, 4.302652729749464, 3.182446305284263, 2.7764451051977987, 2.570581835636314,
	2.4469118511449692, 2.3646242515927844, 2.306004135204166, 2.2621571628540993, 2.2281388519649385,
	2.200985160082949, 2.1788128296634177, 2.1603686564610127, 2.1447866879169273, 2.131449545559323,
	2.1199052992210112, 2.1098155778331806, 2.10092204024096, 2.093024054408263, 2.0859634472658364,
	2.079613844727662, 2.0738730679040147, 2.0686576104190406, 2.0638985616280205, 2.059538552753294,
	2.055529438642871, 2.0518305164802833, 2.048407141795244, 2.045229642132703, 2.0422724563012373,
}

// T975 is Student's t 0.975 quantile for df degrees of freedom (the
// normal's beyond the table, where they differ by under 2%).
func T975(df int) float64 {
	switch {
	case df < 1:
		return math.Inf(1)
	case df <= len(t975):
		return t975[df-1]
	}
	// Cornish–Fisher's first correction keeps large df within 0.1%.
	return Z95 + (Z95*Z95*Z95+Z95)/(4*float64(df))
}
