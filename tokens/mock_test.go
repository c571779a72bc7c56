package tokens

import (
	"context"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/smithy-go"

	"github.com/cogload/cogload/cognito"
	"github.com/cogload/cogload/domain"
	"github.com/cogload/cogload/idpclient"
	"github.com/cogload/cogload/mock"
	"github.com/cogload/cogload/scenarios"
)

// mockEnv serves the real mock (built-in email-default pool, limits off)
// and returns an Env for it.
func mockEnv(t *testing.T, logs *logSink) (Env, *mock.Server) {
	t.Helper()
	cfg, err := mock.Builtin("email-default")
	if err != nil {
		t.Fatal(err)
	}
	s, err := mock.New(cfg, mock.WithNoLimits(), mock.WithSeed(1))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	info := s.Info(srv.URL)
	var users []domain.Credential
	for _, c := range s.Credentials() {
		users = append(users, domain.Credential{Username: c.Username, Password: c.Password})
	}
	return Env{Endpoint: srv.URL, Region: info.Region, UserPoolID: info.UserPoolID, ClientID: info.ClientID,
		MockAdmin: true, Users: users, HTTPClient: srv.Client(), Logf: logs.Logf}, s
}

// getUser answers "ok" or the error type the mock gives a token.
func getUser(t *testing.T, env Env, tok string) string {
	t.Helper()
	c := idpclient.New(idpclient.Config{Endpoint: env.Endpoint, Region: env.Region, HTTPClient: env.HTTPClient})
	_, err := c.GetUser(context.Background(), tok)
	if err == nil {
		return "ok"
	}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode() + ": " + ae.ErrorMessage()
	}
	t.Fatalf("GetUser: %v", err)
	return ""
}

func TestFillAgainstMock(t *testing.T) {
	logs := &logSink{}
	env, _ := mockEnv(t, logs)
	plan := &scenarios.Plan{Seed: 3, TokenPools: []scenarios.TokenPool{
		mintPool("valid", scenarios.KindValid, 6),
		mintPool("id", scenarios.KindIDToken, 2),
		mintPool("revoked", scenarios.KindRevoked, 3),
		mintPool("tampered", scenarios.KindTampered, 2),
		{Name: "garbage", Size: 2, Kind: scenarios.KindGarbage, Source: scenarios.TokenSource{Kind: scenarios.SourceNone}},
		mintPool("expired", scenarios.KindExpired, 2),
	}}
	set, err := Fill(context.Background(), plan, env)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"ok", cognito.ErrNotAuthorized, cognito.ErrNotAuthorized + ": " + cognito.MsgAccessTokenRevoked,
		cognito.ErrNotAuthorized, cognito.ErrNotAuthorized, cognito.ErrNotAuthorized + ": " + cognito.MsgAccessTokenExpired}
	for i, w := range want {
		for _, tok := range set.Pool(i).load() {
			if got := getUser(t, env, tok); !strings.HasPrefix(got, w) {
				t.Errorf("pool %s: GetUser = %q, want %q", plan.TokenPools[i].Name, got, w)
			}
		}
	}
	assertNoSecrets(t, logs.text(), set)
}

func TestRefreshAgainstMock(t *testing.T) {
	logs := &logSink{}
	env, _ := mockEnv(t, logs)
	plan := &scenarios.Plan{TokenPools: []scenarios.TokenPool{mintPool("valid", scenarios.KindValid, 2)}}
	set, err := Fill(context.Background(), plan, env)
	if err != nil {
		t.Fatal(err)
	}
	before := append([]string(nil), set.Pool(0).load()...)
	due, ok := set.NextRefresh()
	if !ok {
		t.Fatal("minted pool has nothing to refresh")
	}
	// Pretend the lifetime is 80% over.
	set.env.Now = func() time.Time { return due.Add(time.Second) }
	n, err := set.Refresh(context.Background())
	if err != nil || n != 2 {
		t.Fatalf("Refresh = %d, %v", n, err)
	}
	for k, tok := range set.Pool(0).load() {
		if tok == before[k] {
			t.Error("token not replaced")
		}
		if got := getUser(t, env, tok); got != "ok" {
			t.Errorf("refreshed token: %s", got)
		}
	}
	assertNoSecrets(t, logs.text(), set)
}
