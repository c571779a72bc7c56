package mock

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"
)

// ErrNotLoopback is returned for an address off the loopback interface:
// the mock is a test double and must not be reachable from the network.
var ErrNotLoopback = errors.New("the mock serves on loopback only; use 127.0.0.1, ::1 or localhost")

// Listener is a mock (or any handler) served over HTTP on a loopback
// address.
type Listener struct {
	// URL is the base URL clients use, e.g. http://127.0.0.1:9229.
	URL  string
	http *http.Server
	done chan error
}

// Listen serves h on addr (host:port; port 0 picks a free one), which
// must be a loopback address. It returns once the socket listens. Slow
// clients are bounded (see WithReadTimeouts and WithSlowClients): a
// request's headers and body each have a deadline, and only so many
// connections may be slow at once.
func Listen(addr string, h http.Handler, opts ...ListenOption) (*Listener, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("address %q: use host:port, e.g. 127.0.0.1:9229: %w", addr, err)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return nil, fmt.Errorf("address %q: %w", addr, ErrNotLoopback)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", addr, err)
	}
	cfg := defaultListenConfig()
	for _, o := range opts {
		o(&cfg)
	}
	l := &Listener{
		URL:  "http://" + ln.Addr().String(),
		http: cfg.serverFor(h),
		done: make(chan error, 1),
	}
	go func() { l.done <- l.http.Serve(ln) }()
	return l, nil
}

// Close stops the server, letting in-flight requests finish for up to
// five seconds.
func (l *Listener) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := l.http.Shutdown(ctx)
	if serveErr := <-l.done; serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) && err == nil {
		err = serveErr
	}
	return err
}

// ServeUntil serves until ctx is cancelled or the server fails, then
// closes.
func (l *Listener) ServeUntil(ctx context.Context) error {
	select {
	case err := <-l.done:
		l.done <- err // for Close
		_ = l.Close()
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	return l.Close()
}

// Local is a mock served on an ephemeral loopback port for one command or
// test.
type Local struct {
	*Server
	*Listener
}

// StartLocal builds a mock from cfg and serves it on 127.0.0.1:0.
func StartLocal(cfg *Config, opts ...Option) (*Local, error) {
	srv, err := New(cfg, opts...)
	if err != nil {
		return nil, err
	}
	l, err := Listen("127.0.0.1:0", srv)
	if err != nil {
		return nil, err
	}
	return &Local{Server: srv, Listener: l}, nil
}
