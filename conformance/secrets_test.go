package conformance

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
)

// echoSecrets is a target that puts the whole request body (passwords,
// access and refresh tokens) into the message of every error it answers,
// and answers every successful login with an opaque extra field: what a
// careless or hostile endpoint does.
func echoSecrets(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		out := rec.Body.Bytes()
		if rec.Code >= 400 {
			var e map[string]any
			if json.Unmarshal(out, &e) == nil {
				e["message"] = "refused " + string(body)
				out, _ = json.Marshal(e)
				w.Header().Set("x-amzn-ErrorMessage", "refused "+strings.ReplaceAll(string(body), "\n", " "))
			}
		}
		w.Header().Del("Content-Length")
		w.WriteHeader(rec.Code)
		_, _ = w.Write(out)
	})
}

// No result of a conformance run shows a password or a token, JWT-shaped
// or opaque, whatever the target echoes back.
func TestReportNeverShowsSecrets(t *testing.T) {
	var seen struct {
		mu                sync.Mutex // cases send requests concurrently
		passwords, tokens map[string]bool
	}
	seen.passwords, seen.tokens = map[string]bool{}, map[string]bool{}
	// collect notes the passwords clients send and the tokens the service
	// issues (the garbage tokens cases send on purpose are no secret).
	collect := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(body))
			var in struct{ AuthParameters map[string]string }
			if json.Unmarshal(body, &in) == nil {
				seen.mu.Lock()
				seen.passwords[in.AuthParameters["PASSWORD"]] = true
				seen.mu.Unlock()
			}
			rec := httptest.NewRecorder()
			next.ServeHTTP(rec, r)
			var out struct {
				AuthenticationResult struct{ AccessToken, IdToken, RefreshToken string }
			}
			if json.Unmarshal(rec.Body.Bytes(), &out) == nil {
				a := out.AuthenticationResult
				seen.mu.Lock()
				seen.tokens[a.AccessToken], seen.tokens[a.IdToken], seen.tokens[a.RefreshToken] = true, true, true
				seen.mu.Unlock()
			}
			for k, v := range rec.Header() {
				w.Header()[k] = v
			}
			w.WriteHeader(rec.Code)
			_, _ = w.Write(rec.Body.Bytes())
		})
	}
	target := startMock(t, func(h http.Handler) http.Handler { return collect(echoSecrets(h)) })
	rep := runAll(t, target, "")
	seen.mu.Lock()
	defer seen.mu.Unlock()
	var failed int
	jwt := regexp.MustCompile(`eyJ[A-Za-z0-9_-]{8,}`)
	for _, r := range rep.Results {
		text := r.Actual + " " + r.Reason
		if r.Verdict == Fail {
			failed++
		}
		if m := jwt.FindString(text); m != "" {
			t.Errorf("%s shows a JWT: %s", r.ID, m)
		}
		for _, set := range []map[string]bool{seen.passwords, seen.tokens} {
			for s := range set {
				if len(s) >= 6 && strings.Contains(text, s) {
					t.Errorf("%s shows a secret the client sent (%.4s...): %s", r.ID, s, text)
				}
			}
		}
	}
	if failed == 0 || len(seen.passwords) < 2 || len(seen.tokens) < 3 {
		t.Fatalf("the echoing target failed %d cases with %d passwords and %d tokens sent: the test shows nothing", failed, len(seen.passwords), len(seen.tokens))
	}
	var buf bytes.Buffer
	if err := rep.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	for s := range seen.passwords {
		if len(s) >= 6 && strings.Contains(buf.String(), s) {
			t.Errorf("the JSON report shows a password")
		}
	}
}
