package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/cogload/cogload/domain"
	"github.com/cogload/cogload/mock/sidedoor"
)

// serveMock runs `cogload mock` with args (after --addr 127.0.0.1:0) until
// ctx ends and returns its contract line; done yields its exit code.
func serveMock(ctx context.Context, t *testing.T, args ...string) (info sidedoor.Info, done <-chan domain.ExitCode, stderr *bytes.Buffer) {
	t.Helper()
	pr, pw := io.Pipe()
	stderr = new(bytes.Buffer)
	exit := make(chan domain.ExitCode, 1)
	go func() {
		exit <- Main(ctx, append([]string{"mock", "--addr", "127.0.0.1:0"}, args...), Stdio{Out: pw, Err: stderr})
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatalf("first line: %v (stderr %s)", err, stderr.String())
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	if err := json.Unmarshal([]byte(line), &info); err != nil {
		t.Fatalf("first line %q: %v", line, err)
	}
	return info, exit, stderr
}

func TestMockServesAndStops(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	info, done, stderr := serveMock(ctx, t, "--config", "email-ses", "--seed", "3", "--no-limits")
	if !strings.HasPrefix(info.Endpoint, "http://127.0.0.1:") || info.UserPoolID == "" || info.ClientID == "" || len(info.Users) == 0 {
		t.Fatalf("info = %+v", info)
	}
	c := cip.New(cip.Options{Region: info.Region, BaseEndpoint: aws.String(info.Endpoint), Retryer: aws.NopRetryer{}})
	callCtx, callCancel := context.WithTimeout(ctx, 10*time.Second)
	defer callCancel()
	u := info.Users[0]
	auth, err := c.InitiateAuth(callCtx, &cip.InitiateAuthInput{
		AuthFlow: "USER_PASSWORD_AUTH", ClientId: aws.String(info.ClientID),
		AuthParameters: map[string]string{"USERNAME": u.Username, "PASSWORD": u.Password},
	})
	if err != nil {
		t.Fatalf("InitiateAuth: %v", err)
	}
	out, err := c.GetUserAttributeVerificationCode(callCtx, &cip.GetUserAttributeVerificationCodeInput{
		AccessToken: auth.AuthenticationResult.AccessToken, AttributeName: aws.String("email"),
	})
	if err != nil || out.CodeDeliveryDetails == nil {
		t.Fatalf("GUAVC: %v", err)
	}
	cancel()
	select {
	case code := <-done:
		if code != domain.ExitOK {
			t.Fatalf("exit %d: %s", code, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("mock did not stop after cancel")
	}
}

// --explain prints the fidelity ledger and serves nothing.
func TestMockExplain(t *testing.T) {
	var out, errs bytes.Buffer
	code := Main(context.Background(), []string{"mock", "--explain"}, Stdio{Out: &out, Err: &errs})
	if code != domain.ExitOK {
		t.Fatalf("exit %d: %s", code, errs.String())
	}
	for _, want := range []string{"quota.category", "UserResourceRead", "documented", "limit.window", "assumed", "quotas.window",
		"https://docs.aws.amazon.com/cognito/latest/developerguide/quotas.html", "Confirm the inferred and assumed ones"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("--explain lacks %q", want)
		}
	}
}

func TestMockBadInput(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "pool.yaml")
	if err := os.WriteFile(bad, []byte("name: x\nquotas:\n  rsp: 3\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"mock", "--config", bad}, "pool.yaml:3:3: "},
		{[]string{"mock", "--config", "no-such-builtin"}, "email-default"},
		{[]string{"mock", "--addr", "0.0.0.0:0"}, "loopback"},
		{[]string{"mock", "--seed", "x"}, "--seed"},
		{[]string{"mock", "--status-mode", "strict"}, "--status-mode"},
		{[]string{"mock", "extra"}, "unexpected argument"},
		{[]string{"mock", "--body-timeout", "0s"}, "--body-timeout"},
		{[]string{"mock", "--max-slow-conns", "-1"}, "--max-slow-conns"},
	} {
		var stderr bytes.Buffer
		code := Main(context.Background(), tc.args, Stdio{Out: io.Discard, Err: &stderr})
		if code != domain.ExitUsage || !strings.Contains(stderr.String(), tc.want) {
			t.Fatalf("%v: exit %d, stderr %q, want 2 and %q", tc.args, code, stderr.String(), tc.want)
		}
	}
}

// A stalled request body is dropped at --body-timeout, and the mock keeps
// answering meanwhile.
func TestMockDropsStalledBody(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	info, done, stderr := serveMock(ctx, t, "--seed", "3", "--body-timeout", "300ms")
	conn, err := net.Dial("tcp", strings.TrimPrefix(info.Endpoint, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	start := time.Now()
	if _, err := io.WriteString(conn, "POST / HTTP/1.1\r\nHost: mock\r\nContent-Length: 500\r\n\r\n{"); err != nil {
		t.Fatal(err)
	}
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.ReadAll(conn); err != nil {
		t.Fatalf("the mock still held a stalled body after 10s: %v", err)
	}
	if held := time.Since(start); held > 5*time.Second {
		t.Fatalf("a stalled body was held %s with --body-timeout 300ms", held)
	}
	resp, err := http.Get(info.Endpoint + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	cancel()
	if code := <-done; code != domain.ExitOK {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
}
