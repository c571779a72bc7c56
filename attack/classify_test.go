package attack

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/cogload/cogload/cognito"
	"github.com/cogload/cogload/domain"
	"github.com/cogload/cogload/scenarios"
)

// hitOnce sends one request through a real vegeta Attacker and returns
// its Result, so classification is tested on the error strings net/http
// really produces.
func hitOnce(t *testing.T, url string, timeout time.Duration) *vegeta.Result {
	t.Helper()
	atk := vegeta.NewAttacker(vegeta.Timeout(timeout), vegeta.MaxBody(MaxBody), vegeta.KeepAlive(false))
	tr := vegeta.NewStaticTargeter(vegeta.Target{Method: http.MethodPost, URL: url + "/#v=0", Body: []byte(`{}`), Header: requestHeader})
	pacer := NewPacer(scenarios.Stage{Kind: scenarios.StageConstant, Duration: time.Second, From: 1}, 0)
	var out []*vegeta.Result
	for res := range atk.Attack(tr, pacer, 0, "t") {
		out = append(out, res)
	}
	if len(out) != 1 {
		t.Fatalf("%d results, want 1", len(out))
	}
	return out[0]
}

func serve(t *testing.T, h http.HandlerFunc) string {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestClassifyReal(t *testing.T) {
	refused := func() string {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		l.Close()
		return "http://" + addr
	}
	hijack := func(linger bool) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.Copy(io.Discard, r.Body)
			c, _, err := w.(http.Hijacker).Hijack()
			if err != nil {
				return
			}
			if tc, ok := c.(*net.TCPConn); ok && linger {
				_ = tc.SetLinger(0) // RST instead of FIN
			}
			c.Close()
		}
	}
	release := make(chan struct{})
	tests := []struct {
		name string
		url  func() string
		want string
	}{
		{"ok", func() string {
			return serve(t, func(w http.ResponseWriter, r *http.Request) {
				cognito.WriteJSON(w, "rid", cognito.GetUserAttributeVerificationCodeOutput{})
			})
		}, domain.OutcomeOK},
		{"cognito error", func() string {
			return serve(t, func(w http.ResponseWriter, r *http.Request) {
				cognito.WriteError(w, "rid", cognito.NewError(cognito.ErrNotAuthorized, ""), cognito.StatusObserved)
			})
		}, cognito.ErrNotAuthorized},
		{"throttle 429 model", func() string {
			return serve(t, func(w http.ResponseWriter, r *http.Request) {
				cognito.WriteError(w, "rid", cognito.NewError(cognito.ErrTooManyRequests, ""), cognito.StatusModel)
			})
		}, cognito.ErrTooManyRequests},
		{"type in body only", func() string {
			return serve(t, func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(400)
				_, _ = io.WriteString(w, `{"__type":"com.amazonaws.cognito#LimitExceededException","message":"x"}`)
			})
		}, cognito.ErrLimitExceeded},
		{"server error", func() string {
			return serve(t, func(w http.ResponseWriter, r *http.Request) {
				cognito.WriteError(w, "rid", cognito.NewError(cognito.ErrInternalError, ""), cognito.StatusObserved)
			})
		}, cognito.ErrInternalError},
		{"proxy 502", func() string {
			return serve(t, func(w http.ResponseWriter, r *http.Request) { http.Error(w, "bad gateway", 502) })
		}, domain.OutcomeHTTP},
		{"refused", refused, domain.OutcomeConnRefused},
		{"reset", func() string { return serve(t, hijack(true)) }, domain.OutcomeConnReset},
		{"eof", func() string { return serve(t, hijack(false)) }, domain.OutcomeConnReset},
		{"timeout", func() string {
			return serve(t, func(w http.ResponseWriter, r *http.Request) {
				// Reading the body lets the server notice the client
				// hanging up and cancel r.Context().
				_, _ = io.Copy(io.Discard, r.Body)
				select {
				case <-release:
				case <-time.After(5 * time.Second):
				case <-r.Context().Done():
				}
			})
		}, domain.OutcomeTimeout},
		{"other", func() string { return "ftp://127.0.0.1:1" }, domain.OutcomeOther}, // unsupported scheme: no network
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := hitOnce(t, tt.url(), 300*time.Millisecond)
			if tt.want == domain.OutcomeTimeout {
				close(release)
			}
			if got := Classify(res); got != tt.want {
				t.Errorf("Classify = %q, want %q (code %d, error %q)", got, tt.want, res.Code, res.Error)
			}
		})
	}
}

func TestClassifyStrings(t *testing.T) {
	for e, want := range map[string]string{
		`Post "http://h/#v=1": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`: domain.OutcomeTimeout,
		`Post "http://h/": dial tcp 10.0.0.1:443: i/o timeout`:                                             domain.OutcomeTimeout,
		`Post "http://h/": dial tcp 127.0.0.1:1: connect: connection refused`:                              domain.OutcomeConnRefused,
		`Post "http://h/": read tcp 127.0.0.1:5->127.0.0.1:6: read: connection reset by peer`:              domain.OutcomeConnReset,
		`Post "http://h/": write tcp 127.0.0.1:5->127.0.0.1:6: write: broken pipe`:                         domain.OutcomeConnReset,
		`Post "http://h/": EOF`:                               domain.OutcomeConnReset,
		`Post "http://h/": tls: failed to verify certificate`: domain.OutcomeOther,
		`Post "http://h/": dial tcp: lookup h: no such host`:  domain.OutcomeOther,
		``: domain.OutcomeOther,
		// The generator's own limits, in the words of this OS's errno table.
		`Post "http://h/": dial tcp 127.0.0.1:9229: socket: ` + syscall.EMFILE.Error():            domain.OutcomeGeneratorLimit,
		`Post "http://h/": dial tcp 127.0.0.1:9229: socket: ` + syscall.ENFILE.Error():            domain.OutcomeGeneratorLimit,
		`Post "http://h/": dial tcp 127.0.0.1:9229: connect: ` + syscall.EADDRNOTAVAIL.Error():    domain.OutcomeGeneratorLimit,
		`Post "http://h/": write tcp 127.0.0.1:5->127.0.0.1:6: write: ` + syscall.ENOBUFS.Error(): domain.OutcomeGeneratorLimit,
	} {
		if got := Classify(&vegeta.Result{Error: e}); got != want {
			t.Errorf("Classify(%q) = %q, want %q", e, got, want)
		}
	}
}

func TestJudge(t *testing.T) {
	exp := domain.Expectation{Outcomes: []string{domain.OutcomeOK, cognito.ErrInvalidParameter}}
	only := domain.Expectation{Outcomes: []string{cognito.ErrNotAuthorized}}
	tests := []struct {
		outcome string
		exp     domain.Expectation
		want    domain.Verdict
	}{
		{domain.OutcomeOK, exp, domain.VerdictPass},
		{cognito.ErrInvalidParameter, exp, domain.VerdictPass},
		{cognito.ErrNotAuthorized, exp, domain.VerdictViolation},
		{domain.OutcomeOK, only, domain.VerdictViolation}, // a revoked token accepted
		{cognito.ErrTooManyRequests, exp, domain.VerdictThrottled},
		{cognito.ErrLimitExceeded, only, domain.VerdictThrottled},
		{cognito.ErrInternalError, exp, domain.VerdictError},
		{cognito.ErrCodeDeliveryFailure, exp, domain.VerdictError},
		{cognito.ErrUserLambdaValidation, exp, domain.VerdictError},
		{domain.OutcomeTimeout, exp, domain.VerdictError},
		{domain.OutcomeConnRefused, exp, domain.VerdictError},
		{domain.OutcomeConnReset, exp, domain.VerdictError},
		{domain.OutcomeOther, exp, domain.VerdictError},
		{domain.OutcomeHTTP, exp, domain.VerdictError},
		{"SomethingNewException", exp, domain.VerdictViolation},
		{domain.OutcomeTimeout, domain.Expectation{Outcomes: []string{domain.OutcomeTimeout}}, domain.VerdictPass},
		// Never sent: nothing to judge, whatever the expectation says.
		{domain.OutcomeGeneratorLimit, exp, domain.VerdictUnsent},
		{domain.OutcomeGeneratorLimit, domain.Expectation{Outcomes: []string{domain.OutcomeGeneratorLimit}}, domain.VerdictUnsent},
	}
	for _, tt := range tests {
		if got := Judge(tt.outcome, tt.exp); got != tt.want {
			t.Errorf("Judge(%q, %v) = %v, want %v", tt.outcome, tt.exp.Outcomes, got, tt.want)
		}
	}
}

func TestNormaliseError(t *testing.T) {
	u := "http://127.0.0.1:9229/#v=12"
	got := normaliseError(`Post "`+u+`": read tcp 127.0.0.1:51234->127.0.0.1:9229: read: connection reset by peer`, u, "http://127.0.0.1:9229/")
	want := `Post "http://127.0.0.1:9229/": read tcp 127.0.0.1:9229: read: connection reset by peer`
	if got != want || strings.Contains(got, "#v=") {
		t.Errorf("got %q\nwant %q", got, want)
	}
}
