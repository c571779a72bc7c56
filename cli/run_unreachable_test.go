package cli

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cogload/cogload/cognito"
	"github.com/cogload/cogload/domain"
)

// endpointScenario sends garbage tokens (nothing to mint) to url: 20
// requests over a second, each given timeout, with the thresholds given.
func endpointScenario(url, timeout string, thresholds ...string) string {
	s := fmt.Sprintf(`name: reach
target:
  endpoint: {url: %q}
tokenPools:
  - {name: garbage, size: 5, kind: garbage}
attributes:
  - {name: email}
load:
  timeout: %s
  stages:
    - {name: steady, duration: 1s, rate: 20}
`, url, timeout)
	if len(thresholds) > 0 {
		s += "thresholds:\n"
		for _, th := range thresholds {
			s += fmt.Sprintf("  - %q\n", th)
		}
	}
	return s
}

// closedPort is a loopback address nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return "http://" + addr
}

// blackHole accepts connections and never answers.
func blackHole(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		l.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return "http://" + l.Addr().String()
}

// slowEveryTenth answers like Cognito (NotAuthorizedException for a
// garbage token), except that every tenth request is held past the
// client's timeout.
func slowEveryTenth(t *testing.T) string {
	t.Helper()
	var n atomic.Int64
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		if n.Add(1)%10 == 0 {
			select {
			case <-release:
			case <-r.Context().Done():
			}
			return
		}
		cognito.WriteError(w, "rid", cognito.NewError(cognito.ErrNotAuthorized, "Invalid Access Token"), cognito.StatusObserved)
	}))
	t.Cleanup(func() { close(release); srv.Close() })
	return srv.URL
}

// TestRunThatNeverReachesItsTargetFails: a run whose requests were all
// refused or timed out, or that lost a tenth of them with no threshold
// about them, exits 1 and says why in its report and archive, whatever
// its other thresholds say; a threshold on the lost requests judges them
// instead.
func TestRunThatNeverReachesItsTargetFails(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name       string
		url        func(*testing.T) string
		timeout    string
		thresholds []string
		want       domain.ExitCode
		reason     string
	}{
		{"closed port", closedPort, "1s", nil, domain.ExitRuntime, "the target never answered: all 20 requests failed (conn_refused 20)"},
		{"closed port, thresholds hold", closedPort, "1s", []string{"latency.p99 < 5s", "violations == 0"}, domain.ExitRuntime, "never answered"},
		{"black hole", blackHole, "200ms", nil, domain.ExitRuntime, "all 20 requests failed (timeout 20)"},
		{"a tenth too slow", slowEveryTenth, "200ms", []string{"latency.p50 < 150ms"}, domain.ExitRuntime, "2 of 20 requests (10.00%) got no answer from the target (timeout 2)"},
		{"a tenth too slow, judged", slowEveryTenth, "200ms", []string{"outcome_rate{code=timeout} < 20%"}, domain.ExitOK, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			out := t.TempDir()
			code, stdout, stderr := runCLI(t.Context(), t, "run", writeScenario(t, endpointScenario(tc.url(t), tc.timeout, tc.thresholds...)), "--out", out)
			if code != tc.want {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tc.want, stdout, stderr)
			}
			dir := onlyArchive(t, out)
			var sum struct {
				Run struct {
					ExitStatus int `json:"exit_status"`
				} `json:"run"`
				Reliability struct {
					Failure string `json:"failure"`
				} `json:"reliability"`
			}
			readJSON(t, filepath.Join(dir, "summary.json"), &sum)
			if sum.Run.ExitStatus != int(tc.want) || !strings.Contains(sum.Reliability.Failure, tc.reason) || (tc.reason == "") != (sum.Reliability.Failure == "") {
				t.Errorf("summary.json: exit %d, failure %q; want %d, %q", sum.Run.ExitStatus, sum.Reliability.Failure, tc.want, tc.reason)
			}
			if tc.reason == "" {
				return
			}
			if !strings.Contains(stdout, "RUN FAILED (exit status 1): ") || !strings.Contains(stdout, tc.reason) {
				t.Errorf("report on stdout lacks the reason %q:\n%s", tc.reason, stdout)
			}
			for file, want := range map[string]string{"report.txt": "RUN FAILED", "report.md": "**Run failed", "run.json": `"exit_status": 1`} {
				b, err := os.ReadFile(filepath.Join(dir, file))
				if err != nil || !strings.Contains(string(b), want) {
					t.Errorf("%s lacks %q (%v)", file, want, err)
				}
			}
		})
	}
}

// TestConformUnreachableIsARuntimeError: a target that never answers does
// not "not conform" (98): nothing was judged, so it is exit 1, with
// --target-file or a bare --endpoint.
func TestConformUnreachableIsARuntimeError(t *testing.T) {
	t.Parallel()
	url := closedPort(t)
	target := filepath.Join(t.TempDir(), "target.yaml")
	if err := os.WriteFile(target, []byte("endpoint: "+url+"\nregion: us-east-1\nuserPoolId: us-east-1_abc\nclientId: c123\nusers:\n  - {username: u1, password: Passw0rd-1}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"--target-file", target}, {"--endpoint", url}} {
		start := time.Now()
		code, out, errs := conform(t, args...)
		if code != domain.ExitRuntime {
			t.Errorf("%v: exit %d, want 1\n%s\n%s", args, code, out, errs)
		}
		if !strings.Contains(out+errs, "not reachable") && !strings.Contains(out+errs, "did not answer") {
			t.Errorf("%v: output does not say the target was unreachable:\n%s\n%s", args, out, errs)
		}
		if strings.Contains(out+errs, "DOES NOT CONFORM") || strings.Contains(out+errs, "Passw0rd-1") {
			t.Errorf("%v: output:\n%s\n%s", args, out, errs)
		}
		if d := time.Since(start); d > 30*time.Second {
			t.Errorf("%v took %s", args, d)
		}
	}
}

// TestConformDroppedAnswersAreNotJudged: a mock that hangs up on every
// GetUserAttributeVerificationCode request answers nothing for those
// cases: they are unanswered (exit 1, failures in JUnit), not
// nonconforming, and the cases it did answer are judged as usual.
func TestConformDroppedAnswersAreNotJudged(t *testing.T) {
	t.Parallel()
	url := servedMock(t, func(mock http.Handler) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			if strings.HasSuffix(r.Header.Get("X-Amz-Target"), ".GetUserAttributeVerificationCode") {
				if c, _, err := w.(http.Hijacker).Hijack(); err == nil {
					c.Close()
				}
				return
			}
			mock.ServeHTTP(w, r)
		}
	})
	junit := filepath.Join(t.TempDir(), "junit.xml")
	code, out, errs := conform(t, "--endpoint", url, "--run", `^(auth\.garbage|protocol\.target-unknown)$`, "--json", "--junit", junit)
	if code != domain.ExitRuntime {
		t.Fatalf("exit %d, want 1\n%s\n%s", code, out, errs)
	}
	for _, want := range []string{`"verdict": "unanswered"`, `"verdict": "pass"`, `"unanswered": 1`, "the target did not answer"} {
		if !strings.Contains(out, want) {
			t.Errorf("json report lacks %q:\n%s", want, out)
		}
	}
	if b, err := os.ReadFile(junit); err != nil || !strings.Contains(string(b), `type="unanswered"`) {
		t.Errorf("junit lacks the unanswered case (%v):\n%s", err, b)
	}
}
