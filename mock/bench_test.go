package mock

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"syscall"
	"testing"

	"github.com/cogload/cogload/cognito"
	"github.com/cogload/cogload/mock/sidedoor"
)

// nopWriter is a reusable ResponseWriter that keeps nothing, so the
// benchmarks measure the handlers, not a recorder.
type nopWriter struct {
	h      http.Header
	status int
}

func (w *nopWriter) Header() http.Header         { return w.h }
func (w *nopWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *nopWriter) WriteHeader(s int)           { w.status = s }

func benchRequest(b *testing.B, body []byte) (*http.Request, *bytes.Reader) {
	rd := bytes.NewReader(body)
	req, err := http.NewRequest(http.MethodPost, "http://127.0.0.1/", rd)
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("Content-Type", cognito.ContentType)
	req.Header.Set(cognito.HeaderTarget, cognito.Target(cognito.OpGetUserAttributeVerificationCode))
	req.ContentLength = int64(len(body))
	return req, rd
}

// cpuMeter reports the process's CPU time (user + system, all threads) per
// operation as "cpu-ns/op" when the returned func runs. On a shared, loaded
// machine wall-clock ns/op swings with other processes; CPU per op barely
// moves.
func cpuMeter(b *testing.B) func() {
	start := cpuTime()
	return func() {
		if b.N > 0 {
			b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op")
		}
	}
}

func cpuTime() int64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}

// BenchmarkGUAVC is the mock's hot path: a valid token, no limits, the
// signature cache on (the default), so after the first request the RSA
// check is skipped and everything else is checked.
func BenchmarkGUAVC(b *testing.B) { benchGUAVC(b) }

// BenchmarkGUAVCVerifyEvery is the same with the signature verified on
// every request (--verify-every-request).
func BenchmarkGUAVCVerifyEvery(b *testing.B) { benchGUAVC(b, WithSignatureCache(false)) }

func benchGUAVC(b *testing.B, opts ...Option) {
	srv, err := New(&Config{Users: testUsers()}, append([]Option{WithSeed(1), WithNoLimits()}, opts...)...)
	if err != nil {
		b.Fatal(err)
	}
	tok, _, _ := srv.MintToken("", "", "alice", sidedoor.KindAccess)
	body := []byte(`{"AccessToken":"` + tok + `","AttributeName":"email"}`)
	b.ReportAllocs()
	b.ResetTimer()
	defer cpuMeter(b)()
	b.RunParallel(func(pb *testing.PB) {
		req, rd := benchRequest(b, body)
		w := &nopWriter{h: http.Header{}}
		for pb.Next() {
			rd.Reset(body)
			clear(w.h)
			srv.ServeHTTP(w, req)
			if w.status != http.StatusOK {
				b.Fatalf("status %d", w.status)
			}
		}
	})
}

// BenchmarkTrivial is the floor: a handler that reads the body and writes
// the same response bytes and headers.
func BenchmarkTrivial(b *testing.B) {
	h := trivialHandler()
	body := bytes.Repeat([]byte("x"), 1200)
	b.ReportAllocs()
	defer cpuMeter(b)()
	b.RunParallel(func(pb *testing.PB) {
		req, rd := benchRequest(b, body)
		w := &nopWriter{h: http.Header{}}
		for pb.Next() {
			rd.Reset(body)
			clear(w.h)
			h.ServeHTTP(w, req)
		}
	})
}

// benchHTTP drives h over loopback HTTP with keep-alive connections, the
// way a load generator would.
func benchHTTP(b *testing.B, h http.Handler, body []byte) {
	ts := httptest.NewServer(h)
	defer ts.Close()
	tr := &http.Transport{MaxIdleConnsPerHost: 64}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	b.SetParallelism(4)
	b.ReportAllocs()
	b.ResetTimer()
	defer cpuMeter(b)()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req, _ := http.NewRequest(http.MethodPost, ts.URL+"/", bytes.NewReader(body))
			req.Header.Set("Content-Type", cognito.ContentType)
			req.Header.Set(cognito.HeaderTarget, cognito.Target(cognito.OpGetUserAttributeVerificationCode))
			resp, err := client.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				b.Fatalf("status %d", resp.StatusCode)
			}
		}
	})
}

// BenchmarkGUAVCHTTP and BenchmarkTrivialHTTP compare the mock with a
// trivial handler under the same in-process HTTP load; their ns/op ratio
// estimates the throughput ratio (the load generator shares the CPUs).
func BenchmarkGUAVCHTTP(b *testing.B) {
	srv, err := New(&Config{Users: testUsers()}, WithSeed(1), WithNoLimits())
	if err != nil {
		b.Fatal(err)
	}
	tok, _, _ := srv.MintToken("", "", "alice", sidedoor.KindAccess)
	benchHTTP(b, srv, []byte(`{"AccessToken":"`+tok+`","AttributeName":"email"}`))
}

func BenchmarkTrivialHTTP(b *testing.B) {
	srv, err := New(&Config{Users: testUsers()}, WithSeed(1), WithNoLimits())
	if err != nil {
		b.Fatal(err)
	}
	tok, _, _ := srv.MintToken("", "", "alice", sidedoor.KindAccess)
	benchHTTP(b, trivialHandler(), []byte(`{"AccessToken":"`+tok+`","AttributeName":"email"}`))
}

// trivialHandler reads the body and writes the mock's success bytes and
// headers: the floor any handler pays.
func trivialHandler() http.Handler {
	resp := guavcBody("email", "EMAIL", "a***@e***")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		hd := w.Header()
		hd.Set("Content-Type", cognito.ContentType)
		hd.Set(cognito.HeaderRequestID, cognito.NewRequestID())
		hd.Set("Content-Length", strconv.Itoa(len(resp)))
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(resp)
	})
}

// BenchmarkGUAVCHTTPGuarded is BenchmarkGUAVCHTTP behind the slow-client
// guard Listen adds (a body deadline and a timer per request).
func BenchmarkGUAVCHTTPGuarded(b *testing.B) {
	srv, err := New(&Config{Users: testUsers()}, WithSeed(1), WithNoLimits())
	if err != nil {
		b.Fatal(err)
	}
	tok, _, _ := srv.MintToken("", "", "alice", sidedoor.KindAccess)
	benchHTTP(b, newSlowGuard(defaultListenConfig()).handler(srv), []byte(`{"AccessToken":"`+tok+`","AttributeName":"email"}`))
}
