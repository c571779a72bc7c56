package mock

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/smithy-go"
	"github.com/cogload/cogload/mock/sidedoor"
)

// clock is an injected clock tests advance by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// sleeps records the injected sleeps instead of sleeping.
type sleeps struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *sleeps) Sleep(_ context.Context, d time.Duration) {
	s.mu.Lock()
	s.d = append(s.d, d)
	s.mu.Unlock()
}

func (s *sleeps) reset() {
	s.mu.Lock()
	s.d = nil
	s.mu.Unlock()
}

func (s *sleeps) all() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.d...)
}

// env is a mock behind httptest with an SDK client pointed at it.
type env struct {
	t      *testing.T
	srv    *Server
	ts     *httptest.Server
	c      *cip.Client
	clock  *clock
	sleeps *sleeps
	info   sidedoor.Info
}

const testPassword = "Passw0rd!"

// testUsers is a small population covering every user state.
func testUsers() UsersConfig {
	return UsersConfig{List: []UserConfig{
		{Username: "alice", Password: testPassword, Email: "alice@example.com", PhoneNumber: "+14155558920"},
		{Username: "bob", Password: testPassword, Email: "bob@example.org"},
		{Username: "carol", Password: testPassword, PhoneNumber: "+447700900123"},
		{Username: "nina", Password: testPassword, Attributes: map[string]string{"custom:team": "blue"}},
		{Username: "uma", Password: testPassword, Email: "uma@example.com", Status: StatusUnconfirmed},
		{Username: "rita", Password: testPassword, Email: "rita@example.com", Status: StatusResetRequired},
		{Username: "dave", Password: testPassword, Email: "dave@example.com", Enabled: ptr(false)},
		{Username: "fay", Password: testPassword, Email: "fay@example.com", Status: StatusForceChangePassword},
	}}
}

// newEnv starts a seeded mock with the test population; mutate adjusts
// the configuration first.
func newEnv(t *testing.T, mutate func(*Config), opts ...Option) *env {
	t.Helper()
	cfg := &Config{Name: "test", Users: testUsers()}
	if mutate != nil {
		mutate(cfg)
	}
	e := &env{t: t, clock: newClock(), sleeps: &sleeps{}}
	opts = append([]Option{WithSeed(1), WithClock(e.clock.Now), WithSleep(e.sleeps.Sleep)}, opts...)
	srv, err := New(cfg, opts...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	e.srv = srv
	e.ts = httptest.NewServer(srv)
	t.Cleanup(e.ts.Close)
	e.c = cip.New(cip.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(e.ts.URL),
		Retryer:      aws.NopRetryer{},
		HTTPClient:   e.ts.Client(),
	})
	e.info = srv.Info(e.ts.URL)
	return e
}

func (e *env) ctx() context.Context { return context.Background() }

// login mints tokens with InitiateAuth USER_PASSWORD_AUTH.
func (e *env) login(username string) (access, id, refresh string) {
	e.t.Helper()
	out, err := e.c.InitiateAuth(e.ctx(), &cip.InitiateAuthInput{
		AuthFlow:       "USER_PASSWORD_AUTH",
		ClientId:       aws.String(e.info.ClientID),
		AuthParameters: map[string]string{"USERNAME": username, "PASSWORD": testPassword},
	})
	if err != nil {
		e.t.Fatalf("InitiateAuth %s: %v", username, err)
	}
	r := out.AuthenticationResult
	return aws.ToString(r.AccessToken), aws.ToString(r.IdToken), aws.ToString(r.RefreshToken)
}

// mint mints a special token through the side door's Go API.
func (e *env) mint(username, kind string) string {
	e.t.Helper()
	tok, status, msg := e.srv.MintToken("", "", username, kind)
	if status != http.StatusOK {
		e.t.Fatalf("MintToken %s %s: %d %s", username, kind, status, msg)
	}
	return tok
}

func (e *env) guavc(token, attr string, md map[string]string) (*cip.GetUserAttributeVerificationCodeOutput, error) {
	return e.c.GetUserAttributeVerificationCode(e.ctx(), &cip.GetUserAttributeVerificationCodeInput{
		AccessToken: aws.String(token), AttributeName: aws.String(attr), ClientMetadata: md,
	})
}

// wantAPIError checks the error's code and message as the SDK decoded them.
func wantAPIError(t *testing.T, err error, code, msg string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("error = %v, want %s", err, code)
	}
	if ae.ErrorCode() != code {
		t.Fatalf("error code = %s (%s), want %s", ae.ErrorCode(), ae.ErrorMessage(), code)
	}
	if msg != "" && ae.ErrorMessage() != msg {
		t.Fatalf("%s message = %q, want %q", code, ae.ErrorMessage(), msg)
	}
	if !isTyped(err, code) {
		t.Fatalf("%s did not arrive as its typed SDK error: %T", code, ae)
	}
}
