package cli

import (
	"bytes"
	"context"
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cogload/cogload/domain"
	"github.com/cogload/cogload/mock"
)

func conform(t *testing.T, args ...string) (code domain.ExitCode, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	code = Main(ctx, append([]string{"conform"}, args...), Stdio{Out: &out, Err: &errb, Env: testAWSEnv})
	return code, out.String(), errb.String()
}

// testAWSEnv is the only AWS environment the commands under test see: the
// machine's own credentials are never read.
var testAWSEnv = []string{"AWS_ACCESS_KEY_ID=AKIDTEST", "AWS_SECRET_ACCESS_KEY=test-secret", "AWS_EC2_METADATA_DISABLED=true"}

func TestConformEmbeddedMockPasses(t *testing.T) {
	junit := filepath.Join(t.TempDir(), "junit.xml")
	code, out, errs := conform(t, "--junit", junit)
	if code != domain.ExitOK {
		t.Fatalf("exit %d, want 0\n%s\n%s", code, out, errs)
	}
	if !strings.Contains(out, "CONFORMS") || strings.Contains(out, "FAIL ") {
		t.Errorf("report:\n%s", out)
	}
	b, err := os.ReadFile(junit)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
	}
	if err := xml.Unmarshal(b, &doc); err != nil || doc.Tests < 40 || doc.Failures != 0 {
		t.Errorf("junit: %+v, %v", doc, err)
	}
}

// Asked for the model's status codes, the embedded mocks send them, so
// the whole catalog conforms offline in either mode; a mock sending the
// observed codes would fail every status check of model mode.
func TestConformEmbeddedMockInModelMode(t *testing.T) {
	code, out, errs := conform(t, "--status-mode", "model", "--run", `^(auth\.garbage|auth\.expired|user-state\.deleted|input\.attribute-name-33)$`)
	if code != domain.ExitOK || !strings.Contains(out, "4 passed, 0 failed, 0 skipped: CONFORMS") {
		t.Fatalf("exit %d, want 0 with 4 cases passed\n%s\n%s", code, out, errs)
	}
}

func TestConformFlags(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("endpoint: http://127.0.0.1:1\nuserPoolId: us-east-1_x\nclientId: c\nsurprise: 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		code domain.ExitCode
		want string
	}{
		{[]string{"--list"}, domain.ExitOK, "auth.tampered-signature"},
		{[]string{"--list", "--run", `^limits\.`}, domain.ExitOK, "4 cases: 0 documented, 4 observed, 0 inferred, 0 assumed"},
		{[]string{"--list", "--run", `^round-trip\.superseded`}, domain.ExitOK, "assumed (code.supersession)"},
		{[]string{"--run", "("}, domain.ExitUsage, "--run"},
		{[]string{"--run", "^nothing$"}, domain.ExitUsage, "matches no case"},
		{[]string{"--status-mode", "loud"}, domain.ExitUsage, "--status-mode"},
		{[]string{"--region", "eu-central-1"}, domain.ExitUsage, "--target-file or --provision"},
		{[]string{"--target-file", bad}, domain.ExitUsage, "bad.yaml:4:1: unknown field"},
		{[]string{"--target-file", bad, "--provision"}, domain.ExitUsage, "exclude"},
		{[]string{"extra"}, domain.ExitUsage, "no arguments"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, out, errs := conform(t, tc.args...)
			if code != tc.code || !strings.Contains(out+errs, tc.want) {
				t.Errorf("exit %d (want %d), output lacks %q:\n%s\n%s", code, tc.code, tc.want, out, errs)
			}
		})
	}
}

// A mock that drops x-amzn-RequestId on success, reached with --endpoint
// (discovered through /_mock/info), gives exit 98 and names the case.
func TestConformEndpointReportsViolations(t *testing.T) {
	url := servedMock(t, func(mock http.Handler) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) { mock.ServeHTTP(dropRequestID{w}, r) }
	})
	code, out, errs := conform(t, "--endpoint", url, "--run", `^protocol\.request-id`, "--json")
	if code != domain.ExitViolations {
		t.Fatalf("exit %d, want 98\n%s\n%s", code, out, errs)
	}
	if !strings.Contains(out, `"id": "protocol.request-id-success"`) || !strings.Contains(out, `"verdict": "fail"`) {
		t.Errorf("json report:\n%s", out)
	}
}

// servedMock serves the built-in email-default mock (no latency) on
// loopback through the handler wrap makes of it, and returns its URL.
func servedMock(t *testing.T, wrap func(mock http.Handler) http.HandlerFunc) string {
	t.Helper()
	cfg, err := mock.Builtin("email-default")
	if err != nil {
		t.Fatal(err)
	}
	srv, err := mock.New(cfg, mock.WithSleep(func(context.Context, time.Duration) {}))
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(wrap(srv))
	t.Cleanup(ts.Close)
	return ts.URL
}

type dropRequestID struct{ http.ResponseWriter }

func (d dropRequestID) WriteHeader(code int) {
	if code == http.StatusOK {
		d.Header().Del("X-Amzn-Requestid")
	}
	d.ResponseWriter.WriteHeader(code)
}

func (d dropRequestID) Write(b []byte) (int, error) { return d.ResponseWriter.Write(b) }

func TestConformListJSON(t *testing.T) {
	code, out, errs := conform(t, "--list", "--json", "--run", `^auth\.garbage$`, "--status-mode", "model")
	if code != domain.ExitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(out, `"requests": "GUAVC with AccessToken \"notajwt\""`) || !strings.Contains(out, `"expected": "403 NotAuthorizedException`) {
		t.Errorf("list:\n%s", out)
	}
	for _, want := range []string{`"evidence": "observed"`, `"checks": [`, `"token.invalid"`, `"sources": [`, `https://github.com/floci-io/floci/pull/1898`} {
		if !strings.Contains(out, want) {
			t.Errorf("list lacks %s:\n%s", want, out)
		}
	}
}

// --provision against the mock: the pool, client and users it creates are
// reported, used, and all removed when the run ends.
func TestConformProvisionRemovesWhatItMade(t *testing.T) {
	srv, err := mock.New(nil, mock.WithSleep(func(context.Context, time.Duration) {}))
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	code, out, errs := conform(t, "--provision", "--endpoint", ts.URL, "--region", "us-east-1", "--run", `^(attributes\.(email|missing-phone)|auth\.revoked-admin-sign-out)$`)
	if code != domain.ExitOK {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
	created, removed := map[string]bool{}, map[string]bool{}
	var poolID string
	for _, line := range strings.Split(errs, "\n") {
		f := strings.Fields(line)
		if len(f) < 4 || f[0] != "conform:" {
			continue
		}
		switch f[1] {
		case "created":
			created[f[2]+" "+f[3]] = true
			if f[2] == "user-pool" {
				poolID = f[3]
			}
		case "removed":
			removed[f[2]+" "+f[3]] = true
		}
	}
	if len(created) != 12 {
		t.Errorf("created %d resources, want a pool, a client and 10 users:\n%s", len(created), errs)
	}
	for r := range created {
		if !removed[r] {
			t.Errorf("%s was not removed:\n%s", r, errs)
		}
	}
	resp, err := http.Get(ts.URL + "/" + poolID + "/.well-known/jwks.json")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("the provisioned pool %q still serves its JWKS (%d)", poolID, resp.StatusCode)
	}
}

// cancelOn cancels when a line containing marker is written.
type cancelOn struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	marker string
	cancel context.CancelFunc
}

func (c *cancelOn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.buf.Write(p)
	if strings.Contains(string(p), c.marker) {
		c.cancel()
	}
	return len(p), nil
}

// An interrupt while provisioning (as the last user is being set up):
// exit 130, and the pool, client and users made so far are gone.
func TestConformProvisionInterrupted(t *testing.T) {
	srv, err := mock.New(nil, mock.WithSleep(func(context.Context, time.Duration) {}))
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	errw := &cancelOn{marker: "created user conform-both-8", cancel: cancel}
	var out bytes.Buffer
	code := Main(ctx, []string{"conform", "--provision", "--endpoint", ts.URL, "--region", "us-east-1"}, Stdio{Out: &out, Err: errw, Env: testAWSEnv})
	if code != domain.ExitInterrupted {
		t.Fatalf("exit %d, want 130\n%s\n%s", code, out.String(), errw.buf.String())
	}
	if !strings.Contains(errw.buf.String(), "removed user-pool") {
		t.Errorf("the pool was not removed after the interrupt:\n%s", errw.buf.String())
	}
	if strings.Contains(out.String(), "FAIL ") {
		t.Errorf("interrupted cases reported as failures:\n%s", out.String())
	}
}
