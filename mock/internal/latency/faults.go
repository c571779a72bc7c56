package latency

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// errSum is the tolerance on the probabilities' sum, so 0.1+0.2+0.7 counts as 1.
const errSum = 1e-9

// ErrFaults is wrapped by every Faults.Validate error.
var ErrFaults = errors.New("invalid faults")

// Faults maps an error type (a Cognito error code such as "InternalErrorException") to
// the probability that a request fails with it. Probabilities sum to at most 1; the rest
// is the chance of no fault.
type Faults map[string]float64

// Validate checks every probability is in [0, 1], names are non-empty, and the sum is
// at most 1, naming the offending entry.
func (f Faults) Validate() error {
	sum := 0.0
	for _, k := range f.sortedKeys(nil) {
		p := f[k]
		if k == "" {
			return fmt.Errorf("latency: faults: empty error type: %w", ErrFaults)
		}
		if math.IsNaN(p) || p < 0 || p > 1 {
			return fmt.Errorf("latency: faults: %s: probability %v must be between 0 and 1: %w", k, p, ErrFaults)
		}
		sum += p
	}
	if sum > 1+errSum {
		return fmt.Errorf("latency: faults: probabilities sum to %v, must be at most 1: %w", sum, ErrFaults)
	}
	return nil
}

// Pick draws whether a request fails and with which error type. It walks the types in
// sorted order, so a seeded rand yields the same sequence every run regardless of Go's
// map iteration order. It consumes exactly one draw from r when f is non-empty and none
// when it is empty, so adding an empty fault table doesn't shift other random streams.
func (f Faults) Pick(r *rand.Rand) (string, bool) {
	if len(f) == 0 {
		return "", false
	}
	var buf [8]string // most tables are tiny: sort on the stack
	u := r.Float64()
	cum := 0.0
	for _, k := range f.sortedKeys(buf[:0]) {
		cum += f[k]
		if u < cum {
			return k, true
		}
	}
	return "", false
}

// Compile returns a Picker with the keys sorted once, for hot paths with larger tables.
// It draws exactly like Pick on the same Faults.
func (f Faults) Compile() *Picker {
	p := &Picker{}
	cum := 0.0
	for _, k := range f.sortedKeys(nil) {
		cum += f[k]
		p.names = append(p.names, k)
		p.cum = append(p.cum, cum)
	}
	return p
}

func (f Faults) sortedKeys(buf []string) []string {
	for k := range f {
		buf = append(buf, k)
	}
	slices.Sort(buf)
	return buf
}

// Picker is a precompiled Faults; the zero value and a nil *Picker never fault.
type Picker struct {
	names []string
	cum   []float64
}

// Pick behaves exactly like Faults.Pick on the Faults the Picker was compiled from.
func (p *Picker) Pick(r *rand.Rand) (string, bool) {
	if p == nil || len(p.names) == 0 {
		return "", false
	}
	u := r.Float64()
	for i, c := range p.cum {
		if u < c {
			return p.names[i], true
		}
	}
	return "", false
}
