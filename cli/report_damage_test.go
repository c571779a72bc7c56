package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/cogload/cogload/archive"
	"github.com/cogload/cogload/domain"
	"github.com/cogload/cogload/render"
)

// A damaged archive exits 2 in every format, and the message names the
// file and what is wrong with it.
func TestReportRefusesDamagedArchive(t *testing.T) {
	const n = 40
	results := func(dir string) string { return filepath.Join(dir, archive.FileResults) }
	rewrite := func(name string, edit func([]byte) []byte) func(t *testing.T, dir string) {
		return func(t *testing.T, dir string) {
			p := filepath.Join(dir, name)
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, edit(b), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	editSummary := func(edit func(map[string]any)) func(t *testing.T, dir string) {
		return rewrite(archive.FileSummary, func(b []byte) []byte {
			var m map[string]any
			if err := json.Unmarshal(b, &m); err != nil {
				t.Fatal(err)
			}
			edit(m)
			out, _ := json.Marshal(m)
			return out
		})
	}
	// fewer re-encodes the first k results: a well-formed file that holds
	// less than the summary counts.
	fewer := func(k int) func(t *testing.T, dir string) {
		return func(t *testing.T, dir string) {
			a, err := archive.OpenArchive(dir)
			if err != nil {
				t.Fatal(err)
			}
			dec, closeFn, err := a.Results()
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			enc := vegeta.NewEncoder(&buf)
			for range k {
				var r vegeta.Result
				if err := dec.Decode(&r); err != nil {
					t.Fatal(err)
				}
				_ = enc.Encode(&r)
			}
			_ = closeFn()
			if err := os.WriteFile(results(dir), buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	tests := []struct {
		name   string
		damage func(t *testing.T, dir string)
		want   []string
	}{
		{"results.bin cut in half", rewrite(archive.FileResults, func(b []byte) []byte { return b[:len(b)/2] }), []string{"results.bin", "cut short after"}},
		{"results.bin cut by one byte", rewrite(archive.FileResults, func(b []byte) []byte { return b[:len(b)-1] }), []string{"results.bin", "cut short after"}},
		{"results.bin garbage", rewrite(archive.FileResults, func([]byte) []byte { return []byte(strings.Repeat("garbage ", 64)) }), []string{"results.bin", "does not decode"}},
		{"results.bin empty", rewrite(archive.FileResults, func([]byte) []byte { return nil }), []string{"results.bin", "holds 0 results", "40 requests"}},
		{"results.bin holds fewer results", fewer(10), []string{"results.bin", "holds 10 results", "40 requests"}},
		{"results.bin claims a huge record", rewrite(archive.FileResults, func([]byte) []byte { return []byte{0xF8, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF} }), []string{"results.bin", "claims"}},
		{"results.bin twice over", rewrite(archive.FileResults, func(b []byte) []byte { return append(b, b...) }), []string{"results.bin"}},
		{"summary.json cut short", rewrite(archive.FileSummary, func(b []byte) []byte { return b[:len(b)/2] }), []string{"summary.json", "unexpected EOF"}},
		{"summary.json histogram damaged", editSummary(func(m map[string]any) { m["overall"].(map[string]any)["histogram"] = "HISTFAAAAB" }), []string{"summary.json", "overall", "histogram"}},
		{"summary.json of another schema", editSummary(func(m map[string]any) { m["schema"] = "cogload.summary/v9" }), []string{"summary.json", "major version 9"}},
		{"run.json garbage", rewrite(archive.FileRun, func([]byte) []byte { return []byte("\x00\x01 not json") }), []string{"run.json", "invalid character"}},
		{"run.json of another schema", rewrite(archive.FileRun, func(b []byte) []byte { return bytes.Replace(b, []byte(archive.RunSchema), []byte("cogload.run/v0"), 1) }), []string{"run.json", "cogload.run/v0"}},
		{"run.json missing", func(t *testing.T, dir string) { _ = os.Remove(filepath.Join(dir, archive.FileRun)) }, []string{"run.json", "no such file"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeReportArchive(t, t.TempDir(), "h1", "", n, false)
			tc.damage(t, dir)
			for _, format := range render.Formats() {
				code, out, errs := reportCLI(t, "report", "--format", format, dir)
				if code != domain.ExitUsage {
					t.Errorf("--format %s: exit %d, want 2 (stderr %q)", format, code, errs)
				}
				if out != "" {
					t.Errorf("--format %s: a report was printed from a damaged archive:\n%.200s", format, out)
				}
				for _, w := range append([]string{dir}, tc.want...) {
					if !strings.Contains(errs, w) {
						t.Errorf("--format %s: stderr %q lacks %q", format, errs, w)
					}
				}
			}
		})
	}
}

// An archive whose results.bin was pruned still renders from its
// summary, with a note.
func TestReportWithoutResultsNotes(t *testing.T) {
	dir := writeReportArchive(t, t.TempDir(), "h1", "", 10, false)
	if err := os.Remove(filepath.Join(dir, archive.FileResults)); err != nil {
		t.Fatal(err)
	}
	code, out, errs := reportCLI(t, "report", dir)
	if code != domain.ExitOK || !strings.Contains(out, "scenario rep") || !strings.Contains(errs, "no results.bin") {
		t.Fatalf("exit %d, stderr %q, out:\n%s", code, errs, out)
	}
}
