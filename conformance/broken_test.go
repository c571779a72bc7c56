package conformance

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cogload/cogload/cognito"
)

// broken wraps the mock so that every answer passes through br. A breakage
// may also replace the request body (returned value) before the mock sees it.
func broken(br func(op string, req []byte) []byte, resp func(op string, req []byte, rec *httptest.ResponseRecorder)) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			op, _ := cognito.OperationFromTarget(r.Header.Get(cognito.HeaderTarget))
			body, _ := io.ReadAll(r.Body)
			if br != nil && r.URL.Path == "/" {
				body = br(op, body)
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
			r.ContentLength = int64(len(body))
			rec := httptest.NewRecorder()
			next.ServeHTTP(rec, r)
			if resp != nil && r.URL.Path == "/" {
				resp(op, body, rec)
			}
			for k, v := range rec.Header() {
				w.Header()[k] = v
			}
			w.Header().Del("Content-Length")
			w.WriteHeader(rec.Code)
			_, _ = w.Write(rec.Body.Bytes())
		})
	}
}

func errorType(rec *httptest.ResponseRecorder) string {
	return cognito.SanitizeErrorType(rec.Header().Get(cognito.HeaderErrorType))
}

// renameError changes an error's type in the header and the body.
func renameError(rec *httptest.ResponseRecorder, from, to string) {
	if errorType(rec) != from {
		return
	}
	rec.Header().Set(cognito.HeaderErrorType, to+":")
	b := bytes.Replace(rec.Body.Bytes(), []byte(`"`+from+`"`), []byte(`"`+to+`"`), 1)
	rec.Body = bytes.NewBuffer(b)
}

// tokenAcceptor accepts tampered tokens: it remembers every access token
// the mock issues and, when a GUAVC request carries one whose header and
// payload match a known token but whose signature differs, swaps the real
// token in, as a verifier that skips the signature check would.
type tokenAcceptor struct {
	mu    sync.Mutex
	known map[string]string // header.payload → token
}

func (a *tokenAcceptor) request(op string, body []byte) []byte {
	if op != cognito.OpGetUserAttributeVerificationCode {
		return body
	}
	var m map[string]any
	if json.Unmarshal(body, &m) != nil {
		return body
	}
	tok, _ := m["AccessToken"].(string)
	i := strings.LastIndexByte(tok, '.')
	if i < 0 {
		return body
	}
	a.mu.Lock()
	real, ok := a.known[tok[:i]]
	a.mu.Unlock()
	if !ok || real == tok {
		return body
	}
	m["AccessToken"] = real
	out, _ := json.Marshal(m)
	return out
}

func (a *tokenAcceptor) response(op string, _ []byte, rec *httptest.ResponseRecorder) {
	if op != cognito.OpInitiateAuth || rec.Code != http.StatusOK {
		return
	}
	var out cognito.InitiateAuthOutput
	if json.Unmarshal(rec.Body.Bytes(), &out) != nil || out.AuthenticationResult == nil {
		return
	}
	tok := out.AuthenticationResult.AccessToken
	if i := strings.LastIndexByte(tok, '.'); i > 0 {
		a.mu.Lock()
		a.known[tok[:i]] = tok
		a.mu.Unlock()
	}
}

func TestBrokenMockFailsExactlyTheMatchingCases(t *testing.T) {
	// TestMockPassesCatalog shows the intact mock fails nothing, so every
	// failure here comes from the breakage.
	acceptor := &tokenAcceptor{known: map[string]string{}}
	tests := []struct {
		name string
		wrap func(http.Handler) http.Handler
		want []string
	}{
		{
			name: "wrong status for LimitExceededException",
			wrap: broken(nil, func(_ string, _ []byte, rec *httptest.ResponseRecorder) {
				if errorType(rec) == cognito.ErrLimitExceeded {
					rec.Code = http.StatusTooManyRequests
				}
			}),
			want: []string{"limits.per-user-hourly", "sdk.typed-limit-exceeded"},
		},
		{
			name: "no x-amzn-RequestId on success",
			wrap: broken(nil, func(_ string, _ []byte, rec *httptest.ResponseRecorder) {
				if rec.Code == http.StatusOK {
					rec.Header().Del(cognito.HeaderRequestID)
				}
			}),
			want: []string{"protocol.request-id-success"},
		},
		{
			name: "UserNotFoundException sent as NotAuthorizedException",
			wrap: broken(nil, func(_ string, _ []byte, rec *httptest.ResponseRecorder) {
				renameError(rec, cognito.ErrUserNotFound, cognito.ErrNotAuthorized)
			}),
			want: []string{"sdk.typed-user-not-found", "user-state.deleted"},
		},
		{
			name: "no CodeDeliveryDetails",
			wrap: broken(nil, func(op string, _ []byte, rec *httptest.ResponseRecorder) {
				if op == cognito.OpGetUserAttributeVerificationCode && rec.Code == http.StatusOK {
					rec.Body = bytes.NewBufferString("{}")
				}
			}),
			want: []string{
				"attributes.already-verified", "attributes.email", "attributes.phone-number",
				"auth.other-pool", "auth.refreshed-token", "delivery.email-mask", "delivery.phone-mask", "delivery.shape",
				"input.metadata-absent", "input.metadata-empty", "input.metadata-key-131072", "input.metadata-value-131072",
			},
		},
		{
			name: "accepts a tampered signature",
			wrap: broken(acceptor.request, acceptor.response),
			want: []string{"auth.tampered-signature"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := failures(runAll(t, startMock(t, tt.wrap), ""))
			sort.Strings(got)
			sort.Strings(tt.want)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("cases failing because of the breakage (-want +got):\n%s", diff)
			}
		})
	}
}
