// Package latency gives the mock its simulated service time and injected faults: a
// lognormal latency model fitted to a median and a 99th percentile, an empirical quantile
// table (a Dist either way), and a table of error types with probabilities. Both draw from a caller-supplied *rand.Rand, so a seeded
// generator replays the same sequence; *rand.Rand is not safe for concurrent use, so
// callers give each goroutine its own or guard a shared one.
package latency

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"
)

// z99 is the standard normal 0.99 quantile: a lognormal's p99 is exp(mu + z99*sigma).
const z99 = 2.3263478740408408

// Model is a lognormal latency distribution given by its median and 99th percentile,
// the two numbers people read off a latency dashboard. The zero Model means no added
// latency; P99 == P50 means a constant P50.
type Model struct {
	P50 time.Duration `json:"p50" yaml:"p50"`
	P99 time.Duration `json:"p99" yaml:"p99"`
}

// Validate reports a model that cannot be a lognormal: a negative percentile, a p99
// below the p50, or a p99 without a p50.
func (m Model) Validate() error {
	switch {
	case m.P50 < 0 || m.P99 < 0:
		return fmt.Errorf("latency: p50 %v and p99 %v must not be negative", m.P50, m.P99)
	case m.P99 < m.P50:
		return fmt.Errorf("latency: p99 %v is below p50 %v; set p99 >= p50 (equal for a constant latency)", m.P99, m.P50)
	case m.P50 == 0 && m.P99 > 0:
		return fmt.Errorf("latency: p99 %v needs a p50 above 0; set p50 or remove p99", m.P99)
	}
	return nil
}

// IsZero reports whether the model adds no latency, so callers can skip sampling and
// timers entirely.
func (m Model) IsZero() bool { return m.P50 <= 0 }

// Sample draws one latency. It never panics: a model that fails Validate samples as
// the constant P50 (or 0 when P50 <= 0), so bad configuration caught late still runs.
// Draws are capped at 1000 × P99 to keep an extreme tail from stalling a test.
func (m Model) Sample(r *rand.Rand) time.Duration {
	if m.P50 <= 0 {
		return 0
	}
	if m.P99 <= m.P50 {
		return m.P50
	}
	mu := math.Log(float64(m.P50))
	sigma := (math.Log(float64(m.P99)) - mu) / z99
	d := math.Exp(mu + sigma*r.NormFloat64())
	if limit := 1000 * float64(m.P99); d > limit || math.IsNaN(d) {
		d = limit
	}
	if d >= math.MaxInt64 {
		return time.Duration(math.MaxInt64)
	}
	return time.Duration(d)
}
