package mock

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/cogload/cogload/cognito"
	"github.com/cogload/cogload/internal/jws"
	"github.com/cogload/cogload/mock/sidedoor"
	"github.com/golang-jwt/jwt/v5"
)

func getBody(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s", url, resp.StatusCode, b)
	}
	return string(b)
}

func post(t *testing.T, url, body string) (int, string) {
	t.Helper()
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// contains3 reports whether s holds a, b and c in that order.
func contains3(s, a, b, c string) bool {
	i := strings.Index(s, a)
	if i < 0 {
		return false
	}
	j := strings.Index(s[i+len(a):], b)
	if j < 0 {
		return false
	}
	return strings.Contains(s[i+len(a)+j+len(b):], c)
}

func TestSideDoors(t *testing.T) {
	e := newEnv(t, nil)
	if got := getBody(t, e.ts.URL+"/healthz"); got != "ok" {
		t.Fatalf("healthz = %q", got)
	}
	var info sidedoor.Info
	if err := json.Unmarshal([]byte(getBody(t, e.ts.URL+"/_mock/info")), &info); err != nil {
		t.Fatal(err)
	}
	if info.UserPoolID == "" || info.ClientID == "" || len(info.Users) == 0 || info.Users[0].Email == "" || info.Users[0].Password == "" {
		t.Fatalf("info = %+v", info)
	}

	// Tokens verify against the published JWKS with an independent library.
	access, idTok, _ := e.login("alice")
	var jwks struct {
		Keys []jws.JWK `json:"keys"`
	}
	if err := json.Unmarshal([]byte(getBody(t, e.ts.URL+"/"+info.UserPoolID+"/.well-known/jwks.json")), &jwks); err != nil {
		t.Fatal(err)
	}
	if len(jwks.Keys) != 2 || jwks.Keys[0].Kid == jwks.Keys[1].Kid {
		t.Fatalf("jwks = %+v", jwks)
	}
	keyfunc := func(tok *jwt.Token) (any, error) {
		for _, k := range jwks.Keys {
			if k.Kid == tok.Header["kid"] {
				return e.srv.def.keyByKid(k.Kid), nil
			}
		}
		return nil, jwt.ErrTokenUnverifiable
	}
	iss := "https://cognito-idp.us-east-1.amazonaws.com/" + info.UserPoolID
	for _, tc := range []struct {
		tok, use string
	}{{access, "access"}, {idTok, "id"}} {
		claims := jwt.MapClaims{}
		_, err := jwt.ParseWithClaims(tc.tok, claims, keyfunc, jwt.WithValidMethods([]string{"RS256"}), jwt.WithIssuer(iss),
			jwt.WithTimeFunc(e.clock.Now))
		if err != nil {
			t.Fatalf("%s token: %v", tc.use, err)
		}
		if claims["token_use"] != tc.use || claims["origin_jti"] == "" || claims["event_id"] == nil || claims["auth_time"] == nil {
			t.Fatalf("%s claims = %v", tc.use, claims)
		}
		if tc.use == "access" && (claims["scope"] != cognito.RequiredScope || claims["client_id"] != info.ClientID || claims["username"] != "alice") {
			t.Fatalf("access claims = %v", claims)
		}
		if tc.use == "id" && (claims["aud"] != info.ClientID || claims["cognito:username"] != "alice" || claims["email"] != "alice@example.com") {
			t.Fatalf("id claims = %v", claims)
		}
	}

	// Users: read and change state.
	if got := getBody(t, e.ts.URL+"/_mock/users/alice"); strings.Contains(got, testPassword) || !strings.Contains(got, `"status":"CONFIRMED"`) {
		t.Fatalf("user view = %s", got)
	}
	if code, body := post(t, e.ts.URL+"/_mock/users/alice", `{"enabled":false}`); code != 200 {
		t.Fatalf("disable: %d %s", code, body)
	}
	_, err := e.guavc(access, "email", nil)
	wantAPIError(t, err, cognito.ErrNotAuthorized, cognito.MsgAccessTokenRevoked)
	post(t, e.ts.URL+"/_mock/users/alice", `{"enabled":true}`)
	// Re-enabling does not bring revoked tokens back.
	_, err = e.guavc(access, "email", nil)
	wantAPIError(t, err, cognito.ErrNotAuthorized, cognito.MsgAccessTokenRevoked)
	post(t, e.ts.URL+"/_mock/users/alice", `{"status":"UNCONFIRMED"}`)
	_, err = e.guavc(e.mint("alice", ""), "email", nil)
	wantAPIError(t, err, cognito.ErrUserNotConfirmed, cognito.MsgUserNotConfirmed)
	if code, _ := post(t, e.ts.URL+"/_mock/users/alice", `{"status":"BOGUS"}`); code != http.StatusBadRequest {
		t.Fatalf("bogus status accepted: %d", code)
	}

	// Tokens side door.
	code, body := post(t, e.ts.URL+"/_mock/tokens", `{"username":"bob","kind":"expired"}`)
	var minted struct{ Token string }
	if code != 200 || json.Unmarshal([]byte(body), &minted) != nil || minted.Token == "" {
		t.Fatalf("mint: %d %s", code, body)
	}
	_, err = e.guavc(minted.Token, "email", nil)
	wantAPIError(t, err, cognito.ErrNotAuthorized, cognito.MsgAccessTokenExpired)
	if code, _ := post(t, e.ts.URL+"/_mock/tokens", `{"username":"bob","kind":"nope"}`); code != http.StatusBadRequest {
		t.Fatalf("unknown kind: %d", code)
	}
	if code, _ := post(t, e.ts.URL+"/_mock/tokens", `{"username":"nobody"}`); code != http.StatusNotFound {
		t.Fatalf("unknown user: %d", code)
	}

	// Outbox: filter, limit, clear.
	bob := e.mint("bob", "")
	for range 3 {
		if _, err := e.guavc(bob, "email", nil); err != nil {
			t.Fatal(err)
		}
	}
	var box struct{ Deliveries []sidedoor.Delivery }
	_ = json.Unmarshal([]byte(getBody(t, e.ts.URL+"/_mock/outbox?username=bob&limit=2")), &box)
	if len(box.Deliveries) != 2 || box.Deliveries[0].Medium != "EMAIL" || box.Deliveries[1].PoolID != info.UserPoolID {
		t.Fatalf("outbox = %+v", box)
	}
	req, _ := http.NewRequest(http.MethodDelete, e.ts.URL+"/_mock/outbox", nil)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusNoContent {
		t.Fatalf("clear outbox: %v", err)
	}
	if got := getBody(t, e.ts.URL+"/_mock/outbox"); strings.TrimSpace(got) != `{"deliveries":[]}` {
		t.Fatalf("cleared outbox = %s", got)
	}

	// Metrics count requests by operation and outcome.
	m := getBody(t, e.ts.URL+"/metrics")
	for _, want := range []string{
		`cogmock_requests_total{operation="GetUserAttributeVerificationCode",outcome="ok"} 3`,
		`cogmock_requests_total{operation="GetUserAttributeVerificationCode",outcome="NotAuthorizedException"}`,
		`cogmock_request_duration_seconds_bucket{operation="InitiateAuth"`,
	} {
		if !strings.Contains(m, want) {
			t.Fatalf("metrics lack %s:\n%s", want, m)
		}
	}
	if code, _ := post(t, e.ts.URL+"/_mock/reset", ``); code != http.StatusNoContent {
		t.Fatalf("reset: %d", code)
	}
}

func TestCredentialsNeverPrintPasswords(t *testing.T) {
	e := newEnv(t, nil)
	creds := e.srv.Credentials()
	names := []string{}
	for _, c := range creds {
		names = append(names, c.Username)
	}
	if strings.Join(names, ",") != "alice,bob,carol,nina" {
		t.Fatalf("credentials = %v, want the confirmed, enabled users", names)
	}
	for _, f := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
		if s := sprintf(f, creds[0]); strings.Contains(s, testPassword) {
			t.Fatalf("%s printed the password: %s", f, s)
		}
	}
}

func sprintf(f string, v any) string { return fmt.Sprintf(f, v) }

func TestRequestLogHasNoSecrets(t *testing.T) {
	var buf strings.Builder
	var mu sync.Mutex
	e := newEnv(t, nil, WithLogger(slog.New(slog.NewTextHandler(lockedWriter{&mu, &buf}, nil))))
	access, idTok, refresh := e.login("alice")
	if _, err := e.guavc(access, "email", map[string]string{"k": "v"}); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	log := buf.String()
	if !strings.Contains(log, "operation=GetUserAttributeVerificationCode") || !strings.Contains(log, "outcome=ok") {
		t.Fatalf("log lacks the request: %s", log)
	}
	for _, secret := range []string{access, idTok, refresh, testPassword} {
		if strings.Contains(log, secret) {
			t.Fatalf("log holds a secret: %s", log)
		}
	}
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
