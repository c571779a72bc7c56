package conformance

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cogload/cogload/mock"
	"github.com/cogload/cogload/mock/sidedoor"
)

func noSleep(context.Context, time.Duration) {}

// fixedClock keeps the mock's time still so rate buckets never refill and
// every run sees the same limits.
func fixedClock() func() time.Time {
	t0 := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	return func() time.Time { return t0 }
}

// startMock serves the built-in email-default pool and one mock per role,
// wrapping the main pool's handler with wrap (nil: none).
func startMock(t *testing.T, wrap func(http.Handler) http.Handler, extra ...mock.Option) *Target {
	t.Helper()
	opts := append([]mock.Option{mock.WithSleep(noSleep), mock.WithSeed(7), mock.WithClock(fixedClock())}, extra...)
	cfg, err := mock.Builtin("email-default")
	if err != nil {
		t.Fatal(err)
	}
	srv, err := mock.New(cfg, opts...)
	if err != nil {
		t.Fatal(err)
	}
	var h http.Handler = srv
	if wrap != nil {
		h = wrap(srv)
	}
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	return MockTarget(srv.Info(ts.URL), sharedRoles(t))
}

// The role pools are never wrapped and are reset before every case, so
// all tests share one set (key generation is slow under -race). Tests using
// them must not run in parallel: the resets would cut across each other.
var roles struct {
	once    sync.Once
	infos   map[string]sidedoor.Info
	servers []*httptest.Server
	err     error
}

func sharedRoles(t *testing.T) map[string]sidedoor.Info {
	t.Helper()
	roles.once.Do(func() {
		roles.infos = map[string]sidedoor.Info{}
		for _, role := range MockPoolRoles() {
			y, _ := MockPool(role)
			rc, err := mock.ParseConfig(role+".yaml", y)
			if err != nil {
				roles.err = fmt.Errorf("role %s: %w", role, err)
				return
			}
			rs, err := mock.New(rc, mock.WithSleep(noSleep), mock.WithSeed(11), mock.WithClock(fixedClock()))
			if err != nil {
				roles.err = fmt.Errorf("role %s: %w", role, err)
				return
			}
			rts := httptest.NewServer(rs)
			roles.servers = append(roles.servers, rts)
			roles.infos[role] = rs.Info(rts.URL)
		}
	})
	if roles.err != nil {
		t.Fatal(roles.err)
	}
	return roles.infos
}

func TestMain(m *testing.M) {
	code := m.Run()
	for _, s := range roles.servers {
		s.Close()
	}
	os.Exit(code)
}

func runAll(t *testing.T, target *Target, filter string) *Report {
	t.Helper()
	opts := Options{Clock: fixedClock()}
	if filter != "" {
		opts.Run = mustRE(t, filter)
	}
	rep, err := Run(context.Background(), target, opts)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func failures(rep *Report) []string {
	var ids []string
	for _, r := range rep.Results {
		if r.Verdict == Fail {
			ids = append(ids, r.ID)
		}
	}
	return ids
}

func TestMockPassesCatalog(t *testing.T) {
	target := startMock(t, nil)
	rep := runAll(t, target, "")
	for _, r := range rep.Results {
		switch r.Verdict {
		case Fail:
			t.Errorf("%s: expected %s; got %s (%s)", r.ID, r.Expected, r.Actual, r.Reason)
		case Skip:
			t.Errorf("%s skipped on the mock: %s", r.ID, r.Reason)
		}
	}
	if rep.Passed < 40 {
		t.Errorf("only %d cases passed", rep.Passed)
	}
	if t.Failed() {
		var b strings.Builder
		_ = rep.WriteTable(&b)
		t.Log("\n" + b.String())
	}
}
