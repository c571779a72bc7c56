package latency

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestTableValidate(t *testing.T) {
	ms := time.Millisecond
	tests := []struct {
		name    string
		t       Table
		wantErr string
	}{
		{"two points", Table{{0, 10 * ms}, {1, 20 * ms}}, ""},
		{"constant", Table{{0, 5 * ms}, {0.5, 5 * ms}, {1, 5 * ms}}, ""},
		{"one point", Table{{0, 5 * ms}}, "at least two"},
		{"no q 0", Table{{0.1, 5 * ms}, {1, 9 * ms}}, "starts at q 0"},
		{"no q 1", Table{{0, 5 * ms}, {0.9, 9 * ms}}, "ends at q 1"},
		{"q repeats", Table{{0, 5 * ms}, {0.5, 6 * ms}, {0.5, 7 * ms}, {1, 9 * ms}}, "quantiles[2]: q 0.5 does not increase"},
		{"latency falls", Table{{0, 5 * ms}, {0.5, 4 * ms}, {1, 9 * ms}}, "quantiles[1]: latency 4ms is below"},
		{"q out of range", Table{{0, 5 * ms}, {1.5, 6 * ms}, {1, 9 * ms}}, "quantiles[1]: q 1.5 out of range"},
		{"negative", Table{{0, -ms}, {1, ms}}, "must not be negative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.t.Validate()
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Validate() = %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Validate() = %v, want %q", err, tt.wantErr)
			}
		})
	}
}

// TestTableSampleQuantiles: the draws reproduce the table's quantiles
// (linear between points), so a table read off a histogram replays it.
func TestTableSampleQuantiles(t *testing.T) {
	ms := time.Millisecond
	tab := Table{{0, 10 * ms}, {0.5, 40 * ms}, {0.9, 60 * ms}, {0.99, 150 * ms}, {1, 400 * ms}}
	r := rand.New(rand.NewPCG(3, 4))
	const n = 200_000
	xs := make([]time.Duration, n)
	for i := range xs {
		xs[i] = tab.Sample(r)
		if xs[i] < 10*ms || xs[i] > 400*ms {
			t.Fatalf("draw %v outside the table's range", xs[i])
		}
	}
	slices.Sort(xs)
	within(t, "p50", xs[n/2], 40*ms, 0.02)
	within(t, "p90", xs[n*9/10], 60*ms, 0.02)
	within(t, "p99", xs[n*99/100], 150*ms, 0.03)
	// Halfway between q 0 and q 0.5 the latency is halfway too.
	within(t, "p25", xs[n/4], 25*ms, 0.03)
}

func TestTableSampleDegenerate(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	if d := (Table{}).Sample(r); d != 0 {
		t.Errorf("empty table sampled %v", d)
	}
	c := Table{{0, 7 * time.Millisecond}, {1, 7 * time.Millisecond}}
	for range 100 {
		if d := c.Sample(r); d != 7*time.Millisecond {
			t.Fatalf("constant table sampled %v", d)
		}
	}
	if !(Table{}).IsZero() || c.IsZero() {
		t.Error("IsZero")
	}
}
