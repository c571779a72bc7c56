package conformance

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"sync"

	"github.com/cogload/cogload/domain"
)

// secrets are what a conformance report must never show: the target's
// passwords and every token the service handed out during the run.
// Tokens shaped like a JWT are recognised anywhere; opaque ones (the
// mock's refresh tokens, sessions) and passwords only by their value, so
// they are collected as they pass.
type secrets struct {
	mu   sync.Mutex
	seen map[string]bool
	list []string
}

func (s *secrets) add(vals ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.seen == nil {
		s.seen = map[string]bool{}
	}
	for _, v := range vals {
		if v != "" && !s.seen[v] {
			s.seen[v] = true
			s.list = append(s.list, v)
		}
	}
}

// redact replaces every known secret and every JWT-shaped string in text.
func (s *secrets) redact(text string) string {
	s.mu.Lock()
	list := s.list
	s.mu.Unlock()
	return domain.Redact(text, list...)
}

// addPasswords collects the passwords of every user of the target.
func (s *secrets) addPasswords(t *Target) {
	pools := []Pool{t.Pool}
	for _, p := range t.Pools {
		pools = append(pools, p)
	}
	for _, p := range pools {
		for _, u := range p.Users {
			s.add(u.Password)
		}
	}
}

// watch returns a client sending through hc that collects the tokens of
// every answer (InitiateAuth's AuthenticationResult, a challenge's
// Session) before anyone reads it.
func (s *secrets) watch(hc *http.Client) *http.Client {
	c := *hc
	base := c.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	c.Transport = tokenWatch{base: base, s: s}
	return &c
}

type tokenWatch struct {
	base http.RoundTripper
	s    *secrets
}

func (w tokenWatch) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := w.base.RoundTrip(req)
	if err != nil || resp.Body == nil {
		return resp, err
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if bytes.Contains(body, []byte("Token")) || bytes.Contains(body, []byte("Session")) {
		var out struct {
			AuthenticationResult struct{ AccessToken, IdToken, RefreshToken string }
			Session              string
		}
		if json.Unmarshal(body, &out) == nil {
			r := out.AuthenticationResult
			w.s.add(r.AccessToken, r.IdToken, r.RefreshToken, out.Session)
		}
	}
	return resp, nil
}
