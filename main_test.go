package main

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cogload/cogload/archive"
)

// longScenario sends valid tokens, answered at once, and garbage ones,
// refused after 40 s: once interrupted, the run waits for the refusals.
const longScenario = `name: interrupt
target:
  mock:
    pools: [slow-refusals.yaml]
tokenPools:
  - {name: valid, weight: 1, size: 20, kind: valid, checkout: random, source: {mint: {}}}
  - {name: garbage, weight: 1, size: 5, kind: garbage}
load:
  seed: 7
  timeout: 60s
  stages:
    - {name: steady, duration: 60s, rate: 20}
`

const slowRefusals = `name: slow-refusals
latency:
  p50: 1ms
  p99: 2ms
  outcomes:
    NotAuthorizedException: {p50: 40s, p99: 41s}
users:
  generate: {count: 50, password: Passw0rd!}
`

// A second interrupt exits at once with 130 and leaves no half-written
// archive: no hidden working folder, and any archive present is whole.
func TestSecondInterruptLeavesNoHalfArchive(t *testing.T) {
	if testing.Short() {
		t.Skip("builds cogload and runs it")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "cogload")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	scenario := filepath.Join(dir, "long.yaml")
	if err := os.WriteFile(scenario, []byte(longScenario), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "slow-refusals.yaml"), []byte(slowRefusals), 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	cmd := exec.Command(bin, "run", scenario, "--out", out, "--progress-every", "100ms")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill() }()
	// Interrupt once requests went out, however slow the machine; again
	// once the first interrupt was taken, while the run waits for the
	// refusals.
	var log strings.Builder
	sc := bufio.NewScanner(stderr)
	waitFor := func(re *regexp.Regexp) {
		for sc.Scan() {
			log.WriteString(sc.Text() + "\n")
			if re.MatchString(sc.Text()) {
				return
			}
		}
		t.Fatalf("cogload ended before printing %s:\n%s", re, log.String())
	}
	waitFor(regexp.MustCompile(`\bsent [1-9]`))
	_ = cmd.Process.Signal(syscall.SIGINT)
	waitFor(regexp.MustCompile(`interrupt again`))
	_ = cmd.Process.Signal(syscall.SIGINT)
	for sc.Scan() {
		log.WriteString(sc.Text() + "\n")
	}
	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()
	select {
	case err = <-waited:
	case <-time.After(30 * time.Second):
		t.Fatalf("cogload did not exit after a second interrupt:\n%s", log.String())
	}
	if code := cmd.ProcessState.ExitCode(); code != 130 {
		t.Fatalf("exit %d (%v), want 130:\n%s", code, err, log.String())
	}
	entries, err := os.ReadDir(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("a hidden working folder was left behind: %s\n%s", e.Name(), log.String())
			continue
		}
		a, err := archive.OpenArchive(filepath.Join(out, e.Name()))
		if err == nil {
			err = a.CheckResults()
		}
		if err != nil {
			t.Errorf("a half-written archive was left: %v", err)
		}
	}
	if !strings.Contains(log.String(), "removed the unfinished archive") {
		t.Errorf("stderr does not say the second interrupt removed the unfinished archive:\n%s", log.String())
	}
}
