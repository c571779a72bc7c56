package run

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cogload/cogload/cognito"
	"github.com/cogload/cogload/domain"
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
	srv, err := mock.New(cfg, mock.WithNoLimits(), mock.WithSleep(func(context.Context, time.Duration) {}))
	if err != nil {
		t.Fatal(err)
	}
	var sent atomic.Int64
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		op, _ := cognito.OperationFromTarget(r.Header.Get(cognito.HeaderTarget))
		if op == cognito.OpInitiateAuth || op == cognito.OpGetUserAttributeVerificationCode {
			sent.Add(1)
		}
		srv.ServeHTTP(w, r)
	}))
	defer ts.Close()
	info := srv.Info(ts.URL)
	var users strings.Builder
	users.WriteString("username,password\n")
	for _, c := range srv.Credentials()[:200] {
		fmt.Fprintf(&users, "%s,%s\n", c.Username, c.Password)
	}
	path := filepath.Join(t.TempDir(), "users.csv")
	if err := os.WriteFile(path, []byte(users.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	s, _ := scenarios.Builtin("release-gate")
	plan, err := s.Compile(scenarios.CompileOptions{Endpoint: &scenarios.EndpointOverride{URL: ts.URL, UserPoolID: info.UserPoolID, ClientID: info.ClientID, Users: path}})
	if err != nil {
		t.Fatal(err)
	}
	var logs []string
	_, err = Run(t.Context(), plan, Options{Out: t.TempDir(), HTTPClient: ts.Client(), CheckTarget: &preflight.Options{},
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
}
