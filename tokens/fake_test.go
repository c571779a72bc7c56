package tokens

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"

	"github.com/cogload/cogload/cognito"
	"github.com/cogload/cogload/domain"
)

// fakeCognito speaks the JSON 1.1 shapes of InitiateAuth and GlobalSignOut
// and the mock's /_mock/tokens side door, enough to test filling without
// the real mock.
type fakeCognito struct {
	mu        sync.Mutex
	clientID  string
	users     map[string]string
	expiresIn int32
	n         int
	owner     map[string]string // token (access, id or refresh) -> user
	revoked   map[string]bool   // access tokens
	logins    map[string]int
	refreshes int
	signouts  []string
	failUser  string // InitiateAuth answers InternalErrorException for this user
	throttle  int    // the first throttle InitiateAuth calls answer TooManyRequestsException
}

func newFake(users []domain.Credential) *fakeCognito {
	f := &fakeCognito{clientID: "client-1", users: map[string]string{}, expiresIn: 3600,
		owner: map[string]string{}, revoked: map[string]bool{}, logins: map[string]int{}}
	for _, u := range users {
		f.users[u.Username] = u.Password
	}
	return f
}

func fakeUsers(n int) []domain.Credential {
	out := make([]domain.Credential, n)
	for i := range out {
		out[i] = domain.Credential{Username: fmt.Sprintf("user%02d", i), Password: fmt.Sprintf("Pw-%02d-sEcReT!x", i)}
	}
	return out
}

// issue makes a JWT-shaped token unique to the user and counter.
func (f *fakeCognito) issue(user, use string) string {
	f.n++
	seg := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	t := seg(`{"alg":"RS256","kid":"k1"}`) + "." + seg(fmt.Sprintf(`{"sub":%q,"token_use":%q,"n":%d}`, user, use, f.n)) + "." + seg(strings.Repeat(fmt.Sprintf("sig%d", f.n), 40))
	f.owner[t] = user
	return t
}

func (f *fakeCognito) result(user string) *cognito.AuthenticationResult {
	return &cognito.AuthenticationResult{
		AccessToken: f.issue(user, "access"), IdToken: f.issue(user, "id"),
		ExpiresIn: f.expiresIn, TokenType: "Bearer",
	}
}

func (f *fakeCognito) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	rid := cognito.NewRequestID()
	if r.URL.Path == "/_mock/tokens" {
		var in struct{ Username, Kind string }
		_ = json.NewDecoder(r.Body).Decode(&in)
		if _, ok := f.users[in.Username]; !ok || in.Kind != "expired" {
			http.Error(w, "unknown user or kind", http.StatusBadRequest)
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]string{"token": f.issue(in.Username, "expired")})
		return
	}
	op, _ := cognito.OperationFromTarget(r.Header.Get(cognito.HeaderTarget))
	body, _ := io.ReadAll(r.Body)
	switch op {
	case cognito.OpInitiateAuth:
		var in cognito.InitiateAuthInput
		if err := json.Unmarshal(body, &in); err != nil {
			cognito.WriteError(w, rid, cognito.NewError(cognito.ErrSerialization, ""), cognito.StatusObserved)
			return
		}
		if in.ClientId != f.clientID {
			cognito.WriteError(w, rid, cognito.NewError(cognito.ErrResourceNotFound, ""), cognito.StatusObserved)
			return
		}
		if f.throttle > 0 {
			f.throttle--
			cognito.WriteError(w, rid, cognito.NewError(cognito.ErrTooManyRequests, ""), cognito.StatusObserved)
			return
		}
		switch in.AuthFlow {
		case cognito.FlowUserPasswordAuth:
			u := in.AuthParameters["USERNAME"]
			if u == f.failUser {
				cognito.WriteError(w, rid, cognito.NewError(cognito.ErrInternalError, ""), cognito.StatusObserved)
				return
			}
			if pw, ok := f.users[u]; !ok || pw != in.AuthParameters["PASSWORD"] {
				cognito.WriteError(w, rid, cognito.NewError(cognito.ErrNotAuthorized, cognito.MsgIncorrectCredentials), cognito.StatusObserved)
				return
			}
			f.logins[u]++
			res := f.result(u)
			res.RefreshToken = f.issue(u, "refresh")
			cognito.WriteJSON(w, rid, cognito.InitiateAuthOutput{AuthenticationResult: res})
		case cognito.FlowRefreshTokenAuth:
			u, ok := f.owner[in.AuthParameters["REFRESH_TOKEN"]]
			if !ok {
				cognito.WriteError(w, rid, cognito.NewError(cognito.ErrNotAuthorized, cognito.MsgInvalidRefreshToken), cognito.StatusObserved)
				return
			}
			f.refreshes++
			cognito.WriteJSON(w, rid, cognito.InitiateAuthOutput{AuthenticationResult: f.result(u)})
		default:
			cognito.WriteError(w, rid, cognito.NewError(cognito.ErrInvalidParameter, ""), cognito.StatusObserved)
		}
	case cognito.OpGlobalSignOut:
		var in cognito.AccessTokenInput
		_ = json.Unmarshal(body, &in)
		u, ok := f.owner[in.AccessToken]
		if !ok {
			cognito.WriteError(w, rid, cognito.NewError(cognito.ErrNotAuthorized, cognito.MsgInvalidAccessToken), cognito.StatusObserved)
			return
		}
		f.signouts = append(f.signouts, u)
		for t, o := range f.owner {
			if o == u {
				f.revoked[t] = true
			}
		}
		cognito.WriteJSON(w, rid, struct{}{})
	default:
		cognito.WriteError(w, rid, cognito.NewError(cognito.ErrUnknownOperation, ""), cognito.StatusObserved)
	}
}

// ownerOf returns the user a token was issued to.
func (f *fakeCognito) ownerOf(tok string) (string, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	u, ok := f.owner[tok]
	return u, ok
}

func (f *fakeCognito) isRevoked(tok string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.revoked[tok]
}

// handlerTransport serves requests in memory, so tests can run inside a
// synctest bubble without sockets.
type handlerTransport struct{ h http.Handler }

func (t handlerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	rec := httptest.NewRecorder()
	t.h.ServeHTTP(rec, r)
	return rec.Result(), nil
}

func (f *fakeCognito) refreshCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.refreshes
}
