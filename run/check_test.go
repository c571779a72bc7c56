package run

import (
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/cogload/cogload/cognito"
	"github.com/cogload/cogload/domain"
	"github.com/cogload/cogload/internal/mocktest"
	"github.com/cogload/cogload/mock"
	"github.com/cogload/cogload/preflight"
	"github.com/cogload/cogload/scenarios"
)

// With CheckTarget, a pool that cannot run the plan is refused before any
// sign-in or code request: Cognito's default email would run out.
func TestCheckTargetRefusesBeforeSending(t *testing.T) {
	cfg, err := mock.Builtin("email-default")
	if err != nil {
		t.Fatal(err)
	}
	var sent atomic.Int64
	m := mocktest.StartConfig(t, cfg, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			op, _ := cognito.OperationFromTarget(r.Header.Get(cognito.HeaderTarget))
			if op == cognito.OpInitiateAuth || op == cognito.OpGetUserAttributeVerificationCode {
				sent.Add(1)
			}
			next.ServeHTTP(w, r)
		})
	})
	info := m.Info
	var users strings.Builder
	users.WriteString("username,password\n")
	for _, c := range m.Server.Credentials()[:200] {
		fmt.Fprintf(&users, "%s,%s\n", c.Username, c.Password)
	}
	path := filepath.Join(t.TempDir(), "users.csv")
	if err := os.WriteFile(path, []byte(users.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	s, _ := scenarios.Builtin("release-gate")
	plan, err := s.Compile(scenarios.CompileOptions{Endpoint: &scenarios.EndpointOverride{URL: m.URL, UserPoolID: info.UserPoolID, ClientID: info.ClientID, Users: path}})
	if err != nil {
		t.Fatal(err)
	}
	var logs []string
	_, err = Run(t.Context(), plan, Options{Out: t.TempDir(), HTTPClient: m.HTTP, CheckTarget: &preflight.Options{},
		Logf: func(f string, a ...any) { logs = append(logs, fmt.Sprintf(f, a...)) }})
	var ee *domain.ExitError
	if !errors.As(err, &ee) || ee.Code != domain.ExitUsage || !strings.Contains(err.Error(), "50 emails a day") {
		t.Fatalf("err = %v, want the email error (exit 2)", err)
	}
	if n := sent.Load(); n != 0 {
		t.Errorf("%d sign-ins or code requests sent before the refusal", n)
	}
	if !strings.Contains(strings.Join(logs, "\n"), "check: warning: trigger") {
		t.Errorf("warnings not logged:\n%s", strings.Join(logs, "\n"))
	}
	// The plan's own warnings too, before anything is sent.
	if !strings.Contains(strings.Join(logs, "\n"), "warning: token pool expired left out") {
		t.Errorf("the plan's warnings not logged:\n%s", strings.Join(logs, "\n"))
	}
}
