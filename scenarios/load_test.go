package scenarios

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/cogload/cogload/internal/golden"
	"github.com/google/go-cmp/cmp"
)

// golden compares got with testdata/<name>, rewriting it under -update.

func loadAndCompile(path string) (*Plan, error) {
	s, err := Load(context.Background(), path)
	if err != nil {
		return nil, err
	}
	return s.Compile(CompileOptions{})
}

// TestBrokenScenarios checks every file under testdata/broken fails with
// the golden message, and that each message line starts with
// file:line:col so an editor can jump to it.
func TestBrokenScenarios(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("testdata/broken/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no broken scenarios: %v", err)
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".yaml")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := loadAndCompile(f)
			if err == nil {
				t.Fatal("compiled, want an error")
			}
			var se *Error
			if !errors.As(err, &se) {
				t.Fatalf("error %T is not a *scenarios.Error: %v", err, err)
			}
			pos := regexp.MustCompile(`^` + regexp.QuoteMeta(f) + `:[1-9]\d*:[1-9]\d*: `)
			for _, line := range strings.Split(err.Error(), "\n") {
				if !pos.MatchString(line) {
					t.Errorf("line %q does not start with %s:line:col", line, f)
				}
			}
			golden.Check(t, filepath.Join("broken", name+".golden"), []byte(err.Error()+"\n"))
		})
	}
}

func TestBrokenMessagesNeverEchoTokens(t *testing.T) {
	t.Parallel()
	_, err := loadAndCompile("testdata/broken/inline-bad-token.yaml")
	if err == nil {
		t.Fatal("want an error")
	}
	if strings.Contains(err.Error(), "eyJ") || strings.Contains(err.Error(), "secret") {
		t.Errorf("error echoes the token: %v", err)
	}
}

func TestBuiltinsCompile(t *testing.T) {
	t.Parallel()
	names := BuiltinNames()
	for _, want := range []string{"nightly-soak", "pool-matrix", "release-gate", "smoke", "throttle-probe"} {
		if !contains(names, want) {
			t.Errorf("built-in %s missing from %v", want, names)
		}
	}
	for _, n := range names {
		t.Run(n, func(t *testing.T) {
			t.Parallel()
			s, err := Builtin(n)
			if err != nil {
				t.Fatal(err)
			}
			p, err := s.Compile(CompileOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if p.Name != n || p.SourcePath != BuiltinPrefix+n {
				t.Errorf("name %q source %q", p.Name, p.SourcePath)
			}
			if p.Description == "" {
				t.Error("a built-in needs a description")
			}
			// Round trip: the resolved YAML is itself a valid scenario
			// that compiles to the same plan.
			s2, err := Parse("resolved.yaml", p.Resolved)
			if err != nil {
				t.Fatalf("resolved YAML does not parse: %v\n%s", err, p.Resolved)
			}
			p2, err := s2.Compile(CompileOptions{})
			if err != nil {
				t.Fatalf("resolved YAML does not compile: %v", err)
			}
			opt := cmp.Options{cmpIgnorePlanSource()}
			if diff := cmp.Diff(p, p2, opt); diff != "" {
				t.Errorf("resolved plan differs (-orig +resolved):\n%s", diff)
			}
		})
	}
}

func TestSmokeStaysUnderMockQuotas(t *testing.T) {
	t.Parallel()
	p := mustCompile(t, "smoke", CompileOptions{})
	if d := p.TotalDuration(); d < 8e9 || d > 15e9 {
		t.Errorf("smoke lasts %s, want about 10s", d)
	}
	if peak := p.PeakRate(); peak > p.Quota.CategoryRPS/2 {
		t.Errorf("smoke peaks at %v req/s, want well under the %v quota", peak, p.Quota.CategoryRPS)
	}
	var emails float64
	for i := range p.TokenPools {
		emails += p.codeCalls(i, "email")
	}
	if emails > 40 {
		t.Errorf("smoke sends about %.0f emails, too close to the default pool's 50/day", emails)
	}
	for _, line := range p.QuotaUse() {
		if strings.Contains(line, "expected for") || strings.Contains(line, "expected after") {
			t.Errorf("smoke expects throttling: %s", line)
		}
	}
	kinds := map[TokenKind]bool{}
	for _, tp := range p.TokenPools {
		kinds[tp.Kind] = true
	}
	if !kinds[KindValid] || len(kinds) < 3 {
		t.Errorf("smoke token kinds %v: want valid and invalid ones", kinds)
	}
}

func TestResolve(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"smoke", "builtin:smoke"} {
		s, err := Resolve(context.Background(), in)
		if err != nil || s.Source() != "builtin:smoke" {
			t.Errorf("Resolve(%q) = %v, %v", in, s, err)
		}
	}
	if _, err := Resolve(context.Background(), "smoek"); err == nil || !strings.Contains(err.Error(), `did you mean "smoke"?`) {
		t.Errorf("Resolve(smoek) error = %v, want a suggestion", err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "mine.yaml")
	if err := os.WriteFile(path, []byte("tokenPools: [{name: v}]\nload: {stages: [{duration: 1s, rate: 1}]}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := Resolve(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.Compile(CompileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "mine" {
		t.Errorf("default name %q, want the file's stem", p.Name)
	}
	if _, err := Resolve(context.Background(), filepath.Join(dir, "missing.yaml")); err == nil {
		t.Error("a missing file resolved")
	}
}
