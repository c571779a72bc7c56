package mock

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
)

// servedMock is a test mock behind Listen (the guard sits in Listen, not
// in the handler) with an SDK client pointed at it.
func servedMock(t *testing.T, opts ...ListenOption) (*Listener, *cip.Client, string) {
	t.Helper()
	srv, err := New(&Config{Name: "test", Users: testUsers()}, WithSeed(1))
	if err != nil {
		t.Fatal(err)
	}
	l, err := Listen("127.0.0.1:0", srv, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = l.Close() })
	c := cip.New(cip.Options{Region: "us-east-1", BaseEndpoint: aws.String(l.URL), Retryer: aws.NopRetryer{},
		HTTPClient: &http.Client{Timeout: 5 * time.Second}})
	return l, c, srv.Info(l.URL).ClientID
}

// answers checks the mock still serves a well-behaved client: a login
// through the SDK.
func answers(t *testing.T, c *cip.Client, clientID string) {
	t.Helper()
	ctx := t.Context()
	_, err := c.InitiateAuth(ctx, &cip.InitiateAuthInput{
		AuthFlow: "USER_PASSWORD_AUTH", ClientId: aws.String(clientID),
		AuthParameters: map[string]string{"USERNAME": "alice", "PASSWORD": testPassword},
	})
	if err != nil {
		t.Fatalf("a well-behaved client was not answered while slow ones waited: %v", err)
	}
}

// slowConn is a raw connection that sent part of a request and stalls or
// trickles; closed reports when the mock let it go.
type slowConn struct {
	net.Conn
	closed chan time.Time
	answer chan string
}

// openSlow sends prefix and then, when trickle is set, one more byte every
// 20 ms: a client that keeps sending, just never enough.
func openSlow(t *testing.T, l *Listener, prefix string, trickle bool) *slowConn {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(l.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	if _, err := io.WriteString(conn, prefix); err != nil {
		t.Fatal(err)
	}
	sc := &slowConn{Conn: conn, closed: make(chan time.Time, 1), answer: make(chan string, 1)}
	stop := make(chan struct{})
	go func() {
		// The mock ends the connection (it may answer first): the read
		// returns EOF or a reset.
		data, _ := io.ReadAll(conn)
		close(stop)
		sc.answer <- string(data)
		sc.closed <- time.Now()
	}()
	if trickle {
		go func() {
			tick := time.NewTicker(20 * time.Millisecond)
			defer tick.Stop()
			for {
				select {
				case <-stop:
					return
				case <-tick.C:
					if _, err := conn.Write([]byte("x")); err != nil {
						return
					}
				}
			}
		}()
	}
	return sc
}

// isOpen reports whether the mock still holds the connection.
func (sc *slowConn) isOpen() bool {
	select {
	case at := <-sc.closed:
		sc.closed <- at
		return false
	default:
		return true
	}
}

// waitClosed waits for the mock to let the connection go.
func (sc *slowConn) waitClosed(t *testing.T, within time.Duration) time.Time {
	t.Helper()
	select {
	case at := <-sc.closed:
		sc.closed <- at
		return at
	case <-time.After(within):
		t.Fatalf("the mock still holds a slow connection after %s", within)
		return time.Time{}
	}
}

const bodyPrefix = "POST / HTTP/1.1\r\nHost: mock\r\nX-Amz-Target: AWSCognitoIdentityProviderService.GetUser\r\n" +
	"Content-Type: application/x-amz-json-1.1\r\nContent-Length: 100000\r\n\r\n{\"AccessToken\":\""

func TestSlowBodiesAreCutAndFreed(t *testing.T) {
	const (
		maxSlow   = 2
		slowAfter = 100 * time.Millisecond
		bodyLimit = 1500 * time.Millisecond
	)
	for _, trickle := range []bool{false, true} {
		t.Run(fmt.Sprintf("trickle=%v", trickle), func(t *testing.T) {
			l, c, clientID := servedMock(t, WithReadTimeouts(0, bodyLimit), WithSlowClients(maxSlow, slowAfter))
			start := time.Now()
			var conns []*slowConn
			for range maxSlow + 3 {
				conns = append(conns, openSlow(t, l, bodyPrefix, trickle))
			}
			// Past the cap, slow bodies are cut as soon as they turn slow;
			// the ones holding a slot wait for the deadline, and others are
			// answered meanwhile.
			waitCut(t, conns, 3, bodyLimit/2)
			answers(t, c, clientID)
			if open := countOpen(conns); open != maxSlow {
				t.Fatalf("%d slow connections still open, want the %d holding a slot", open, maxSlow)
			}
			for _, sc := range conns {
				at := sc.waitClosed(t, 2*bodyLimit)
				if got := at.Sub(start); got > bodyLimit+time.Second {
					t.Errorf("a slow body was held %s, want at most the body deadline %s", got, bodyLimit)
				}
				if a := <-sc.answer; a != "" && !strings.HasPrefix(a, "HTTP/1.1 400") {
					t.Errorf("a cut request was answered %q, want a 400 or nothing", firstLine(a))
				}
			}
			// Slots are given back: a new slow body waits again.
			again := openSlow(t, l, bodyPrefix, trickle)
			time.Sleep(3 * slowAfter)
			if !again.isOpen() {
				t.Fatal("a slow body after the others were cut found no free slot: slots leak")
			}
			answers(t, c, clientID)
			again.waitClosed(t, 2*bodyLimit)
		})
	}
}

func TestSlowHeadersAreCutAndFreed(t *testing.T) {
	const (
		maxSlow     = 2
		slowAfter   = 100 * time.Millisecond
		headerLimit = 1500 * time.Millisecond
	)
	l, c, clientID := servedMock(t, WithReadTimeouts(headerLimit, 0), WithSlowClients(maxSlow, slowAfter))
	start := time.Now()
	var conns []*slowConn
	for range maxSlow + 2 {
		conns = append(conns, openSlow(t, l, "POST / HTTP/1.1\r\nHost: mock\r\nX-Amz-Tar", false))
	}
	waitCut(t, conns, 2, headerLimit/2)
	answers(t, c, clientID)
	if open := countOpen(conns); open != maxSlow {
		t.Fatalf("%d slow connections still open, want the %d holding a slot", open, maxSlow)
	}
	for _, sc := range conns {
		if at := sc.waitClosed(t, 2*headerLimit); at.Sub(start) > headerLimit+time.Second {
			t.Errorf("slow headers were held %s, want at most the header deadline %s", at.Sub(start), headerLimit)
		}
	}
}

// waitCut waits until n of conns are closed, for at most within.
func waitCut(t *testing.T, conns []*slowConn, n int, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for len(conns)-countOpen(conns) < n {
		if time.Now().After(deadline) {
			t.Fatalf("%d slow connections past the cap were cut within %s, want %d", len(conns)-countOpen(conns), within, n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func countOpen(conns []*slowConn) int {
	open := 0
	for _, sc := range conns {
		if sc.isOpen() {
			open++
		}
	}
	return open
}

// The body deadline ends with the body: an answer held longer (the
// latency model) is neither cut nor cancelled.
func TestBodyDeadlineLiftedOnceBodyIsRead(t *testing.T) {
	const bodyLimit = 100 * time.Millisecond
	cancelled := make(chan bool, 1)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := io.ReadAll(r.Body); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		select {
		case <-r.Context().Done():
			cancelled <- true
		case <-time.After(4 * bodyLimit):
			cancelled <- false
		}
		_, _ = io.WriteString(w, "held")
	})
	l, err := Listen("127.0.0.1:0", h, WithReadTimeouts(0, bodyLimit), WithSlowClients(1, bodyLimit/2))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	resp, err := http.Post(l.URL, "application/json", strings.NewReader(`{"a":1}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || string(body) != "held" {
		t.Fatalf("held answer = %d %q, want 200 held", resp.StatusCode, body)
	}
	if <-cancelled {
		t.Fatal("the request was cancelled while its answer was held: the body deadline outlived the body")
	}
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return strings.TrimSpace(line)
}
