package render

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cogload/cogload/internal/golden"
	"github.com/cogload/cogload/scenarios"
)

func TestPlanGolden(t *testing.T) {
	t.Parallel()
	for _, n := range scenarios.BuiltinNames() {
		t.Run(n, func(t *testing.T) {
			t.Parallel()
			p := compileBuiltin(t, n)
			var buf bytes.Buffer
			if err := Plan(&buf, p); err != nil {
				t.Fatal(err)
			}
			golden.Check(t, filepath.Join("plan", n+".golden"), buf.Bytes())
		})
	}
}

func TestPlanPredictsThrottling(t *testing.T) {
	t.Parallel()
	p := compileBuiltin(t, "throttle-probe")
	var buf bytes.Buffer
	if err := Plan(&buf, p); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{"exceeds the account-wide 50 req/s quota from 50s", "TooManyRequestsException expected", "none (informational run",
		// The throttling expected rests on undocumented details of the quota.
		"Relies on (inferred or assumed", "throttling expected above 50 req/s (assumed, quota.burst)", "(inferred, quota.counting)"} {
		if !strings.Contains(out, want) {
			t.Errorf("plan text lacks %q:\n%s", want, out)
		}
	}
}

func compileBuiltin(t *testing.T, name string) *scenarios.Plan {
	t.Helper()
	s, err := scenarios.Builtin(name)
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.Compile(scenarios.CompileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return p
}
