package archive

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/cogload/cogload/aggregate"
	"github.com/cogload/cogload/attack"
	"github.com/cogload/cogload/domain"
	"github.com/cogload/cogload/internal/reportfixture"
	"github.com/cogload/cogload/scenarios"
)

// secret stands for a token: it is put where a careless writer could leak
// it (response body, headers) and must appear in no archive file.
const secret = "eyJraWQiOiJTRUNSRVQtVE9LRU4ifQ.c2VjcmV0.c2lnbmF0dXJl"

func resultFor(s domain.Sample) *vegeta.Result {
	return &vegeta.Result{
		Attack: "fixture", Seq: s.Seq, Code: s.Code, Timestamp: s.Timestamp, Latency: s.Latency,
		BytesIn: s.BytesIn, BytesOut: s.BytesOut, Method: "POST", URL: "http://127.0.0.1:1/#v=" + string(rune('0'+s.Variant)),
		Body:    []byte(`{"echo":"` + secret + `"}`),
		Headers: http.Header{"X-Debug-Token": []string{secret}},
	}
}

// writeFixtureArchive records samples into a new archive under root.
func writeFixtureArchive(t *testing.T, root string, p *scenarios.Plan, shard, id string, samples []domain.Sample, end RunEnd) (*ArchiveWriter, *aggregate.Summary) {
	t.Helper()
	var sh scenarios.Shard
	if shard != "" {
		var err error
		if sh, err = scenarios.ParseShard(shard, nil); err != nil {
			t.Fatal(err)
		}
	}
	w, err := NewArchive(root, ArchiveMeta{Plan: p, ToolVersion: "v0.0.0-test", Target: "mock", Pool: "default", Shard: sh, Start: reportfixture.Start, ID: id})
	if err != nil {
		t.Fatal(err)
	}
	var sink attack.Sink = w // ArchiveWriter is the attack's sink
	for _, s := range samples {
		sink.Record(resultFor(s), s)
	}
	if _, err := os.Stat(w.Dir()); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("archive visible under its final name before Finish: %v", err)
	}
	sum, err := w.Finish(end)
	if err != nil {
		t.Fatal(err)
	}
	return w, sum
}

func TestArchiveRoundTrip(t *testing.T) {
	root := t.TempDir()
	p := reportfixture.Plan()
	p.Thresholds = reportfixture.Thresholds()
	samples := reportfixture.Samples(p)
	w, sum := writeFixtureArchive(t, root, p, "", "abcd1234", samples, RunEnd{End: reportfixture.Start.Add(21 * time.Second)})

	if want := "fixture-default-20261125T120000Z-abcd1234"; filepath.Base(w.Dir()) != want {
		t.Errorf("archive dir = %s, want %s", filepath.Base(w.Dir()), want)
	}
	entries, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Errorf("root holds %d entries (a leftover partial dir?)", len(entries))
	}
	for _, f := range []string{FileRun, FileResults, FileSummary, "report.txt", "report.md", "junit.xml"} {
		if _, err := os.Stat(filepath.Join(w.Dir(), f)); err != nil {
			t.Errorf("missing %s: %v", f, err)
		}
	}
	if sum.Run.ExitStatus != 98 {
		t.Errorf("exit status = %d, want 98 (violations)", sum.Run.ExitStatus)
	}

	a, err := OpenArchive(w.Dir())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(sum, a.Summary); diff != "" {
		t.Errorf("summary read back differs (-written +read):\n%s", diff)
	}
	if a.Run.Schema != RunSchema || a.Run.ScenarioResolved != "name: fixture\n" || a.Run.ID != "abcd1234" || a.Run.ExitStatus != 98 {
		t.Errorf("run.json = %+v", a.Run)
	}
	// Opening a file inside the archive works too.
	if _, err := OpenArchive(filepath.Join(w.Dir(), FileSummary)); err != nil {
		t.Errorf("open by summary.json path: %v", err)
	}

	// results.bin is vegeta's own encoding: `vegeta report` can read it.
	dec, closeFn, err := a.Results()
	if err != nil {
		t.Fatal(err)
	}
	defer closeFn()
	var m vegeta.Metrics
	n := 0
	for {
		var r vegeta.Result
		if err := dec.Decode(&r); err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			t.Fatal(err)
		}
		if r.Body != nil || r.Headers != nil {
			t.Fatalf("result %d kept body or headers", n)
		}
		if r.Seq != samples[n].Seq || r.Code != samples[n].Code || !r.Timestamp.Equal(samples[n].Timestamp) {
			t.Fatalf("result %d = %+v, want sample %+v", n, r, samples[n])
		}
		m.Add(&r)
		n++
	}
	m.Close()
	if n != len(samples) || m.Requests != uint64(len(samples)) {
		t.Errorf("decoded %d results (metrics %d), want %d", n, m.Requests, len(samples))
	}

	// No file of the archive carries the secret.
	_ = filepath.WalkDir(w.Dir(), func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(b, []byte(secret)) || bytes.Contains(b, []byte("SECRET-TOKEN")) {
			t.Errorf("%s contains the secret", d.Name())
		}
		return nil
	})
}

func TestArchiveInterruptedAndIdempotentFinish(t *testing.T) {
	root := t.TempDir()
	p := reportfixture.Plan()
	samples := reportfixture.Samples(p)[:50]
	w, sum := writeFixtureArchive(t, root, p, "1/2", "int1", samples, RunEnd{Interrupted: true})
	if !sum.Run.Interrupted || sum.Run.ExitStatus != 130 || sum.Run.Shard != "1/2" {
		t.Errorf("run = %+v", sum.Run)
	}
	if !sum.Run.End.Equal(samples[49].Timestamp) {
		t.Errorf("end = %v, want the last request %v", sum.Run.End, samples[49].Timestamp)
	}
	again, err := w.Finish(RunEnd{})
	if err != nil || again != sum {
		t.Errorf("second Finish = %p, %v; want the first summary", again, err)
	}
	a, err := OpenArchive(w.Dir())
	if err != nil {
		t.Fatal(err)
	}
	if !a.Run.Interrupted || a.Summary.Totals.Requests != 50 {
		t.Errorf("reopened interrupted archive: %+v", a.Run)
	}
}

func TestArchiveEmptyRunAndAbort(t *testing.T) {
	root := t.TempDir()
	p := reportfixture.Plan()
	_, sum := writeFixtureArchive(t, root, p, "", "x1", nil, RunEnd{})
	if sum.Run.ExitStatus != sum.Status() || sum.Totals.Requests != 0 {
		t.Errorf("run = %+v", sum.Run)
	}
	w, err := NewArchive(root, ArchiveMeta{Plan: p, Start: reportfixture.Start, ID: "x2"})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Abort(); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(root)
	if len(entries) != 1 {
		t.Errorf("abort left %d entries", len(entries))
	}
	if _, err := NewArchive(root, ArchiveMeta{Plan: p, Pool: "default", Start: reportfixture.Start, ID: "x1"}); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("reusing an archive name: err = %v", err)
	}
	if _, err := NewArchive(root, ArchiveMeta{}); err == nil {
		t.Error("NewArchive without a plan succeeded")
	}
}

func TestArchiveName(t *testing.T) {
	got := ArchiveName("my scenario/../x", "", reportfixture.Start, "id")
	if got != "my_scenario_.._x-20261125T120000Z-id" {
		t.Errorf("ArchiveName = %q", got)
	}
}

func TestOpenArchiveErrors(t *testing.T) {
	root := t.TempDir()
	p := reportfixture.Plan()
	w, _ := writeFixtureArchive(t, root, p, "", "good", reportfixture.Samples(p)[:10], RunEnd{})
	good := w.Dir()
	summary, _ := os.ReadFile(filepath.Join(good, FileSummary))
	run, _ := os.ReadFile(filepath.Join(good, FileRun))

	mk := func(name string, files map[string][]byte) string {
		dir := filepath.Join(root, name)
		if err := os.Mkdir(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for f, b := range files {
			if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return dir
	}
	tests := []struct {
		name string
		dir  string
		want string
	}{
		{"missing", filepath.Join(root, "nope"), "no such file"},
		{"empty dir", mk("empty", nil), "summary.json: no such file or directory (not a cogload run archive?)"},
		{"corrupt summary", mk("corrupt", map[string][]byte{FileSummary: summary[:len(summary)/2], FileRun: run}), "summary.json: decode summary"},
		{"other schema", mk("schema", map[string][]byte{FileSummary: bytes.Replace(summary, []byte(aggregate.Schema), []byte("cogload.summary/v9"), 1), FileRun: run}), `schema "cogload.summary/v9"`},
		{"cells outside plan", mk("cells", map[string][]byte{FileSummary: bytes.Replace(summary, []byte(`"variant": 0,`), []byte(`"variant": 99,`), 1), FileRun: run}), "outside the plan"},
		{"no run.json", mk("norun", map[string][]byte{FileSummary: summary}), "run.json: no such file"},
		{"corrupt run.json", mk("badrun", map[string][]byte{FileSummary: summary, FileRun: []byte("{")}), "run.json: unexpected end"},
		{"a killed run's folder", mk(".rep-default-20260102T030405Z-abcd.partial", map[string][]byte{FileResults: nil}), "never finished"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := OpenArchive(tc.dir)
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), tc.dir) {
				t.Errorf("err = %q, want it to name %s and contain %q", err, tc.dir, tc.want)
			}
		})
	}
}
