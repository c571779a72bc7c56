package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/cogload/cogload/aggregate"
	"github.com/cogload/cogload/archive"
	"github.com/cogload/cogload/domain"
	"github.com/cogload/cogload/scenarios"
)

func reportTestPlan(hash string) *scenarios.Plan {
	return &scenarios.Plan{
		Name: "rep", Hash: hash, Resolved: []byte("name: rep\n"),
		TokenPools: []scenarios.TokenPool{{Name: "valid", Weight: 1, Kind: scenarios.KindValid}},
		Attributes: []scenarios.Attribute{{Name: "email", Weight: 1}},
		Metadata:   []scenarios.MetadataVariant{{Name: "none", Weight: 1, Absent: true}},
		Variants:   []scenarios.Variant{{Weight: 1, Expect: domain.Expectation{Outcomes: []string{"ok"}}}},
		Stages:     []scenarios.Stage{{Name: "main", Kind: scenarios.StageConstant, Duration: 2 * time.Second, From: 10, To: 10}},
		Timeout:    time.Second,
		Thresholds: []scenarios.Threshold{{Expr: "latency.p99 < 1s", Metric: "latency.p99", Op: "<", Value: 1}},
	}
}

// writeReportArchive writes an archive of n requests (every 7th a
// violation when violations is set) and returns its folder.
func writeReportArchive(t *testing.T, root, hash, shard string, n int, violations bool) string {
	t.Helper()
	start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	var sh scenarios.Shard
	if shard != "" {
		var err error
		if sh, err = scenarios.ParseShard(shard, nil); err != nil {
			t.Fatal(err)
		}
	}
	w, err := archive.NewArchive(root, archive.ArchiveMeta{Plan: reportTestPlan(hash), ToolVersion: "test", Target: "mock", Pool: "default", Shard: sh, Start: start})
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		s := domain.Sample{Seq: uint64(i), Timestamp: start.Add(time.Duration(i) * 100 * time.Millisecond),
			Latency: time.Duration(i+1) * time.Millisecond, Code: 200, Outcome: "ok"}
		if violations && i%7 == 0 {
			s.Outcome, s.Code, s.Verdict = "NotAuthorizedException", 400, domain.VerdictViolation
		}
		w.Record(&vegeta.Result{Seq: s.Seq, Timestamp: s.Timestamp, Latency: s.Latency, Code: s.Code}, s)
	}
	if _, err := w.Finish(archive.RunEnd{}); err != nil {
		t.Fatal(err)
	}
	return w.Dir()
}

func reportCLI(t *testing.T, args ...string) (domain.ExitCode, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(context.Background(), args, Stdio{Out: &out, Err: &errb})
	return code, out.String(), errb.String()
}

func TestReportRendersOneArchive(t *testing.T) {
	dir := writeReportArchive(t, t.TempDir(), "h1", "", 20, false)
	code, out, errs := reportCLI(t, "report", dir)
	if code != 0 || !strings.Contains(out, "Thresholds: all 1 passed") || !strings.Contains(out, "scenario rep") {
		t.Fatalf("exit %d, stderr %q, out:\n%s", code, errs, out)
	}
	code, out, _ = reportCLI(t, "report", "--format", "json", dir)
	var s aggregate.Summary
	if code != 0 || json.Unmarshal([]byte(out), &s) != nil || s.Totals.Requests != 20 || s.Schema != aggregate.Schema {
		t.Fatalf("json: exit %d, %d requests, schema %q", code, s.Totals.Requests, s.Schema)
	}
	for _, f := range []string{"markdown", "junit"} {
		if code, out, errs := reportCLI(t, "report", dir, "--format", f); code != 0 || out == "" {
			t.Errorf("%s: exit %d, stderr %q", f, code, errs)
		}
	}
	file := filepath.Join(t.TempDir(), "r.md")
	if code, out, _ := reportCLI(t, "report", "--format", "markdown", "--out", file, dir); code != 0 || out != "" {
		t.Fatalf("--out: exit %d, stdout %q", code, out)
	}
	if b, err := os.ReadFile(file); err != nil || !strings.HasPrefix(string(b), "## cogload") {
		t.Errorf("--out file: %v %q", err, b)
	}
}

func TestReportMergesShards(t *testing.T) {
	root := t.TempDir()
	a := writeReportArchive(t, root, "h1", "1/2", 20, false)
	b := writeReportArchive(t, root, "h1", "2/2", 10, true)
	merged := filepath.Join(root, "merged")
	code, out, errs := reportCLI(t, "report", a, b, "--write", merged, "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var s aggregate.Summary
	if err := json.Unmarshal([]byte(out), &s); err != nil || s.Totals.Requests != 30 || len(s.Run.Shards) != 2 {
		t.Fatalf("merged: %v, %d requests, shards %v", err, s.Totals.Requests, s.Run.Shards)
	}
	if code, out, _ := reportCLI(t, "report", merged); code != 0 || !strings.Contains(out, "merged from 2 shards") {
		t.Errorf("re-render merged archive: exit %d\n%s", code, out)
	}
	// --check turns the merged run's violations into exit 98.
	if code, _, errs := reportCLI(t, "report", "--check", a, b); code != domain.ExitViolations || !strings.Contains(errs, "violations") {
		t.Errorf("--check: exit %d, stderr %q", code, errs)
	}
	if code, _, _ := reportCLI(t, "report", "--check", a); code != 0 {
		t.Errorf("--check on a clean run: exit %d", code)
	}
}

func TestReportErrors(t *testing.T) {
	root := t.TempDir()
	good := writeReportArchive(t, root, "h1", "1/2", 5, false)
	other := writeReportArchive(t, root, "h2", "2/2", 5, false)
	corrupt := filepath.Join(root, "corrupt")
	if err := os.Mkdir(corrupt, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(corrupt, "summary.json"), []byte(`{"schema":`), 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(root, "missing")
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"no args", []string{"report"}, []string{"no run archive given"}},
		{"missing archive", []string{"report", missing}, []string{missing, "no such file"}},
		{"corrupt archive", []string{"report", corrupt}, []string{corrupt, "summary.json", "unexpected EOF"}},
		{"different runs", []string{"report", good, other}, []string{"only shards of one run merge", good, other}},
		{"same shard twice", []string{"report", good, good}, []string{"same shard"}},
		{"bad format", []string{"report", "--format", "pdf", good}, []string{`--format "pdf"`}},
		{"bad flag", []string{"report", "--nope", good}, []string{"nope"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errs := reportCLI(t, tc.args...)
			if code != domain.ExitUsage {
				t.Errorf("exit %d, want %d (stderr %q)", code, domain.ExitUsage, errs)
			}
			for _, w := range tc.want {
				if !strings.Contains(errs, w) {
					t.Errorf("stderr %q lacks %q", errs, w)
				}
			}
		})
	}
}

// TestOutputPathsCheckedFirst: an unusable output path is refused before
// any work, with the flag's name.
func TestOutputPathsCheckedFirst(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "no", "such", "folder", "x.html")
	for _, tc := range []struct {
		args []string
		flag string
	}{
		{[]string{"compare", "a", "b", "--html", missing}, "--html"},
		{[]string{"report", "a", "--out", dir}, "--out"},
		{[]string{"conform", "--junit", missing}, "--junit"},
	} {
		var errb bytes.Buffer
		code := Main(context.Background(), tc.args, Stdio{Err: &errb})
		if code != domain.ExitUsage || !strings.Contains(errb.String(), tc.flag) {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 naming %s", tc.args, code, errb.String(), tc.flag)
		}
	}
}
