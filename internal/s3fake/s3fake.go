// Package s3fake serves an in-memory S3 (gofakes3) on loopback for tests,
// so code under test talks to it through the real aws-sdk-go-v2 client
// over HTTP, configured by environment variables as in production.
package s3fake

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

// Bucket is the bucket every Server has.
const Bucket = "cogload-test"

// Server is a running fake S3.
type Server struct {
	URL     string
	Backend *s3mem.Backend

	mu   sync.Mutex
	puts []string
}

// Start serves a fake S3 holding an empty Bucket until the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	s := &Server{Backend: s3mem.New()}
	if err := s.Backend.CreateBucket(Bucket); err != nil {
		t.Fatal(err)
	}
	h := gofakes3.New(s.Backend, gofakes3.WithAutoBucket(false)).Server()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPut {
			s.mu.Lock()
			s.puts = append(s.puts, strings.TrimPrefix(r.URL.Path, "/"+Bucket+"/"))
			s.mu.Unlock()
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	s.URL = srv.URL
	return s
}

// Env is the environment that points the SDK's S3 client at the fake
// (endpoint, region and static credentials).
func (s *Server) Env() []string {
	return []string{
		"AWS_ENDPOINT_URL_S3=" + s.URL,
		"AWS_REGION=us-east-1",
		"AWS_ACCESS_KEY_ID=AKIDFAKE",
		"AWS_SECRET_ACCESS_KEY=fake-secret",
	}
}

// Getenv looks a variable up in Env.
func (s *Server) Getenv(key string) string {
	for _, kv := range s.Env() {
		if k, v, _ := strings.Cut(kv, "="); k == key {
			return v
		}
	}
	return ""
}

// Puts lists the keys written with PUT, in order.
func (s *Server) Puts() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.puts...)
}
