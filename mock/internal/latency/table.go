package latency

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"
)

// Point is one entry of a quantile table: the latency at or below which a
// fraction Q of answers came back.
type Point struct {
	Q       float64       `json:"q" yaml:"q"`
	Latency time.Duration `json:"latency" yaml:"latency"`
}

// Table is an empirical latency distribution given as a quantile table,
// such as one read off the histogram of a run against a real service. It
// runs from Q 0 (the fastest answer) to Q 1 (the slowest), Q strictly
// increasing and latencies never decreasing. Sample inverts it: a uniform
// draw u picks the two points around it and interpolates linearly, so the
// draws reproduce every listed quantile and spread evenly between them.
type Table []Point

// TableError is a quantile table's problem at one entry (Index -1: the
// table as a whole).
type TableError struct {
	Index int
	Msg   string
}

func (e *TableError) Error() string {
	if e.Index < 0 {
		return "latency: quantiles: " + e.Msg
	}
	return fmt.Sprintf("latency: quantiles[%d]: %s", e.Index, e.Msg)
}

// Validate reports a table Sample cannot invert as a *TableError naming
// the entry.
func (t Table) Validate() error {
	bad := func(i int, format string, args ...any) error {
		return &TableError{Index: i, Msg: fmt.Sprintf(format, args...)}
	}
	if len(t) < 2 {
		return bad(-1, "a quantile table needs at least two points (q 0 and q 1), has %d", len(t))
	}
	for i, p := range t {
		switch {
		case math.IsNaN(p.Q) || p.Q < 0 || p.Q > 1:
			return bad(i, "q %v out of range: use 0 to 1", p.Q)
		case p.Latency < 0:
			return bad(i, "latency %v must not be negative", p.Latency)
		case i == 0 && p.Q != 0:
			return bad(i, "q %v: the table starts at q 0 (the fastest answer)", p.Q)
		case i > 0 && p.Q <= t[i-1].Q:
			return bad(i, "q %v does not increase (after %v)", p.Q, t[i-1].Q)
		case i > 0 && p.Latency < t[i-1].Latency:
			return bad(i, "latency %v is below the one before (%v): latencies never decrease as q grows", p.Latency, t[i-1].Latency)
		case i == len(t)-1 && p.Q != 1:
			return bad(i, "q %v: the table ends at q 1 (the slowest answer)", p.Q)
		}
	}
	return nil
}

// IsZero reports whether the table adds no latency.
func (t Table) IsZero() bool { return len(t) == 0 || t[len(t)-1].Latency <= 0 }

// Sample draws one latency (one draw from r). A table that fails Validate
// never panics: it samples its last latency, or 0 when empty.
func (t Table) Sample(r *rand.Rand) time.Duration {
	if len(t) == 0 {
		return 0
	}
	u := r.Float64()
	for i := 1; i < len(t); i++ {
		lo, hi := t[i-1], t[i]
		if u > hi.Q && i < len(t)-1 {
			continue
		}
		span := hi.Q - lo.Q
		if !(span > 0) {
			return hi.Latency
		}
		f := min(max((u-lo.Q)/span, 0), 1)
		return lo.Latency + time.Duration(f*float64(hi.Latency-lo.Latency))
	}
	return t[len(t)-1].Latency
}

// Dist is a latency distribution the mock draws from: a lognormal Model
// or an empirical Table.
type Dist interface {
	Sample(r *rand.Rand) time.Duration
	IsZero() bool
}
