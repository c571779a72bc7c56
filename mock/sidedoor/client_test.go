package sidedoor_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cogload/cogload/cognito"
	"github.com/cogload/cogload/domain"
	"github.com/cogload/cogload/idpclient"
	"github.com/cogload/cogload/internal/mocktest"
	"github.com/cogload/cogload/mock/sidedoor"
)

// env is the real mock behind httptest, with the side-door client and an
// API client (the SDK, retries off) to cause deliveries and use tokens.
type env struct {
	t     *testing.T
	m     *mocktest.Mock
	info  sidedoor.Info
	doors *sidedoor.Client
	api   *idpclient.Client
}

func newEnv(t *testing.T) *env {
	m := mocktest.Start(t, nil)
	// A trailing slash on the endpoint is tolerated.
	return &env{t: t, m: m, info: m.Info, doors: sidedoor.New(m.URL+"/", m.HTTP),
		api: idpclient.New(idpclient.Config{Endpoint: m.URL, HTTPClient: m.HTTP})}
}

// login signs a user with an email address in.
func (e *env) login() (domain.Credential, idpclient.Tokens) {
	e.t.Helper()
	u := e.m.User(e.t)
	tk, err := e.api.Login(context.Background(), e.info.ClientID, u)
	if err != nil {
		e.t.Fatal(err)
	}
	return u, tk
}

func TestInfo(t *testing.T) {
	e := newEnv(t)
	got, err := e.doors.Info(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got.UserPoolID != e.info.UserPoolID || got.ClientID != e.info.ClientID || got.Region != e.info.Region ||
		got.Endpoint == "" || len(got.Users) == 0 || got.Users[0].Password == "" {
		t.Errorf("Info = %+v, want the mock's default pool %+v with working users", got, e.info)
	}
	if s := fmt.Sprintf("%v %+v %#v", got, got, got); strings.Contains(s, got.Users[0].Password) {
		t.Errorf("printing Info prints a password: %s", s)
	}
}

func TestNotAMock(t *testing.T) {
	for name, h := range map[string]http.HandlerFunc{
		"404":      http.NotFound,
		"not json": func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("<html>")) },
		"no pool":  func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte(`{"endpoint":"x"}`)) },
	} {
		t.Run(name, func(t *testing.T) {
			ts := httptest.NewServer(h)
			defer ts.Close()
			_, err := sidedoor.New(ts.URL, ts.Client()).Info(context.Background())
			var se *sidedoor.Error
			if !errors.As(err, &se) || se.Path != sidedoor.PathInfo {
				t.Errorf("err = %v, want a *sidedoor.Error for %s", err, sidedoor.PathInfo)
			}
		})
	}
}

func TestOutbox(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	u, tk := e.login()
	for range 3 {
		if _, err := e.api.GetUserAttributeVerificationCode(ctx, tk.Access, cognito.AttributeEmail, map[string]string{}); err != nil {
			t.Fatal(err)
		}
	}
	all, err := e.doors.Outbox(ctx, sidedoor.OutboxQuery{Username: u.Username})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 3 {
		t.Fatalf("outbox has %d deliveries, want 3", len(all))
	}
	d := all[2]
	if d.Username != u.Username || d.Attribute != cognito.AttributeEmail || d.Medium != cognito.MediumEmail ||
		d.Destination != u.Email || len(d.Code) != 6 || d.PoolID != e.info.UserPoolID || d.Time.IsZero() {
		t.Errorf("delivery = %+v", d)
	}
	newest, err := e.doors.Outbox(ctx, sidedoor.OutboxQuery{Username: u.Username, Attribute: cognito.AttributeEmail, PoolID: e.info.UserPoolID, Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(newest) != 1 || newest[0].Code != d.Code {
		t.Errorf("limit 1 = %+v, want the newest delivery", newest)
	}
	if none, err := e.doors.Outbox(ctx, sidedoor.OutboxQuery{Username: u.Username, Attribute: cognito.AttributePhoneNumber}); err != nil || len(none) != 0 {
		t.Errorf("phone deliveries = %v, %v; want none", none, err)
	}
	if err := e.doors.ClearOutbox(ctx); err != nil {
		t.Fatal(err)
	}
	if left, err := e.doors.Outbox(ctx, sidedoor.OutboxQuery{}); err != nil || len(left) != 0 {
		t.Errorf("after clearing: %v, %v", left, err)
	}
	// The code still verifies: clearing the outbox forgets what was sent,
	// not the codes.
	if err := e.api.VerifyUserAttribute(ctx, tk.Access, cognito.AttributeEmail, d.Code); err != nil {
		t.Errorf("verify with the delivered code: %v", err)
	}
}

func TestMintToken(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	u := e.m.User(t)
	tests := []struct {
		kind    string
		wantMsg string // the mock's answer to GUAVC with the token; "" for success
	}{
		{sidedoor.KindAccess, ""},
		{sidedoor.KindExpired, cognito.MsgAccessTokenExpired},
		{sidedoor.KindWrongScope, cognito.MsgAccessTokenScopes},
		{sidedoor.KindAlgNone, cognito.MsgInvalidAccessToken},
	}
	for _, tt := range tests {
		t.Run(tt.kind, func(t *testing.T) {
			tok, err := e.doors.MintToken(ctx, sidedoor.MintRequest{Username: u.Username, Kind: tt.kind})
			if err != nil {
				t.Fatal(err)
			}
			_, err = e.api.GetUserAttributeVerificationCode(ctx, tok, cognito.AttributeEmail, nil)
			if tt.wantMsg == "" {
				if err != nil {
					t.Fatalf("minted %s token refused: %v", tt.kind, err)
				}
				return
			}
			var na *types.NotAuthorizedException
			if !errors.As(err, &na) || !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("err = %v, want NotAuthorizedException %q", err, tt.wantMsg)
			}
		})
	}
	for _, bad := range []struct {
		req    sidedoor.MintRequest
		status int
	}{
		{sidedoor.MintRequest{Username: u.Username, Kind: "nope"}, http.StatusBadRequest},
		{sidedoor.MintRequest{Username: "nobody"}, http.StatusNotFound},
		{sidedoor.MintRequest{Username: u.Username, PoolID: "us-east-1_nope"}, http.StatusNotFound},
	} {
		_, err := e.doors.MintToken(ctx, bad.req)
		var se *sidedoor.Error
		if !errors.As(err, &se) || se.Status != bad.status || se.Message == "" || se.Path != sidedoor.PathTokens {
			t.Errorf("MintToken(%+v): err = %#v, want %d with the mock's message", bad.req, err, bad.status)
		}
	}
}

func TestUserState(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	u, tk := e.login()
	got, err := e.doors.User(ctx, e.info.UserPoolID, u.Username)
	if err != nil {
		t.Fatal(err)
	}
	if got.Username != u.Username || got.Status != "CONFIRMED" || !got.Enabled || got.Deleted || got.Attributes["email"] != u.Email || got.Sub == "" {
		t.Fatalf("User = %+v", got)
	}

	no := false
	got, err = e.doors.SetUser(ctx, "", u.Username, sidedoor.UserUpdate{Enabled: &no, Attributes: map[string]string{"email": "moved@example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	if got.Enabled || got.Attributes["email"] != "moved@example.com" || got.Status != "CONFIRMED" {
		t.Errorf("after disabling and moving: %+v", got)
	}
	// Disabling revokes the user's tokens, as AdminDisableUser does.
	_, err = e.api.GetUserAttributeVerificationCode(ctx, tk.Access, cognito.AttributeEmail, nil)
	if !strings.Contains(fmt.Sprint(err), cognito.MsgAccessTokenRevoked) {
		t.Errorf("token of a disabled user: err = %v, want revoked", err)
	}

	status := "UNCONFIRMED"
	if got, err = e.doors.SetUser(ctx, "", u.Username, sidedoor.UserUpdate{Status: &status}); err != nil || got.Status != status || got.Enabled {
		t.Errorf("SetUser status = %+v, %v", got, err)
	}
	bogus := "BOGUS"
	_, err = e.doors.SetUser(ctx, "", u.Username, sidedoor.UserUpdate{Status: &bogus})
	var se *sidedoor.Error
	if !errors.As(err, &se) || se.Status != http.StatusBadRequest || !strings.Contains(se.Message, "CONFIRMED") {
		t.Errorf("bogus status: err = %v, want 400 naming the valid ones", err)
	}
	if _, err := e.doors.User(ctx, "", "nobody"); !errors.As(err, &se) || se.Status != http.StatusNotFound {
		t.Errorf("unknown user: err = %v, want 404", err)
	}
}

func TestReset(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	_, tk := e.login()
	if _, err := e.api.GetUserAttributeVerificationCode(ctx, tk.Access, cognito.AttributeEmail, nil); err != nil {
		t.Fatal(err)
	}
	if err := e.doors.Reset(ctx); err != nil {
		t.Fatal(err)
	}
	if left, err := e.doors.Outbox(ctx, sidedoor.OutboxQuery{}); err != nil || len(left) != 0 {
		t.Errorf("outbox after reset: %v, %v", left, err)
	}
}

// An error answer that carries a token (no mock sends one) is scrubbed.
func TestErrorsNeverHoldATokenOrTheBody(t *testing.T) {
	const tok = "eyJraWQiOiJrMSJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLXNlY3JldA"
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusTeapot)
		_, _ = fmt.Fprintf(w, `{"error":"refused %s"}`, tok)
	}))
	defer ts.Close()
	_, err := sidedoor.New(ts.URL, ts.Client()).MintToken(context.Background(), sidedoor.MintRequest{Username: "alice"})
	if err == nil {
		t.Fatal("MintToken succeeded against a refusing server")
	}
	for _, f := range []string{"%v", "%+v", "%#v", "%s"} {
		if out := fmt.Sprintf(f, err); strings.Contains(out, "eyJ") || strings.Contains(out, "c2lnbmF0dXJlLXNlY3JldA") {
			t.Errorf("%s prints the token: %s", f, out)
		}
	}
	if !strings.Contains(err.Error(), "418") || !strings.Contains(err.Error(), "refused") {
		t.Errorf("err = %v, want the status and the message", err)
	}
}
