package cli

import (
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
