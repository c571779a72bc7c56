package stats

import (
	"math"
	"sort"
)

// TotalVariation is the total variation distance between the
// distributions the two count vectors describe (same categories, same
// order): half the sum of the absolute differences of their shares, 0
// when equal, 1 when disjoint. An empty side gives 0.
func TotalVariation(a, b []uint64) float64 {
	na, nb := sum(a), sum(b)
	if na == 0 || nb == 0 {
		return 0
	}
	var d float64
	for i := range a {
		d += math.Abs(float64(a[i])/na - float64(b[i])/nb)
	}
	return d / 2
}

func sum(xs []uint64) float64 {
	var s float64
	for _, x := range xs {
		s += float64(x)
	}
	return s
}

// Test is the result of a test of difference: its statistic, degrees of
// freedom (0 when none apply) and p-value. Applicable is false when the
// data cannot support the test (too few samples or categories); P is 1
// then.
type Test struct {
	Stat       float64 `json:"stat"`
	DF         int     `json:"df,omitempty"`
	P          float64 `json:"p"`
	Applicable bool    `json:"applicable"`
}

// MinExpected is the smallest expected count a category of a G-test may
// have; rarer categories are pooled into one so the chi-square
// approximation holds.
const MinExpected = 5

// GTest tests whether two samples of categories come from one
// distribution: the likelihood-ratio (G) test of independence of the 2×k
// table a, b, with categories whose expected count is below MinExpected
// pooled first. The p-value is from the chi-square distribution with k−1
// degrees of freedom.
func GTest(a, b []uint64) Test {
	pa, pb := pool(a, b)
	k := len(pa)
	na, nb := sum(pa), sum(pb)
	if k < 2 || na == 0 || nb == 0 {
		return Test{P: 1}
	}
	n := na + nb
	var g float64
	for i := range k {
		col := float64(pa[i] + pb[i])
		for _, o := range []struct{ obs, row float64 }{{float64(pa[i]), na}, {float64(pb[i]), nb}} {
			if o.obs > 0 {
				g += o.obs * math.Log(o.obs/(o.row*col/n))
			}
		}
	}
	g *= 2
	return Test{Stat: g, DF: k - 1, P: ChiSquareSF(g, float64(k-1)), Applicable: true}
}

// pool merges the categories whose expected count (under one common
// distribution) is below MinExpected in either sample into one, and drops
// categories empty on both sides. A pooled category that is still too
// rare joins the smallest remaining one.
func pool(a, b []uint64) ([]uint64, []uint64) {
	na, nb := sum(a), sum(b)
	n := na + nb
	var oa, ob []uint64
	var ra, rb uint64
	for i := range a {
		col := float64(a[i] + b[i])
		if col == 0 {
			continue
		}
		if n == 0 || col*min(na, nb)/n < MinExpected {
			ra, rb = ra+a[i], rb+b[i]
			continue
		}
		oa, ob = append(oa, a[i]), append(ob, b[i])
	}
	if ra+rb == 0 {
		return oa, ob
	}
	if n > 0 && float64(ra+rb)*min(na, nb)/n >= MinExpected || len(oa) == 0 {
		return append(oa, ra), append(ob, rb)
	}
	j := 0
	for i := range oa {
		if oa[i]+ob[i] < oa[j]+ob[j] {
			j = i
		}
	}
	oa[j], ob[j] = oa[j]+ra, ob[j]+rb
	return oa, ob
}

// Bin is a value observed Count times (a histogram bucket).
type Bin struct {
	Value float64
	Count uint64
}

// KS is the two-sample Kolmogorov–Smirnov test of two binned samples
// (each sorted by Value or not): D is the largest distance between their
// empirical distribution functions, evaluated after every distinct value
// so that ties (values in one bucket) count once, and P its asymptotic
// p-value with Stephens' small-sample correction.
func KS(a, b []Bin) Test {
	a, b = sortedBins(a), sortedBins(b)
	na, nb := binTotal(a), binTotal(b)
	if na == 0 || nb == 0 {
		return Test{P: 1}
	}
	var ca, cb, d float64
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		var v float64
		switch {
		case j == len(b) || i < len(a) && a[i].Value <= b[j].Value:
			v = a[i].Value
		default:
			v = b[j].Value
		}
		for i < len(a) && a[i].Value == v {
			ca += float64(a[i].Count)
			i++
		}
		for j < len(b) && b[j].Value == v {
			cb += float64(b[j].Count)
			j++
		}
		d = max(d, math.Abs(ca/na-cb/nb))
	}
	ne := math.Sqrt(na * nb / (na + nb))
	return Test{Stat: d, P: KolmogorovQ((ne + 0.12 + 0.11/ne) * d), Applicable: true}
}

func sortedBins(bs []Bin) []Bin {
	if sort.SliceIsSorted(bs, func(i, j int) bool { return bs[i].Value < bs[j].Value }) {
		return bs
	}
	c := append([]Bin(nil), bs...)
	sort.SliceStable(c, func(i, j int) bool { return c[i].Value < c[j].Value })
	return c
}

func binTotal(bs []Bin) float64 {
	var n float64
	for _, b := range bs {
		n += float64(b.Count)
	}
	return n
}

// Holm adjusts p-values for testing them together (Holm–Bonferroni): a
// family of lines judged at level alpha on the adjusted values falsely
// calls any difference with probability at most alpha, however many
// lines there are. The result is in the input's order.
func Holm(ps []float64) []float64 {
	idx := make([]int, len(ps))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return ps[idx[a]] < ps[idx[b]] })
	out := make([]float64, len(ps))
	running := 0.0
	for rank, i := range idx {
		running = max(running, min(1, float64(len(ps)-rank)*ps[i]))
		out[i] = running
	}
	return out
}
