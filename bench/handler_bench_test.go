// Package bench holds the performance scripts (see README.md) and in-process benchmarks
// that isolate the mock's per-request CPU cost from the network and the load generator.
package bench

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/cogload/cogload/mock"
)

const target = "AWSCognitoIdentityProviderService."

// newMock starts the default pool configuration with limits off, as
// mock-throughput.sh does, and mints an access token for its first sample user.
func newMock(tb testing.TB) (*mock.Server, []byte) {
	tb.Helper()
	cfg, err := mock.Builtin("email-default")
	if err != nil {
		tb.Fatal(err)
	}
	srv, err := mock.New(cfg, mock.WithNoLimits(), mock.WithSeed(1))
	if err != nil {
		tb.Fatal(err)
	}
	info := srv.Info("http://127.0.0.1")
	if len(info.Users) == 0 {
		tb.Fatal("mock lists no sample users")
	}
	auth, _ := json.Marshal(map[string]any{
		"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": info.ClientID,
		"AuthParameters": map[string]string{"USERNAME": info.Users[0].Username, "PASSWORD": info.Users[0].Password},
	})
	rec := call(srv, "InitiateAuth", auth)
	if rec.Code != http.StatusOK {
		tb.Fatalf("InitiateAuth: %d %s", rec.Code, rec.Body)
	}
	var out struct{ AuthenticationResult struct{ AccessToken string } }
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil || out.AuthenticationResult.AccessToken == "" {
		tb.Fatalf("InitiateAuth returned no access token (%v)", err)
	}
	body, _ := json.Marshal(map[string]string{"AccessToken": out.AuthenticationResult.AccessToken, "AttributeName": "email"})
	return srv, body
}

func call(h http.Handler, op string, body []byte) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", target+op)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestGUAVCHandlerOK(t *testing.T) {
	srv, body := newMock(t)
	for range 3 {
		if rec := call(srv, "GetUserAttributeVerificationCode", body); rec.Code != http.StatusOK {
			t.Fatalf("GUAVC: %d %s", rec.Code, rec.Body)
		}
	}
}

// BenchmarkGUAVCHandler is the handler's cost per successful GUAVC with no network:
// decoding, validation, RS256 verification, delivery bookkeeping and encoding.
func BenchmarkGUAVCHandler(b *testing.B) {
	srv, body := newMock(b)
	b.ReportAllocs()
	for b.Loop() {
		if rec := call(srv, "GetUserAttributeVerificationCode", body); rec.Code != http.StatusOK {
			b.Fatalf("GUAVC: %d", rec.Code)
		}
	}
}

func BenchmarkGUAVCHandlerParallel(b *testing.B) {
	srv, body := newMock(b)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if rec := call(srv, "GetUserAttributeVerificationCode", body); rec.Code != http.StatusOK {
				b.Errorf("GUAVC: %d", rec.Code)
				return
			}
		}
	})
}
