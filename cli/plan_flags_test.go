package cli

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/cogload/cogload/domain"
)

// TestPlanFlagsThatSendNothingAreRefused: --rate and --duration given as
// 0, negative or past the ceiling are refused by name before anything is
// sent (exit 2), by validate and by run alike; they used to be ignored.
func TestPlanFlagsThatSendNothingAreRefused(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--rate", "0"}, "--rate: 0 would send nothing"},
		{[]string{"--rate", "-5"}, "--rate: -5 would send nothing"},
		{[]string{"--rate", "2e6"}, "--rate: 2000000 req/s is above the most a plan may ask for, 1000000 req/s"},
		{[]string{"--duration", "0s"}, "--duration: 0s would send nothing"},
		{[]string{"--duration", "-1m"}, "--duration: -1m0s would send nothing"},
		{[]string{"--rate", "0.0000000001", "--duration", "1ms"}, "the plan sends no request"},
	} {
		for _, cmd := range []string{"validate", "run"} {
			args := append(append([]string{cmd}, tc.args...), "--out", t.TempDir(), "smoke")
			if cmd == "validate" {
				args = append(append([]string{cmd}, tc.args...), "smoke")
			}
			code, out, errs := runCLI(t.Context(), t, args...)
			if code != domain.ExitUsage || !strings.Contains(errs, tc.want) {
				t.Errorf("%s: exit %d, stderr lacks %q:\n%s\n%s", strings.Join(args, " "), code, tc.want, out, errs)
			}
		}
	}
}

// TestValidateCountsTokenSources: validate's plan shows what a file pool
// holds (3 tokens, not the default 100), in text and JSON, and refuses a
// token file the run could not use.
func TestValidateCountsTokenSources(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "three.txt"), []byte("a.b.c\nd.e.f\ng.h.i\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "empty.txt"), []byte("# no tokens\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	scenario := func(file string) string {
		p := filepath.Join(dir, file+".yaml")
		body := "name: t\ntarget:\n  endpoint: {url: \"http://127.0.0.1:1\"}\ntokenPools:\n  - {name: file, kind: valid, source: {file: " + file + "}}\nattributes:\n  - {name: email}\nload:\n  stages:\n    - {duration: 10s, rate: 10}\n"
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	code, out, errs := runCLI(t.Context(), t, "validate", scenario("three.txt"))
	if code != domain.ExitOK || !regexp.MustCompile(`\| file +\| valid \| file \S+three.txt +\| random +\| 100.0% +\| +100 \| +3 \| +3 \|`).MatchString(out) {
		t.Errorf("exit %d; the pool table does not say the file's 3 tokens:\n%s\n%s", code, out, errs)
	}
	code, out, _ = runCLI(t.Context(), t, "validate", "--json", scenario("three.txt"))
	if code != domain.ExitOK || !strings.Contains(out, `"size": 3`) || !strings.Contains(out, `"tokensNeeded": 3`) {
		t.Errorf("exit %d; JSON plan:\n%s", code, out)
	}
	code, _, errs = runCLI(t.Context(), t, "validate", scenario("empty.txt"))
	if code != domain.ExitUsage || !strings.Contains(errs, "empty.txt: no tokens") {
		t.Errorf("a token file without tokens: exit %d\n%s", code, errs)
	}
}
