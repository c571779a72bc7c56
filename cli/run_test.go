package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/cogload/cogload/domain"
	"github.com/cogload/cogload/mock"
)

// shortScenario is a small mixed scenario for end-to-end runs: low rate,
// about a second, every token kind the mock can mint.
const shortScenario = `name: e2e
target:
  mock:
    pools: [email-default]
tokenPools:
  - {name: valid, weight: 50, size: 20, kind: valid, checkout: random, source: {mint: {}}}
  - {name: tampered, weight: 20, size: 5, kind: tampered}
  - {name: garbage, weight: 15, size: 5, kind: garbage}
  - {name: expired, weight: 15, size: 5, kind: expired}
attributes:
  - {name: email, weight: 80}
  - {name: "custom:tier", weight: 20}
metadata:
  - {name: absent, weight: 50, absent: true}
  - {name: fixed, weight: 50, values: {source: cogload}}
load:
  seed: 7
  timeout: 5s
  stages:
    - {name: steady, duration: 1s, rate: 20}
thresholds:
  - violations == 0
  - "errors{code=InternalErrorException} == 0"
`

func writeScenario(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "e2e.yaml")
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func runCLI(ctx context.Context, t *testing.T, args ...string) (code domain.ExitCode, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Main(ctx, args, Stdio{Out: &out, Err: &errb, Env: []string{}})
	return code, out.String(), errb.String()
}

func onlyArchive(t *testing.T, root string) string {
	t.Helper()
	entries, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	var dirs []string
	for _, e := range entries {
		if e.IsDir() {
			dirs = append(dirs, e.Name())
		}
	}
	if len(dirs) != 1 {
		t.Fatalf("want exactly one archive under %s, got %v", root, dirs)
	}
	if strings.HasPrefix(dirs[0], ".") {
		t.Fatalf("archive %s was left half-written", dirs[0])
	}
	return filepath.Join(root, dirs[0])
}

func TestRunEndToEndOnMock(t *testing.T) {
	out := t.TempDir()
	stepSummary := filepath.Join(t.TempDir(), "step-summary.md")
	var outb, errb bytes.Buffer
	code := Main(t.Context(), []string{"run", writeScenario(t, shortScenario), "--out", out},
		Stdio{Out: &outb, Err: &errb, Env: []string{"GITHUB_STEP_SUMMARY=" + stepSummary}})
	stdout, stderr := outb.String(), errb.String()
	if code != domain.ExitOK {
		t.Fatalf("exit %d, want 0\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	dir := onlyArchive(t, out)
	for _, f := range []string{"run.json", "results.bin", "summary.json", "report.txt", "report.md", "junit.xml"} {
		if st, err := os.Stat(filepath.Join(dir, f)); err != nil || st.Size() == 0 {
			t.Errorf("archive file %s missing or empty (%v)", f, err)
		}
	}
	var sum struct {
		Totals struct {
			Requests   uint64 `json:"requests"`
			Violations uint64 `json:"violations"`
		} `json:"totals"`
		Outcomes []struct {
			Outcome string `json:"outcome"`
		} `json:"outcomes"`
	}
	readJSON(t, filepath.Join(dir, "summary.json"), &sum)
	if sum.Totals.Requests < 10 {
		t.Errorf("summary counts %d requests, want about 20", sum.Totals.Requests)
	}
	seen := map[string]bool{}
	for _, o := range sum.Outcomes {
		seen[o.Outcome] = true
	}
	for _, want := range []string{"ok", "NotAuthorizedException"} {
		if !seen[want] {
			t.Errorf("outcome %s never seen; outcomes: %v", want, sum.Outcomes)
		}
	}
	if !strings.Contains(stdout, "violations") {
		t.Errorf("report on stdout lacks the thresholds block:\n%s", stdout)
	}
	if md, err := os.ReadFile(stepSummary); err != nil || !strings.Contains(string(md), "|") {
		t.Errorf("GITHUB_STEP_SUMMARY did not get the markdown report (%v):\n%s", err, md)
	}
	assertNoSecrets(t, dir)
}

func TestRunInterruptedKeepsReportableArchive(t *testing.T) {
	out := t.TempDir()
	slow := strings.Replace(shortScenario, "duration: 1s, rate: 20", "duration: 30s, rate: 20", 1)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	// Interrupt on an event, not a timer: once a progress line shows that
	// requests went out, however slow the machine.
	var stdoutBuf bytes.Buffer
	errw := &cancelOnProgress{cancel: cancel}
	code := Main(ctx, []string{"run", writeScenario(t, slow), "--out", out, "--progress-every", "100ms"},
		Stdio{Out: &stdoutBuf, Err: errw, Env: []string{}})
	stdout, stderr := stdoutBuf.String(), errw.String()
	if code != domain.ExitInterrupted {
		t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, domain.ExitInterrupted, stdout, stderr)
	}
	dir := onlyArchive(t, out)
	var run struct {
		Interrupted bool            `json:"interrupted"`
		ExitStatus  domain.ExitCode `json:"exit_status"`
	}
	readJSON(t, filepath.Join(dir, "run.json"), &run)
	if !run.Interrupted || run.ExitStatus != domain.ExitInterrupted {
		t.Errorf("run.json: interrupted=%v exit_status=%d, want true/130", run.Interrupted, run.ExitStatus)
	}
	code, stdout, stderr = runCLI(context.Background(), t, "report", dir)
	if code != domain.ExitOK || !strings.Contains(strings.ToLower(stdout), "interrupted") {
		t.Errorf("cogload report on the interrupted archive: exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	assertNoSecrets(t, dir)
}

// cancelOnProgress is a stderr that cancels the run once a progress line
// reports sent requests.
type cancelOnProgress struct {
	bytes.Buffer
	cancel func()
}

var sentSome = regexp.MustCompile(`\bsent [1-9]`)

func (w *cancelOnProgress) Write(p []byte) (int, error) {
	if sentSome.Match(p) {
		w.cancel()
	}
	return w.Buffer.Write(p)
}

func TestRunUsageErrors(t *testing.T) {
	broken := writeScenario(t, "name: x\nload:\n  stages:\n    - {duration: 1s, rat: 5}\n")
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"unknown scenario", []string{"run", "no-such-scenario"}, "no-such-scenario"},
		{"broken scenario", []string{"run", broken}, broken + ":4:"},
		{"bad shard", []string{"run", "--shard", "3/2"}, "--shard"},
		{"bad format", []string{"run", "--format", "pdf"}, "--format"},
		{"two scenarios", []string{"run", "smoke", "smoke"}, "one scenario"},
	}
	for _, tt := range tests {
		code, _, stderr := runCLI(t.Context(), t, tt.args...)
		if code != domain.ExitUsage || !strings.Contains(stderr, tt.want) {
			t.Errorf("%s: exit %d, stderr %q; want exit 2 mentioning %q", tt.name, code, stderr, tt.want)
		}
	}
}

func TestRunListsBuiltins(t *testing.T) {
	code, stdout, _ := runCLI(t.Context(), t, "run", "--list")
	for _, name := range []string{"smoke", "release-gate", "nightly-soak", "throttle-probe", "pool-matrix"} {
		if code != 0 || !strings.Contains(stdout, name) {
			t.Errorf("run --list (exit %d) lacks %s:\n%s", code, name, stdout)
		}
	}
}

func TestRealTargetSafetyCeiling(t *testing.T) {
	const sc = `name: real
target:
  endpoint: {region: eu-central-1, userPoolId: eu-central-1_AbCdEf123, clientId: abc123%s}
tokenPools:
  - {name: t, weight: 1, kind: valid, source: {inline: [a.b.c]}}
attributes: [{name: email, weight: 1}]
load:
  stages: [{name: s, duration: 1s, rate: 50}]
`
	tests := []struct {
		name, maxRate string
		extra         []string
	}{
		{"scenario ceiling", ", maxRate: 5", nil},
		{"default ceiling", "", nil},
		// The quota is account-wide: a shard's share does not escape it.
		{"sharded", ", maxRate: 25", []string{"--shard", "1/4"}},
	}
	for _, tt := range tests {
		args := append([]string{"run", writeScenario(t, fmt.Sprintf(sc, tt.maxRate)), "--out", t.TempDir()}, tt.extra...)
		code, _, stderr := runCLI(t.Context(), t, args...)
		if code != domain.ExitUsage || !strings.Contains(stderr, "--accept-peak-rate") {
			t.Errorf("%s: exit %d, stderr %q; want the run refused with exit 2 naming --accept-peak-rate", tt.name, code, stderr)
		}
	}
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// assertNoSecrets scans every file of an archive for anything that looks
// like a JWT and for the mock users' passwords.
func assertNoSecrets(t *testing.T, dir string) {
	t.Helper()
	cfg, err := mock.Builtin("email-default")
	if err != nil {
		t.Fatal(err)
	}
	srv, err := mock.New(cfg, mock.WithSeed(7))
	if err != nil {
		t.Fatal(err)
	}
	var secrets []string
	for _, c := range srv.Credentials() {
		secrets = append(secrets, c.Password)
	}
	_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, _ := os.ReadFile(p)
		if bytes.Contains(b, []byte("eyJ")) {
			t.Errorf("%s contains a JWT-like string", p)
		}
		for _, s := range secrets[:min(len(secrets), 50)] {
			if s != "" && bytes.Contains(b, []byte(s)) {
				t.Errorf("%s contains a user's password", p)
				break
			}
		}
		return nil
	})
}

// TestRunRefusesEveryBrokenScenario runs each broken scenario of the
// scenarios package's table through `cogload run`: exit 2, nothing sent,
// no archive, and the golden file:line:col message on stderr.
func TestRunRefusesEveryBrokenScenario(t *testing.T) {
	files, err := filepath.Glob("../scenarios/testdata/broken/*.yaml")
	if err != nil || len(files) < 10 {
		t.Fatalf("broken scenarios: %v (%d files)", err, len(files))
	}
	for _, f := range files {
		golden, err := os.ReadFile(strings.TrimSuffix(f, ".yaml") + ".golden")
		if err != nil {
			t.Fatal(err)
		}
		out := t.TempDir()
		code, _, stderr := runCLI(t.Context(), t, "run", f, "--out", out)
		// The goldens name the file relative to the scenarios package.
		want := strings.ReplaceAll(strings.TrimSpace(string(golden)), "testdata/broken/", "../scenarios/testdata/broken/")
		first, _, _ := strings.Cut(want, "\n")
		if code != domain.ExitUsage || !strings.Contains(stderr, first) {
			t.Errorf("%s: exit %d; stderr:\n%s\nwant exit 2 with:\n%s", f, code, stderr, first)
		}
		if entries, _ := os.ReadDir(out); len(entries) != 0 {
			t.Errorf("%s: a refused scenario left %d entries in the results folder", f, len(entries))
		}
	}
}

// TestRelativeScenarioInASubfolder: files a scenario names resolve once,
// against the scenario's folder, whatever the working directory.
func TestRelativeScenarioInASubfolder(t *testing.T) {
	root := t.TempDir()
	t.Chdir(root)
	if err := os.MkdirAll("sub", 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join("sub", "tokens.txt"), []byte("not-a-jwt-1\nnot-a-jwt-2\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	sc := "name: sub\ntarget: {mock: {}}\ntokenPools: [{name: f, weight: 1, kind: valid, source: {file: tokens.txt}}]\nattributes: [{name: email, weight: 1}]\nexpect: [{match: {tokenPool: f}, outcomes: [NotAuthorizedException]}]\nload: {stages: [{duration: 1s, rate: 4}]}\n"
	if err := os.WriteFile(filepath.Join("sub", "s.yaml"), []byte(sc), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runCLI(t.Context(), t, "run", filepath.Join("sub", "s.yaml"), "--out", "results", "--quiet")
	if code != domain.ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
}
