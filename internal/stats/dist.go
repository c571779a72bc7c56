package stats

import "math"

// ChiSquareSF is the chi-square distribution's survival function: the
// probability that a chi-square variable with df degrees of freedom is at
// least x.
func ChiSquareSF(x, df float64) float64 {
	if x <= 0 || df <= 0 {
		return 1
	}
	return gammaQ(df/2, x/2)
}

// gammaQ is the regularized upper incomplete gamma function Q(a, x): a
// series below a+1, Lentz's continued fraction above (Numerical Recipes
// §6.2).
func gammaQ(a, x float64) float64 {
	if x < a+1 {
		return 1 - gammaPSeries(a, x)
	}
	return gammaQFraction(a, x)
}

const (
	gammaEps   = 1e-15
	gammaIters = 1000
)

func gammaPSeries(a, x float64) float64 {
	lg, _ := math.Lgamma(a)
	ap, del := a, 1/a
	s := del
	for range gammaIters {
		ap++
		del *= x / ap
		s += del
		if math.Abs(del) < math.Abs(s)*gammaEps {
			break
		}
	}
	return s * math.Exp(-x+a*math.Log(x)-lg)
}

func gammaQFraction(a, x float64) float64 {
	lg, _ := math.Lgamma(a)
	const tiny = 1e-300
	b := x + 1 - a
	c := 1 / tiny
	d := 1 / b
	h := d
	for i := 1; i <= gammaIters; i++ {
		an := -float64(i) * (float64(i) - a)
		b += 2
		d = an*d + b
		if math.Abs(d) < tiny {
			d = tiny
		}
		c = b + an/c
		if math.Abs(c) < tiny {
			c = tiny
		}
		d = 1 / d
		del := d * c
		h *= del
		if math.Abs(del-1) < gammaEps {
			break
		}
	}
	return math.Exp(-x+a*math.Log(x)-lg) * h
}

// KolmogorovQ is the Kolmogorov distribution's survival function
// Q(λ) = 2 Σ (−1)^(j−1) exp(−2 j² λ²): the asymptotic p-value of a
// Kolmogorov–Smirnov statistic scaled to λ.
func KolmogorovQ(lambda float64) float64 {
	if lambda < 0.2 {
		return 1 // the series converges slowly here and the sum is 1 to 1e-9
	}
	var s, prev float64
	sign := 1.0
	for j := 1; j <= 100; j++ {
		term := sign * 2 * math.Exp(-2*float64(j*j)*lambda*lambda)
		s += term
		if math.Abs(term) <= 1e-12*math.Abs(prev) || math.Abs(term) < 1e-300 {
			break
		}
		sign, prev = -sign, term
	}
	return min(1, max(0, s))
}
