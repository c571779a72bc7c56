package idpclient_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cogload/cogload/cognito"
	"github.com/cogload/cogload/domain"
	"github.com/cogload/cogload/idpclient"
	"github.com/cogload/cogload/internal/mocktest"
	"github.com/cogload/cogload/mock/sidedoor"
)

// env is the real mock behind httptest, reached through the SDK.
type env struct {
	t      *testing.T
	m      *mocktest.Mock
	info   sidedoor.Info
	client *idpclient.Client
	doors  *sidedoor.Client
	// requests counts API calls; signed counts those that carried a SigV4
	// Authorization header, and signedAdmin and admin the same for the
	// admin operations.
	requests, signed, admin, signedAdmin atomic.Int64
}

// adminOp reports whether op is an administrative operation, which the
// real service wants signed.
func adminOp(op string) bool {
	return strings.HasPrefix(op, "Admin") || strings.HasPrefix(op, "Create") || strings.HasPrefix(op, "Delete")
}

func newEnv(t *testing.T, cfg idpclient.Config) *env {
	t.Helper()
	e := &env{t: t}
	e.m = mocktest.Start(t, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if op, ok := cognito.OperationFromTarget(r.Header.Get(cognito.HeaderTarget)); ok {
				signed := strings.HasPrefix(r.Header.Get("Authorization"), "AWS4-HMAC-SHA256 ")
				count := func(n, s *atomic.Int64) {
					n.Add(1)
					if signed {
						s.Add(1)
					}
				}
				count(&e.requests, &e.signed)
				if adminOp(op) {
					count(&e.admin, &e.signedAdmin)
				}
			}
			next.ServeHTTP(w, r)
		})
	})
	e.info = e.m.Info
	cfg.Endpoint, cfg.Region, cfg.HTTPClient = e.m.URL, e.info.Region, e.m.HTTP
	e.client = idpclient.New(cfg)
	e.doors = sidedoor.New(e.m.URL, e.m.HTTP)
	return e
}

func (e *env) user() domain.Credential { return e.m.User(e.t) }

func (e *env) login(u domain.Credential) idpclient.Tokens {
	e.t.Helper()
	tk, err := e.client.Login(context.Background(), e.info.ClientID, u)
	if err != nil {
		e.t.Fatalf("Login %s: %v", u.Username, err)
	}
	if tk.Access == "" || tk.ID == "" || tk.Refresh == "" || tk.ExpiresIn <= 0 {
		e.t.Fatalf("Login %s = %+v, want three tokens and a lifetime", u.Username, tk)
	}
	return tk
}

// wantAPIError checks that err is the service's answer code with message
// (when not empty), reachable through errors.As as the SDK's typed error.
func wantAPIError[T error](t *testing.T, err error, msg string) {
	t.Helper()
	var typed T
	if !errors.As(err, &typed) {
		t.Fatalf("err = %v, want %T", err, typed)
	}
	if msg != "" && !strings.Contains(err.Error(), msg) {
		t.Errorf("err = %v, want message %q", err, msg)
	}
}

func TestLoginRefreshAndSignOut(t *testing.T) {
	e := newEnv(t, idpclient.Config{})
	ctx := context.Background()
	u := e.user()
	tk := e.login(u)

	d, err := e.client.GetUserAttributeVerificationCode(ctx, tk.Access, cognito.AttributeEmail, nil)
	if err != nil {
		t.Fatal(err)
	}
	if d.AttributeName != cognito.AttributeEmail || d.DeliveryMedium != cognito.MediumEmail || d.Destination == "" {
		t.Errorf("delivery = %+v", d)
	}
	got, err := e.client.GetUser(ctx, tk.Access)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := got.Attribute(cognito.AttributeEmail); got.Username != u.Username || v != u.Email {
		t.Errorf("GetUser = %+v, want %s with email %s", got, u.Username, u.Email)
	}

	fresh, err := e.client.Refresh(ctx, e.info.ClientID, tk.Refresh)
	if err != nil {
		t.Fatal(err)
	}
	if fresh.Access == "" || fresh.Access == tk.Access || fresh.ExpiresIn <= 0 {
		t.Fatalf("Refresh = %+v, want a new access token", fresh)
	}
	if _, err := e.client.GetUser(ctx, fresh.Access); err != nil {
		t.Fatalf("refreshed token refused: %v", err)
	}

	if err := e.client.GlobalSignOut(ctx, fresh.Access); err != nil {
		t.Fatal(err)
	}
	for _, tok := range []string{tk.Access, fresh.Access} {
		_, err := e.client.GetUserAttributeVerificationCode(ctx, tok, cognito.AttributeEmail, nil)
		wantAPIError[*types.NotAuthorizedException](t, err, cognito.MsgAccessTokenRevoked)
	}
	if e.signed.Load() != 0 {
		t.Errorf("%d requests signed without credentials", e.signed.Load())
	}
}

func TestRevokeToken(t *testing.T) {
	e := newEnv(t, idpclient.Config{})
	ctx := context.Background()
	tk := e.login(e.user())
	if err := e.client.RevokeToken(ctx, e.info.ClientID, tk.Refresh); err != nil {
		t.Fatal(err)
	}
	_, err := e.client.GetUserAttributeVerificationCode(ctx, tk.Access, cognito.AttributeEmail, nil)
	wantAPIError[*types.NotAuthorizedException](t, err, cognito.MsgAccessTokenRevoked)
	_, err = e.client.Refresh(ctx, e.info.ClientID, tk.Refresh)
	wantAPIError[*types.NotAuthorizedException](t, err, "")
}

func TestVerifyAttributeWithTheDeliveredCode(t *testing.T) {
	e := newEnv(t, idpclient.Config{})
	ctx := context.Background()
	u := e.user()
	tk := e.login(u)
	if _, err := e.client.GetUserAttributeVerificationCode(ctx, tk.Access, cognito.AttributeEmail, map[string]string{}); err != nil {
		t.Fatal(err)
	}
	ds, err := e.doors.Outbox(ctx, sidedoor.OutboxQuery{Username: u.Username, Attribute: cognito.AttributeEmail})
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) != 1 || len(ds[0].Code) != 6 {
		t.Fatalf("outbox = %+v, want one 6-digit code", ds)
	}
	err = e.client.VerifyUserAttribute(ctx, tk.Access, cognito.AttributeEmail, "not-the-code")
	wantAPIError[*types.CodeMismatchException](t, err, "")
	if err := e.client.VerifyUserAttribute(ctx, tk.Access, cognito.AttributeEmail, ds[0].Code); err != nil {
		t.Fatal(err)
	}
	got, err := e.client.GetUser(ctx, tk.Access)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := got.Attribute("email_verified"); v != "true" {
		t.Errorf("email_verified = %q after verification", v)
	}
}

func TestAdminLifecycle(t *testing.T) {
	creds := aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
		return aws.Credentials{AccessKeyID: "AKIDTEST", SecretAccessKey: "test-secret", Source: "test"}, nil
	})
	e := newEnv(t, idpclient.Config{Credentials: creds})
	ctx := context.Background()
	c := e.client

	poolID, err := c.CreateUserPool(ctx, "idpclient-test")
	if err != nil {
		t.Fatal(err)
	}
	clientID, err := c.CreateUserPoolClient(ctx, poolID, "idpclient-test")
	if err != nil {
		t.Fatal(err)
	}
	u := domain.Credential{Username: "carol", Password: "Perm-4567-sEcReT!", Email: "carol@example.com"}
	if name, err := c.AdminCreateUser(ctx, poolID, u.Username, "Temp-1234-sEcReT!", idpclient.Attribute{Name: "email", Value: u.Email}); err != nil || name != u.Username {
		t.Fatalf("AdminCreateUser = %q, %v; want %q", name, err, u.Username)
	}
	_, err = c.Login(ctx, clientID, domain.Credential{Username: u.Username, Password: "Temp-1234-sEcReT!"})
	if !errors.Is(err, idpclient.ErrNoTokens) || !strings.Contains(err.Error(), "NEW_PASSWORD_REQUIRED") {
		t.Fatalf("login with the temporary password: err = %v, want the new-password challenge", err)
	}
	if err := c.AdminSetUserPassword(ctx, poolID, u.Username, u.Password); err != nil {
		t.Fatal(err)
	}
	tk, err := c.Login(ctx, clientID, u)
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.GetUser(ctx, tk.Access)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := got.Attribute("email"); v != u.Email {
		t.Errorf("email = %q, want %q", v, u.Email)
	}

	if err := c.AdminUserGlobalSignOut(ctx, poolID, u.Username); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetUser(ctx, tk.Access)
	wantAPIError[*types.NotAuthorizedException](t, err, cognito.MsgAccessTokenRevoked)

	if err := c.AdminDisableUser(ctx, poolID, u.Username); err != nil {
		t.Fatal(err)
	}
	_, err = c.Login(ctx, clientID, u)
	wantAPIError[*types.NotAuthorizedException](t, err, cognito.MsgUserDisabled)
	if err := c.AdminEnableUser(ctx, poolID, u.Username); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Login(ctx, clientID, u); err != nil {
		t.Fatalf("login after re-enabling: %v", err)
	}

	if err := c.AdminDeleteUser(ctx, poolID, u.Username); err != nil {
		t.Fatal(err)
	}
	err = c.AdminDeleteUser(ctx, poolID, u.Username)
	if !idpclient.NotFound(err) {
		t.Errorf("deleting a deleted user: err = %v, want not found", err)
	}
	if err := c.DeleteUserPoolClient(ctx, poolID, clientID); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteUserPool(ctx, poolID); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteUserPool(ctx, poolID); !idpclient.NotFound(err) {
		t.Errorf("deleting a deleted pool: err = %v, want not found", err)
	}
	// With credentials the admin calls are signed; the token calls never
	// are (their auth scheme is anonymous).
	if n, s := e.admin.Load(), e.signedAdmin.Load(); s == 0 || s != n {
		t.Errorf("%d of %d admin requests signed, want all (credentials given)", s, n)
	}
	if s, sa := e.signed.Load(), e.signedAdmin.Load(); s != sa {
		t.Errorf("%d token requests signed, want none", s-sa)
	}
}

func TestUnsignedWithoutCredentialsWhateverTheEnvironment(t *testing.T) {
	// The package must not pick up the process's credentials.
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDFROMENV")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "from-env")
	e := newEnv(t, idpclient.Config{})
	if _, err := e.client.CreateUserPool(context.Background(), "unsigned"); err != nil {
		t.Fatal(err)
	}
	if e.requests.Load() != 1 || e.signed.Load() != 0 {
		t.Errorf("%d requests, %d signed; want 1 unsigned", e.requests.Load(), e.signed.Load())
	}
}

// hostile answers every call with an error whose message echoes the
// request body, as no real service does, to prove the redaction.
func hostile(t *testing.T, hits *atomic.Int64) *httptest.Server {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		var b strings.Builder
		_, _ = fmt.Fprint(&b, r.Header.Get(cognito.HeaderTarget), " ")
		buf := make([]byte, 4096)
		n, _ := r.Body.Read(buf)
		b.Write(buf[:n])
		code := cognito.ErrNotAuthorized
		if strings.Contains(r.Header.Get(cognito.HeaderTarget), cognito.OpGetUserAttributeVerificationCode) {
			code = cognito.ErrTooManyRequests
		}
		cognito.WriteError(w, cognito.NewRequestID(), cognito.NewError(code, b.String()), cognito.StatusObserved)
	}))
	t.Cleanup(ts.Close)
	return ts
}

func TestNoSecretInErrorsOrPrintedValues(t *testing.T) {
	var hits atomic.Int64
	ts := hostile(t, &hits)
	c := idpclient.New(idpclient.Config{Endpoint: ts.URL, HTTPClient: ts.Client()})
	ctx := context.Background()
	const (
		password = "Pw-9876-sEcReT!"
		token    = "eyJraWQiOiJrMSIsImFsZyI6IlJTMjU2In0.eyJzdWIiOiJzZWNyZXQifQ.c2lnbmF0dXJlLXNlY3JldA"
		opaque   = "opaque-refresh-sEcReT-token"
	)
	secrets := []string{password, token, opaque, "c2lnbmF0dXJlLXNlY3JldA"}
	var errs []error
	_, err := c.Login(ctx, "client", domain.Credential{Username: "dave", Password: password})
	errs = append(errs, err)
	_, err = c.Refresh(ctx, "client", opaque)
	errs = append(errs, err)
	errs = append(errs, c.GlobalSignOut(ctx, token), c.RevokeToken(ctx, "client", opaque), c.VerifyUserAttribute(ctx, token, "email", "123456"))
	_, err = c.GetUserAttributeVerificationCode(ctx, token, "email", nil)
	errs = append(errs, err)
	_, err = c.GetUser(ctx, token)
	errs = append(errs, err)
	_, err = c.AdminCreateUser(ctx, "pool", "dave", password)
	errs = append(errs, err, c.AdminSetUserPassword(ctx, "pool", "dave", password))

	tk := idpclient.Tokens{Access: token, ID: token, Refresh: opaque, ExpiresIn: time.Hour}
	for i, err := range errs {
		if err == nil {
			t.Fatalf("call %d succeeded against a server that refuses everything", i)
		}
		var ie *idpclient.Error
		if !errors.As(err, &ie) || ie.Op == "" {
			t.Errorf("call %d: err %v is not an *idpclient.Error naming its operation", i, err)
		}
	}
	if n := hits.Load(); n != int64(len(errs)) {
		t.Errorf("%d requests for %d calls: retries are not off", n, len(errs))
	}
	if !strings.Contains(errs[0].Error(), "user dave") || !strings.Contains(errs[0].Error(), "NotAuthorizedException") {
		t.Errorf("login error %q does not name the user and the answer", errs[0])
	}
	for _, v := range append([]any{tk, &tk}, anySlice(errs)...) {
		for _, f := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d"} {
			out := fmt.Sprintf(f, v)
			for _, s := range secrets {
				if strings.Contains(out, s) || strings.Contains(out, fmt.Sprintf("%x", s)) || strings.Contains(strings.ToLower(out), fmt.Sprintf("%x", s)) {
					t.Errorf("%s of %T prints a secret: %s", f, v, out)
				}
			}
		}
	}
	if s := fmt.Sprint(tk); !strings.Contains(s, domain.Redacted) || !strings.Contains(s, "1h0m0s") {
		t.Errorf("Tokens print as %q, want redacted tokens and the lifetime", s)
	}
}

func anySlice(errs []error) []any {
	out := make([]any, len(errs))
	for i, e := range errs {
		out[i] = e
	}
	return out
}

func TestThrottledCallIsSentOnce(t *testing.T) {
	var hits atomic.Int64
	ts := hostile(t, &hits)
	c := idpclient.New(idpclient.Config{Endpoint: ts.URL, HTTPClient: ts.Client()})
	_, err := c.GetUserAttributeVerificationCode(context.Background(), "tok", "email", nil)
	if !idpclient.Throttled(err) {
		t.Fatalf("err = %v, want throttling", err)
	}
	if hits.Load() != 1 {
		t.Errorf("%d requests, want 1: the SDK retried", hits.Load())
	}
}

func TestConcurrentUse(t *testing.T) {
	e := newEnv(t, idpclient.Config{})
	users := e.m.Server.Credentials()
	var wg sync.WaitGroup
	for _, u := range users[:min(len(users), 8)] {
		wg.Go(func() {
			if _, err := e.client.Login(context.Background(), e.info.ClientID, u); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
}
