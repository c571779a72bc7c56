package cli

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/cogload/cogload/domain"
)

// taggedList is YAML that made go-yaml v1.19.2 panic (a nil dereference)
// when decoded into a list.
const taggedList = "! 0000000"

func writeFile(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// Every kind of YAML input the commands read, malformed the way that
// crashed go-yaml, is invalid input: exit 2 with file:line:col, never a
// panic.
func TestMalformedInputsExitTwo(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	pool := writeFile(t, dir, "pool.yaml", "users:\n  list: "+taggedList+"\n")
	poolErr := regexp.QuoteMeta(pool) + `:2:9: users.list: the YAML tag ! is not supported here \(remove the tag\)`
	scenarioWithPool := writeFile(t, dir, "with-pool.yaml",
		"name: p\ntarget: {mock: {pools: [pool.yaml]}}\ntokenPools: [{name: v, weight: 1}]\nload: {stages: [{duration: 1s, rate: 1}]}\n")
	scenario := writeFile(t, dir, "scenario.yaml", "name: s\ntokenPools: "+taggedList+"\n")
	target := writeFile(t, dir, "target.yaml", "region: us-east-1\nuserPoolId: p\nclientId: c\nusers: "+taggedList+"\n")
	users := writeFile(t, dir, "users.yaml", "users: "+taggedList+"\n")
	scenarioWithUsers := writeFile(t, dir, "with-users.yaml",
		"name: u\ntokenPools: [{name: v, weight: 1, size: 1, source: {mint: {users: users.yaml}}}]\nload: {stages: [{duration: 1s, rate: 1}]}\n")
	out := t.TempDir()
	for _, tt := range []struct {
		name string
		args []string
		want string
	}{
		{"mock --config", []string{"mock", "--addr", "127.0.0.1:0", "--config", pool}, poolErr},
		{"run --pool", []string{"run", "--quiet", "--out", out, "--pool", pool}, poolErr},
		{"run, scenario's pool", []string{"run", "--quiet", "--out", out, scenarioWithPool}, poolErr},
		{"validate, scenario's pool", []string{"validate", scenarioWithPool}, poolErr},
		{"validate --pool", []string{"validate", "--pool", pool, "smoke"}, poolErr},
		{"scenario", []string{"validate", scenario}, regexp.QuoteMeta(scenario) + `:2:13: tokenPools: the YAML tag ! is not supported here`},
		{"conformance target", []string{"conform", "--target-file", target}, regexp.QuoteMeta(target) + `:4:8: users: this YAML tag is not supported here`},
		{"users file", []string{"run", "--quiet", "--out", out, scenarioWithUsers}, regexp.QuoteMeta(users) + `:1:8: users: this YAML tag is not supported here`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, _, stderr := runCLI(context.Background(), t, tt.args...)
			if code != domain.ExitUsage || !regexp.MustCompile(`(?m)^cogload: (.*: )?`+tt.want).MatchString(stderr) {
				t.Errorf("exit %d, stderr:\n%s\nwant exit 2 and %q", code, stderr, tt.want)
			}
			if strings.Contains(stderr, "goroutine") {
				t.Errorf("a panic:\n%s", stderr)
			}
		})
	}
	entries, _ := os.ReadDir(out)
	if len(entries) != 0 {
		t.Errorf("a refused run left %d archives", len(entries))
	}
}

// validate checks pool files with the same error mock --config gives.
func TestValidateAndMockAgreeOnPoolFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	pool := writeFile(t, dir, "pool.yaml", "name: x\nquotas:\n  rsp: 3\nfaults: {NoSuchException: 2}\n")
	scenario := writeFile(t, dir, "s.yaml", "name: s\ntarget: {mock: {pools: [pool.yaml]}}\ntokenPools: [{name: v, weight: 1}]\nload: {stages: [{duration: 1s, rate: 1}]}\n")
	_, _, mockErr := runCLI(context.Background(), t, "mock", "--addr", "127.0.0.1:0", "--config", pool)
	_, _, validateErr := runCLI(context.Background(), t, "validate", scenario)
	if mockErr == "" || mockErr != validateErr {
		t.Errorf("mock --config said:\n%s\nvalidate said:\n%s", mockErr, validateErr)
	}
	if !strings.HasPrefix(mockErr, "cogload: "+pool+":3:3: quotas.rsp: unknown field") {
		t.Errorf("error %q", mockErr)
	}
}

// A device has no size; reading stops at the limit, promptly.
func TestValidateRefusesDevices(t *testing.T) {
	t.Parallel()
	if _, err := os.Stat("/dev/urandom"); err != nil {
		t.Skip("no /dev/urandom")
	}
	code, _, stderr := runCLI(context.Background(), t, "validate", "/dev/urandom")
	if code != domain.ExitUsage || !strings.Contains(stderr, "/dev/urandom: more than 1 MiB, the most a scenario may hold") {
		t.Errorf("exit %d: %s", code, stderr)
	}
}

// An interrupt while reading input is exit 130, not invalid input.
func TestInterruptedReadExits130(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	path := writeFile(t, t.TempDir(), "s.yaml", "name: s\n")
	code, _, stderr := runCLI(ctx, t, "validate", path)
	if code != domain.ExitInterrupted || !strings.Contains(stderr, "reading stopped: interrupted") {
		t.Errorf("exit %d: %s", code, stderr)
	}
}

// Pool files a scenario names are relative to the scenario, also when
// the scenario is named by a relative path (run joined the folder twice).
func TestScenarioPoolFilesRelativeToTheScenario(t *testing.T) {
	t.Parallel()
	// A folder below the working directory, so the path stays relative.
	dir, err := os.MkdirTemp(".", "relative-scenario-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	writeFile(t, dir, "pool.yaml", "name: mine\n")
	scenario := writeFile(t, dir, "s.yaml", "name: rel\ntarget: {mock: {pools: [pool.yaml]}}\ntokenPools: [{name: v, weight: 1, size: 1, kind: garbage}]\nload: {stages: [{duration: 100ms, rate: 10}]}\n")
	code, stdout, stderr := runCLI(context.Background(), t, "run", "--quiet", "--out", t.TempDir(), scenario)
	if code != domain.ExitOK || !strings.Contains(stdout, "pool.yaml") {
		t.Errorf("exit %d, stdout %q, stderr:\n%s", code, stdout, stderr)
	}
}
