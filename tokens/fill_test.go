package tokens

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cogload/cogload/cognito"
	"github.com/cogload/cogload/domain"
	"github.com/cogload/cogload/idpclient"
	"github.com/cogload/cogload/scenarios"
)

func mintPool(name string, kind scenarios.TokenKind, size int) scenarios.TokenPool {
	return scenarios.TokenPool{Name: name, Weight: 1, Size: size, Kind: kind,
		Source: scenarios.TokenSource{Kind: scenarios.SourceMint}, Checkout: scenarios.CheckoutSequential}
}

// logSink collects log lines for the secrets scan.
type logSink struct {
	mu    sync.Mutex
	lines []string
}

func (l *logSink) Logf(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, fmt.Sprintf(format, args...))
}

func (l *logSink) text() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}

func testEnv(t *testing.T, f *fakeCognito, users []domain.Credential, logs *logSink) Env {
	t.Helper()
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return Env{Endpoint: srv.URL, Region: "us-east-1", UserPoolID: "us-east-1_test", ClientID: f.clientID,
		MockAdmin: true, Users: users, HTTPClient: srv.Client(), Concurrency: 4, Logf: logs.Logf}
}

func TestFillMintKinds(t *testing.T) {
	users := fakeUsers(20)
	f := newFake(users)
	logs := &logSink{}
	env := testEnv(t, f, users, logs)
	plan := &scenarios.Plan{Seed: 42, TokenPools: []scenarios.TokenPool{
		mintPool("valid", scenarios.KindValid, 4),
		mintPool("id", scenarios.KindIDToken, 2),
		mintPool("revoked", scenarios.KindRevoked, 3),
		mintPool("tampered", scenarios.KindTampered, 2),
		{Name: "garbage", Size: 5, Kind: scenarios.KindGarbage, Source: scenarios.TokenSource{Kind: scenarios.SourceNone}},
		mintPool("expired", scenarios.KindExpired, 2),
	}}
	set, err := Fill(context.Background(), plan, env)
	if err != nil {
		t.Fatal(err)
	}
	want := []int{4, 2, 3, 2, 5, 2}
	for i, n := range want {
		if got := set.Pool(i).Len(); got != n {
			t.Errorf("pool %d: %d tokens, want %d", i, got, n)
		}
	}
	toks := func(i int) []string { return set.Pool(i).load() }
	usersOf := func(i int) map[string]bool {
		m := map[string]bool{}
		for _, tok := range toks(i) {
			u, ok := f.ownerOf(tok)
			if !ok {
				t.Errorf("pool %d: token not issued by the server", i)
			}
			m[u] = true
		}
		return m
	}
	for _, tok := range toks(0) {
		if f.isRevoked(tok) {
			t.Error("valid token revoked")
		}
	}
	for _, tok := range toks(1) {
		if payload(tok)["token_use"] != "id" {
			t.Error("id pool holds a non-JWT-shaped token")
		}
	}
	revokedUsers := usersOf(2)
	for _, tok := range toks(2) {
		if !f.isRevoked(tok) {
			t.Error("revoked pool token still valid")
		}
	}
	for _, i := range []int{0, 1, 5} {
		for u := range usersOf(i) {
			if revokedUsers[u] {
				t.Errorf("pool %d shares user %s with the revoked pool", i, u)
			}
		}
	}
	f.mu.Lock()
	signouts := len(f.signouts)
	f.mu.Unlock()
	if signouts != len(revokedUsers) {
		t.Errorf("%d sign-outs for %d revoked users", signouts, len(revokedUsers))
	}
	for _, tok := range toks(3) {
		if _, ok := f.ownerOf(tok); ok {
			t.Error("tampered token equals an issued token")
		}
		if !cognito.ValidAccessTokenSyntax(tok) {
			t.Error("tampered token breaks the token pattern")
		}
	}
	g := toks(4)
	for _, tok := range g {
		if !cognito.ValidAccessTokenSyntax(tok) || strings.Count(tok, ".") != 2 {
			t.Errorf("garbage token %.20s... not xxx.yyy.zzz", tok)
		}
	}
	if !slices.Equal(g, Garbage(5, 42, 4)) || slices.Equal(g, Garbage(5, 43, 4)) {
		t.Error("garbage not deterministic for the seed")
	}
	for _, tok := range toks(5) {
		if payload(tok)["token_use"] != "expired" {
			t.Error("expired pool token not from the side door")
		}
	}
	assertNoSecrets(t, logs.text(), set)
}

func TestAssignUsers(t *testing.T) {
	tests := []struct {
		name    string
		users   int
		pools   []scenarios.TokenPool
		wantErr string
	}{
		{"enough", 10, []scenarios.TokenPool{mintPool("v", scenarios.KindValid, 5), mintPool("r", scenarios.KindRevoked, 5)}, ""},
		{"shared", 3, []scenarios.TokenPool{mintPool("v", scenarios.KindValid, 5), mintPool("r", scenarios.KindRevoked, 2), mintPool("t", scenarios.KindTampered, 4)}, ""},
		{"two revoked", 3, []scenarios.TokenPool{mintPool("r1", scenarios.KindRevoked, 5), mintPool("r2", scenarios.KindRevoked, 5), mintPool("v", scenarios.KindValid, 9)}, ""},
		{"too few", 1, []scenarios.TokenPool{mintPool("v", scenarios.KindValid, 1), mintPool("r", scenarios.KindRevoked, 1)}, "not enough users"},
		{"none", 0, []scenarios.TokenPool{mintPool("v", scenarios.KindValid, 1)}, "no users"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			users := fakeUsers(tt.users)
			f := newFake(users)
			env := testEnv(t, f, users, &logSink{})
			plan := &scenarios.Plan{TokenPools: tt.pools}
			set, err := Fill(context.Background(), plan, env)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			owners := make([]map[string]bool, len(tt.pools))
			for i := range tt.pools {
				owners[i] = map[string]bool{}
				if set.Pool(i).Len() != tt.pools[i].Size {
					t.Errorf("pool %d: %d tokens, want %d", i, set.Pool(i).Len(), tt.pools[i].Size)
				}
				for _, tok := range set.Pool(i).load() {
					u, _ := f.ownerOf(tok)
					if tt.pools[i].Kind == scenarios.KindTampered {
						u = "?"
					}
					owners[i][u] = true
				}
			}
			for i, p := range tt.pools {
				if p.Kind != scenarios.KindRevoked {
					continue
				}
				for j := range tt.pools {
					if j == i || tt.pools[j].Kind == scenarios.KindTampered {
						continue
					}
					for u := range owners[i] {
						if owners[j][u] {
							t.Errorf("revoked pool %q shares user %s with pool %q", p.Name, u, tt.pools[j].Name)
						}
					}
				}
			}
			// A second fill assigns the same users: partitioning is deterministic.
			set2, err := Fill(context.Background(), plan, env)
			if err != nil {
				t.Fatal(err)
			}
			for i := range tt.pools {
				for k, tok := range set2.Pool(i).load() {
					u1, _ := f.ownerOf((set.Pool(i).load())[k])
					u2, _ := f.ownerOf(tok)
					if u1 != u2 {
						t.Errorf("pool %d slot %d: user %s then %s", i, k, u1, u2)
					}
				}
			}
		})
	}
}

func TestFillUsersFile(t *testing.T) {
	users := fakeUsers(4)
	f := newFake(users)
	env := testEnv(t, f, nil, &logSink{})
	env.MockAdmin = false
	dir := t.TempDir()
	env.Dir = dir
	var csv strings.Builder
	csv.WriteString("username,password\n# comment\n")
	for _, u := range users {
		fmt.Fprintf(&csv, "%s,%s\n", u.Username, u.Password)
	}
	if err := os.WriteFile(filepath.Join(dir, "users.csv"), []byte(csv.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	p := mintPool("v", scenarios.KindValid, 4)
	p.Source.Path = filepath.Join(dir, "users.csv")
	set, err := Fill(context.Background(), &scenarios.Plan{TokenPools: []scenarios.TokenPool{p}}, env)
	if err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	logins := len(f.logins)
	f.mu.Unlock()
	if set.Pool(0).Len() != 4 || logins != 4 {
		t.Fatalf("got %d tokens from %d users", set.Pool(0).Len(), logins)
	}
	// Expired tokens cannot be minted against a real endpoint.
	_, err = Fill(context.Background(), &scenarios.Plan{TokenPools: []scenarios.TokenPool{mintPool("e", scenarios.KindExpired, 1)}}, env)
	if err == nil || !strings.Contains(err.Error(), "expired tokens can only be minted by the mock") {
		t.Fatalf("err = %v", err)
	}
}

func TestFillErrorsNameNoSecrets(t *testing.T) {
	users := fakeUsers(3)
	f := newFake(users)
	logs := &logSink{}
	wrong := append([]domain.Credential(nil), users...)
	wrong[1].Password = "Wr0ng-" + users[1].Password
	env := testEnv(t, f, wrong, logs)
	plan := &scenarios.Plan{TokenPools: []scenarios.TokenPool{mintPool("v", scenarios.KindValid, 3)}}
	_, err := Fill(context.Background(), plan, env)
	if err == nil || !strings.Contains(err.Error(), "user01") || !strings.Contains(err.Error(), "NotAuthorizedException") {
		t.Fatalf("err = %v, want the user and the error type", err)
	}
	text := err.Error() + "\n" + fmt.Sprintf("%v %+v %#v %s %q", wrong, wrong, wrong, wrong, wrong) + "\n" + logs.text()
	for _, u := range wrong {
		if strings.Contains(text, u.Password) {
			t.Errorf("password of %s leaked: %s", u.Username, text)
		}
	}
	f.mu.Lock() // handlers of cancelled logins may still run
	f.failUser = "user00"
	f.mu.Unlock()
	env.Users = users
	_, err = Fill(context.Background(), plan, env)
	if err == nil || !strings.Contains(err.Error(), "InternalErrorException") {
		t.Fatalf("err = %v", err)
	}
	env.ClientID = ""
	if _, err = Fill(context.Background(), plan, env); err == nil || !strings.Contains(err.Error(), "client id") {
		t.Fatalf("err = %v", err)
	}
}

// assertNoSecrets fails if any token, refresh token or password of set
// appears in text.
func assertNoSecrets(t *testing.T, text string, set *Set) {
	t.Helper()
	n := 0
	set.Secrets(func(s string) {
		n++
		if s != "" && strings.Contains(text, s) {
			t.Errorf("secret %.6s... appears in logs or errors", s)
		}
	})
	if n == 0 {
		t.Error("set reports no secrets: the scan proves nothing")
	}
}

func payload(tok string) map[string]any {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return nil
	}
	b, _ := base64.RawURLEncoding.DecodeString(parts[1])
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	return m
}

func TestFillRetriesThrottledLogins(t *testing.T) {
	users := fakeUsers(2)
	f := newFake(users)
	f.throttle = 3
	defer func(b idpclient.Backoff) { loginBackoff = b }(loginBackoff)
	loginBackoff.Base = time.Millisecond
	env := testEnv(t, f, users, &logSink{})
	env.Concurrency = 1
	plan := &scenarios.Plan{TokenPools: []scenarios.TokenPool{mintPool("v", scenarios.KindValid, 2)}}
	set, err := Fill(context.Background(), plan, env)
	if err != nil || set.Pool(0).Len() != 2 {
		t.Fatalf("Fill = %v", err)
	}
	f.mu.Lock()
	f.throttle = 100
	f.mu.Unlock()
	if _, err := Fill(context.Background(), plan, env); err == nil || !strings.Contains(err.Error(), "TooManyRequestsException") {
		t.Fatalf("err = %v, want the throttling error after %d attempts", err, loginBackoff.Attempts)
	}
}
