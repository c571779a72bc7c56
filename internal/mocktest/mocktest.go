// Package mocktest serves the mock's built-in email-default pool on a
// loopback httptest server for the tests of the mock's clients (idpclient,
// the side-door client): limits off, no latency sleeps, a fixed seed. Only
// tests import it.
package mocktest

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/cogload/cogload/domain"
	"github.com/cogload/cogload/idpclient"
	"github.com/cogload/cogload/mock"
	"github.com/cogload/cogload/mock/sidedoor"
)

// Mock is a served mock.
type Mock struct {
	Server *mock.Server
	// URL is the base URL; HTTP is a client for it.
	URL  string
	HTTP *http.Client
	// Info describes the default pool (Info.Endpoint is URL).
	Info sidedoor.Info
}

// Start serves the mock until the test ends. wrap (nil: none) wraps the
// mock's handler, e.g. to count or inspect requests.
func Start(t testing.TB, wrap func(http.Handler) http.Handler) *Mock {
	t.Helper()
	cfg, err := mock.Builtin("email-default")
	if err != nil {
		t.Fatal(err)
	}
	return StartConfig(t, cfg, wrap)
}

// StartConfig is Start with another pool configuration.
func StartConfig(t testing.TB, cfg *mock.Config, wrap func(http.Handler) http.Handler) *Mock {
	t.Helper()
	srv, err := mock.New(cfg, mock.WithNoLimits(), mock.WithSeed(5), mock.WithSleep(func(context.Context, time.Duration) {}))
	if err != nil {
		t.Fatal(err)
	}
	var h http.Handler = srv
	if wrap != nil {
		h = wrap(srv)
	}
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	return &Mock{Server: srv, URL: ts.URL, HTTP: ts.Client(), Info: srv.Info(ts.URL)}
}

// User returns the first listed user of the default pool with an email
// address.
func (m *Mock) User(t testing.TB) domain.Credential {
	t.Helper()
	for _, u := range m.Info.Users {
		if u.Email != "" {
			return u
		}
	}
	t.Fatal("the mock lists no user with an email address")
	return domain.Credential{}
}

// Usernames lists every user of a pool through the API, page by page, as
// a client sees them, riding out the UserList quota.
func Usernames(t testing.TB, c *idpclient.Client, poolID string) []string {
	t.Helper()
	var out []string
	page := ""
	for {
		var us []idpclient.User
		var next string
		err := idpclient.Backoff{}.Do(context.Background(), func(ctx context.Context) (err error) {
			us, next, err = c.ListUsers(ctx, poolID, "", page)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range us {
			out = append(out, u.Username)
		}
		if next == "" {
			return out
		}
		page = next
	}
}
