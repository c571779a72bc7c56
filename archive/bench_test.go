package archive

import (
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/cogload/cogload/internal/reportfixture"
	"github.com/cogload/cogload/render"
	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// BenchmarkArchiveMillion writes a 1,000,000-result archive (results.bin
// included) and then re-renders it the way `cogload report` does; the
// reopen metric is the time of OpenArchive + render.Text alone, and
// check-results that of reading results.bin through (CheckResults).
func BenchmarkArchiveMillion(b *testing.B) {
	const n = 1_000_000
	for range b.N {
		root := b.TempDir()
		w, err := NewArchive(root, ArchiveMeta{Plan: reportfixture.Plan(), Start: reportfixture.Start, ID: "bench"})
		if err != nil {
			b.Fatal(err)
		}
		for i := range n {
			s := reportfixture.BenchSample(i)
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
		if err := render.Text(io.Discard, a.Summary); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(time.Since(start).Milliseconds()), "reopen-ms")
		start = time.Now()
		if err := a.CheckResults(); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(time.Since(start).Milliseconds()), "check-results-ms")
	}
}
