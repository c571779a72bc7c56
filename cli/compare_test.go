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
	"github.com/cogload/cogload/compare"
	"github.com/cogload/cogload/domain"
	"github.com/cogload/cogload/scenarios"
)

func comparePlan() *scenarios.Plan {
	return &scenarios.Plan{
		Name: "cmp", SourcePath: "builtin:cmp", Hash: "feedface", Seed: 1, Timeout: 5 * time.Second,
		Target:     scenarios.Target{Mock: true},
		TokenPools: []scenarios.TokenPool{{Name: "valid", Weight: 1, Kind: scenarios.KindValid}},
		Attributes: []scenarios.Attribute{{Name: "email", Weight: 1}},
		Metadata:   []scenarios.MetadataVariant{{Name: "none", Weight: 1, Absent: true}},
		Variants: []scenarios.Variant{{Index: 0, Weight: 1,
			Expect: domain.Expectation{Outcomes: []string{domain.OutcomeOK}, Derived: true}}},
		Stages: []scenarios.Stage{{Name: "steady", Kind: scenarios.StageConstant, Duration: 10 * time.Second, From: 40, To: 40}},
	}
}

// writeCompareArchive writes a real archive through the report package:
// 400 requests over 10s (enough for a judged p99), latency 10ms + i%10 ms scaled by latScale, and
// every throttleEvery-th request throttled (0: none).
func writeCompareArchive(t *testing.T, root, pool string, latScale float64, throttleEvery int) string {
	t.Helper()
	start := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	w, err := archive.NewArchive(root, archive.ArchiveMeta{Plan: comparePlan(), ToolVersion: "test", Target: "mock", Pool: pool, Start: start, ID: pool})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 400 {
		ts := start.Add(time.Duration(i) * 25 * time.Millisecond)
		lat := time.Duration(float64(10*time.Millisecond+time.Duration(i%10)*time.Millisecond) * latScale)
		s := domain.Sample{Seq: uint64(i), Timestamp: ts, Latency: lat, Code: 200, Outcome: domain.OutcomeOK, Verdict: domain.VerdictPass}
		if throttleEvery > 0 && i%throttleEvery == 0 {
			s.Code, s.Outcome, s.Verdict = 400, "TooManyRequestsException", domain.VerdictThrottled
		}
		w.Record(&vegeta.Result{Timestamp: ts, Latency: lat, Code: s.Code, Method: "POST", URL: "http://127.0.0.1/#v=0"}, s)
	}
	if _, err := w.Finish(archive.RunEnd{End: start.Add(10 * time.Second)}); err != nil {
		t.Fatal(err)
	}
	return w.Dir()
}

func compareCLI(t *testing.T, env []string, args ...string) (code domain.ExitCode, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Main(context.Background(), args, Stdio{Out: &out, Err: &errb, Env: env})
	return code, out.String(), errb.String()
}

func TestCompareCommand(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	base := writeCompareArchive(t, root, "base", 1, 0)
	same := writeCompareArchive(t, root, "same", 1.01, 0)
	slow := writeCompareArchive(t, root, "slow", 2, 10)
	v2dir := filepath.Join(t.TempDir(), "v2")
	if err := os.CopyFS(v2dir, os.DirFS(base)); err != nil {
		t.Fatal(err)
	}
	sumPath := filepath.Join(v2dir, archive.FileSummary)
	b, err := os.ReadFile(sumPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(sumPath, bytes.Replace(b, []byte(aggregate.Schema), []byte("cogload.summary/v2"), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	htmlOut := filepath.Join(t.TempDir(), "cmp.html")
	stepSummary := filepath.Join(t.TempDir(), "step.md")

	tests := []struct {
		name       string
		env        []string
		args       []string
		code       domain.ExitCode
		stdout     []string // substrings
		stderr     []string
		wantNoFail bool
	}{
		{name: "wobble passes the rules", args: []string{"compare", base, same, "--fail-on", "p99>+10%", "--fail-on", "throttle_rate>+1pp"},
			code: 0, stdout: []string{"within noise", "no breach in 2 checks", "same"}},
		{name: "clear regression exits 99", args: []string{"compare", base, slow, "--fail-on", "p99>+10%", "--fail-on", "throttle_rate>+1pp"},
			code: domain.ExitThresholds, stdout: []string{"regression", "2 of 2 checks BREACHED"}, stderr: []string{"2 of 2 regression rule checks breached"}},
		{name: "improvement is not a regression", args: []string{"compare", "--baseline", slow, base, "--fail-on", "p99>+10%"},
			code: 0, stdout: []string{"improvement"}},
		{name: "several baselines", args: []string{"compare", "--baseline", base, "--baseline", same, slow, "--format", "json"},
			code: 0, stdout: []string{`"baselines": 2`, `"spread": true`}},
		{name: "markdown and html", args: []string{"compare", base, slow, "--format", "markdown", "--html", htmlOut},
			code: 0, stdout: []string{"## cogload compare", "| metric"}, stderr: []string{"wrote " + htmlOut}},
		{name: "step summary", env: []string{"GITHUB_STEP_SUMMARY=" + stepSummary}, args: []string{"compare", base, same},
			code: 0},
		{name: "labels", args: []string{"compare", base, slow, "--label", "v1.2", "--label", "v1.3"},
			code: 0, stdout: []string{"Δ v1.3"}},
		{name: "bad rule", args: []string{"compare", base, slow, "--fail-on", "p99>+10"},
			code: domain.ExitUsage, stderr: []string{"--fail-on", `"p99>+10"`, "+X%"}},
		{name: "unknown metric", args: []string{"compare", base, slow, "--fail-on", "p98>+10%"},
			code: domain.ExitUsage, stderr: []string{"unknown metric \"p98\""}},
		{name: "bad noise", args: []string{"compare", base, slow, "--noise", "5"},
			code: domain.ExitUsage, stderr: []string{"--noise \"5\"", "X%"}},
		{name: "bad format", args: []string{"compare", base, slow, "--format", "xml"},
			code: domain.ExitUsage, stderr: []string{"--format \"xml\""}},
		{name: "one run", args: []string{"compare", base},
			code: domain.ExitUsage, stderr: []string{"need at least two runs"}},
		{name: "label count", args: []string{"compare", base, slow, "--label", "x"},
			code: domain.ExitUsage, stderr: []string{"--label given 1 times for 2 runs"}},
		{name: "missing archive", args: []string{"compare", base, filepath.Join(root, "nope")},
			code: domain.ExitUsage, stderr: []string{"nope"}},
		{name: "other schema major", args: []string{"compare", base, v2dir},
			code: domain.ExitUsage, stderr: []string{v2dir, "summary.json", "cogload.summary/v2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := compareCLI(t, tt.env, tt.args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.code, stdout, stderr)
			}
			for _, s := range tt.stdout {
				if !strings.Contains(stdout, s) {
					t.Errorf("stdout lacks %q:\n%s", s, stdout)
				}
			}
			for _, s := range tt.stderr {
				if !strings.Contains(stderr, s) {
					t.Errorf("stderr lacks %q:\n%s", s, stderr)
				}
			}
		})
	}

	page, err := os.ReadFile(htmlOut)
	if err != nil || !bytes.Contains(page, []byte(`id="cogload-comparison"`)) {
		t.Errorf("--html wrote no comparison page (%v)", err)
	}
	md, err := os.ReadFile(stepSummary)
	if err != nil || !bytes.Contains(md, []byte("## cogload compare")) {
		t.Errorf("GITHUB_STEP_SUMMARY not appended (%v): %.100q", err, md)
	}
	// The archive writer renders report.html through the registered
	// renderer.
	if _, err := os.Stat(filepath.Join(base, "report.html")); err != nil {
		t.Errorf("archive has no report.html: %v", err)
	}

	_, stdout, _ := compareCLI(t, nil, "compare", base, slow, "--format", "json", "--fail-on", "p99>+10%")
	var c compare.Comparison
	if err := json.Unmarshal([]byte(stdout), &c); err != nil {
		t.Fatalf("--format json: %v", err)
	}
	if len(c.Runs) != 2 || !c.Breached() || c.Schema != compare.Schema {
		t.Errorf("json comparison: %d runs, breached %v, schema %q", len(c.Runs), c.Breached(), c.Schema)
	}
}

func TestParseNoise(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in        string
		rel, rate float64
		err       bool
	}{
		{in: "5%", rel: 0.05},
		{in: "0.5pp", rate: 0.005},
		{in: "0%", rel: -1},
		{in: "0pp", rate: -1},
		{in: "5", err: true},
		{in: "-3%", err: true},
		{in: "abc%", err: true},
		{in: "200pp", err: true},
		{in: "NaN%", err: true},
		{in: "nanpp", err: true},
	}
	for _, tt := range tests {
		var o compare.Options
		err := parseNoise(tt.in, &o)
		if (err != nil) != tt.err {
			t.Errorf("parseNoise(%q) error = %v, want error %v", tt.in, err, tt.err)
			continue
		}
		if !tt.err && (o.RelativeNoise != tt.rel || o.RateNoise != tt.rate) {
			t.Errorf("parseNoise(%q) = rel %v rate %v, want %v %v", tt.in, o.RelativeNoise, o.RateNoise, tt.rel, tt.rate)
		}
	}
}

// FuzzParseNoise: any --noise value is accepted within bounds or refused
// with an error, never a panic or a negative tolerance other than "none".
func FuzzParseNoise(f *testing.F) {
	for _, s := range []string{"5%", "0.5pp", "0%", "pp", "%", "-1pp", "1e309%", "NaN%"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var o compare.Options
		if err := parseNoise(s, &o); err != nil {
			return
		}
		for _, v := range []float64{o.RelativeNoise, o.RateNoise} {
			if v != v || (v < 0 && v != -1) || v > 10 {
				t.Fatalf("parseNoise(%q) = %+v: tolerance out of range", s, o)
			}
		}
	})
}
