package report

import (
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/cogload/cogload/domain"
	vegeta "github.com/tsenart/vegeta/v12/lib"
)

var benchOutcomes = []struct {
	name    string
	verdict domain.Verdict
}{
	{"ok", domain.VerdictPass},
	{"ok", domain.VerdictPass},
	{"ok", domain.VerdictPass},
	{"NotAuthorizedException", domain.VerdictPass},
	{"TooManyRequestsException", domain.VerdictThrottled},
	{"InternalErrorException", domain.VerdictError},
	{"ok", domain.VerdictViolation},
	{"timeout", domain.VerdictError},
}

// benchSample is request i of a 2,000 requests/s run.
func benchSample(i int) domain.Sample {
	o := benchOutcomes[i%len(benchOutcomes)]
	return domain.Sample{
		Seq:       uint64(i),
		Timestamp: t0.Add(time.Duration(i) * 500 * time.Microsecond),
		Latency:   time.Duration(1000+(i*7919)%200000) * time.Microsecond,
		Stage:     min(i/20000, 1),
		Variant:   i % 8,
		Code:      200,
		Outcome:   o.name,
		Verdict:   o.verdict,
		BytesIn:   90,
		BytesOut:  1100,
	}
}

// BenchmarkAggregatorAdd measures the per-sample cost; allocs/op must be 0.
func BenchmarkAggregatorAdd(b *testing.B) {
	a := NewAggregator(testPlan(), t0)
	for i := range 1000 { // register every outcome first
		a.Add(benchSample(i))
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		a.Add(benchSample(1000 + i))
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
		a := NewAggregator(testPlan(), t0)
		for i := range n {
			a.Add(benchSample(i))
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapInuse-before.HeapInuse)/(1<<20), "heapMB")
		s, err := a.Summary(RunMeta{})
		if err != nil {
			b.Fatal(err)
		}
		cw := &countWriter{}
		if err := RenderJSON(cw, s); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(cw.n)/1024, "summaryKB")
		runtime.KeepAlive(a)
	}
}

// BenchmarkArchiveMillion writes a 1,000,000-result archive (results.bin
// included) and then re-renders it the way `cogload report` does; the
// reopen metric is the time of OpenArchive + RenderText alone.
func BenchmarkArchiveMillion(b *testing.B) {
	const n = 1_000_000
	for range b.N {
		root := b.TempDir()
		w, err := NewArchive(root, ArchiveMeta{Plan: testPlan(), Start: t0, ID: "bench"})
		if err != nil {
			b.Fatal(err)
		}
		for i := range n {
			s := benchSample(i)
			w.Record(&vegeta.Result{Seq: s.Seq, Code: s.Code, Timestamp: s.Timestamp, Latency: s.Latency,
				BytesIn: s.BytesIn, BytesOut: s.BytesOut, Method: "POST", URL: "http://127.0.0.1:9229/#v=3"}, s)
		}
		if _, err := w.Finish(RunEnd{}); err != nil {
			b.Fatal(err)
		}
		if fi, err := os.Stat(filepath.Join(w.Dir(), FileResults)); err == nil {
			b.ReportMetric(float64(fi.Size())/(1<<20), "resultsMB")
		}
		start := time.Now()
		a, err := OpenArchive(w.Dir())
		if err != nil {
			b.Fatal(err)
		}
		if err := RenderText(io.Discard, a.Summary); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(time.Since(start).Milliseconds()), "reopen-ms")
	}
}

type countWriter struct{ n int }

func (c *countWriter) Write(p []byte) (int, error) { c.n += len(p); return len(p), nil }

// TestAddDoesNotAllocate guards the zero-allocation promise of Add in
// steady state (after every outcome has been seen once).
func TestAddDoesNotAllocate(t *testing.T) {
	a := NewAggregator(testPlan(), t0)
	for i := range 1000 {
		a.Add(benchSample(i))
	}
	i := 1000
	allocs := testing.AllocsPerRun(5000, func() {
		a.Add(benchSample(i))
		i++
	})
	if allocs != 0 {
		t.Errorf("Add allocates %.2f times per sample, want 0", allocs)
	}
}

// BenchmarkSummary measures building a summary (percentiles and encoded
// histograms for every group) at the end of a run.
func BenchmarkSummary(b *testing.B) {
	a := NewAggregator(testPlan(), t0)
	for i := range 100_000 {
		a.Add(benchSample(i))
	}
	b.ReportAllocs()
	for range b.N {
		if _, err := a.Summary(RunMeta{}); err != nil {
			b.Fatal(err)
		}
	}
}
