package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cogload/cogload/domain"
)

const (
	e2eJWT    = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzZWNyZXQifQ.c2VjcmV0LXNpZ25hdHVyZQ"
	e2eOpaque = "hunter2-Opaque-S3cret"
)

// checkNoSecret fails when any of the texts, or any file under dirs,
// holds one of the secrets.
func checkNoSecret(t *testing.T, texts map[string]string, dirs ...string) {
	t.Helper()
	for _, dir := range dirs {
		_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				b, _ := os.ReadFile(p)
				texts[p] = string(b)
			}
			return nil
		})
	}
	for where, text := range texts {
		for _, s := range []string{e2eJWT, "c2VjcmV0LXNpZ25hdHVyZQ", e2eOpaque} {
			if strings.Contains(text, s) {
				t.Errorf("%s holds a secret (%.8s...)", where, s)
			}
		}
	}
}

// Tokens printed by token commands, secrets on a command line or on a
// command's stderr, and secret metadata reach neither the terminal, the
// archive, validate's plan nor an error.
func TestSecretsStayOutOfEveryOutput(t *testing.T) {
	out := t.TempDir()
	scenario := writeScenario(t, `name: secrets
target:
  mock:
    pools: [email-default]
tokenPools:
  - {name: printed, weight: 1, size: 2, kind: valid, source: {exec: [sh, -c, "echo `+e2eJWT+`; echo `+e2eOpaque+`; echo `+e2eOpaque+` >&2"]}}
  - {name: argument, weight: 1, size: 1, kind: valid, source: {exec: [printf, "%s\n", "`+e2eOpaque+`"]}}
metadata:
  - {name: creds, weight: 1, values: {password: "`+e2eOpaque+`"}}
load:
  seed: 3
  stages:
    - {name: s, duration: 1s, rate: 5}
`)
	texts := map[string]string{}
	code, stdout, stderr := runCLI(t.Context(), t, "run", scenario, "--out", out)
	if code == domain.ExitUsage || code == domain.ExitRuntime {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
	texts["run stdout"], texts["run stderr"] = stdout, stderr
	for _, args := range [][]string{{"validate", scenario}, {"validate", "--json", scenario}} {
		code, stdout, stderr := runCLI(t.Context(), t, args...)
		if code != domain.ExitOK {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
		texts[strings.Join(args, " ")] = stdout + stderr
	}
	for _, format := range []string{"text", "markdown", "json", "junit", "html"} {
		code, stdout, stderr := runCLI(t.Context(), t, "report", "--format", format, onlyArchive(t, out))
		if code != domain.ExitOK {
			t.Fatalf("report --format %s: exit %d: %s", format, code, stderr)
		}
		texts["report "+format] = stdout + stderr
	}
	// A failing command: its stderr is not shown.
	failing := writeScenario(t, `name: failing
tokenPools:
  - {name: p, size: 1, kind: valid, source: {exec: [sh, -c, "echo `+e2eJWT+`; echo password=`+e2eOpaque+` >&2; exit 4"]}}
load:
  stages:
    - {duration: 1s, rate: 1}
`)
	code, stdout, stderr = runCLI(t.Context(), t, "run", failing, "--out", t.TempDir())
	if code == domain.ExitOK || !strings.Contains(stderr, "exit status 4") {
		t.Fatalf("a failing token command: exit %d, stderr %q", code, stderr)
	}
	texts["failing run"] = stdout + stderr
	checkNoSecret(t, texts, out)
}
