package aggregate_test

import (
	"encoding/json"
	"runtime"
	"testing"

	"github.com/cogload/cogload/aggregate"
	"github.com/cogload/cogload/internal/reportfixture"
)

// BenchmarkAggregatorAdd measures the per-sample cost; allocs/op must be 0.
func BenchmarkAggregatorAdd(b *testing.B) {
	a := aggregate.NewAggregator(reportfixture.Plan(), reportfixture.Start)
	for i := range 1000 { // register every outcome first
		a.Add(reportfixture.BenchSample(i))
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		a.Add(reportfixture.BenchSample(1000 + i))
	}
}

// BenchmarkAggregatorMillion feeds 1,000,000 samples (8.3 minutes at
// 2,000/s) and reports the heap the aggregator holds afterwards, and the
// size of its summary.json.
func BenchmarkAggregatorMillion(b *testing.B) {
	const n = 1_000_000
	var before, after runtime.MemStats
	for range b.N {
		runtime.GC()
		runtime.ReadMemStats(&before)
		a := aggregate.NewAggregator(reportfixture.Plan(), reportfixture.Start)
		for i := range n {
			a.Add(reportfixture.BenchSample(i))
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapInuse-before.HeapInuse)/(1<<20), "heapMB")
		s, err := a.Summary(aggregate.RunMeta{})
		if err != nil {
			b.Fatal(err)
		}
		cw := &countWriter{}
		if err := json.NewEncoder(cw).Encode(s); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(cw.n)/1024, "summaryKB")
		runtime.KeepAlive(a)
	}
}

type countWriter struct{ n int }

func (c *countWriter) Write(p []byte) (int, error) { c.n += len(p); return len(p), nil }

// TestAddDoesNotAllocate guards the zero-allocation promise of Add in
// steady state (after every outcome has been seen once).
func TestAddDoesNotAllocate(t *testing.T) {
	a := aggregate.NewAggregator(reportfixture.Plan(), reportfixture.Start)
	for i := range 1000 {
		a.Add(reportfixture.BenchSample(i))
	}
	i := 1000
	allocs := testing.AllocsPerRun(5000, func() {
		a.Add(reportfixture.BenchSample(i))
		i++
	})
	if allocs != 0 {
		t.Errorf("Add allocates %.2f times per sample, want 0", allocs)
	}
}

// BenchmarkSummary measures building a summary (percentiles and encoded
// histograms for every group) at the end of a run.
func BenchmarkSummary(b *testing.B) {
	a := aggregate.NewAggregator(reportfixture.Plan(), reportfixture.Start)
	for i := range 100_000 {
		a.Add(reportfixture.BenchSample(i))
	}
	b.ReportAllocs()
	for range b.N {
		if _, err := a.Summary(aggregate.RunMeta{}); err != nil {
			b.Fatal(err)
		}
	}
}
