package mock

import (
	"errors"
	"io"
	"net"
	"net/http"
	"sync"
	"time"
)

// How a served mock treats clients that send a request slowly. These are
// the mock's own protection, not a copy of the service: a test run may open
// thousands of connections, and a few that stall (a stuck client, a
// trickling body) must neither stop the mock answering the others nor hold
// sockets for ever.
const (
	// DefaultHeaderTimeout bounds reading a request's headers.
	DefaultHeaderTimeout = 10 * time.Second
	// DefaultBodyTimeout bounds reading a request's body, counted from
	// the end of its headers.
	DefaultBodyTimeout = 10 * time.Second
	// DefaultSlowAfter is how long a connection may spend on its first
	// request's headers, or a request on its body, before it counts as
	// slow. A loopback client sends a whole request in microseconds.
	DefaultSlowAfter = time.Second
	// DefaultMaxSlow is how many slow connections may wait at once; a
	// connection that turns slow beyond it is cut at once.
	DefaultMaxSlow = 64
)

// ListenOption tunes how Listen treats slow clients.
type ListenOption func(*listenConfig)

type listenConfig struct {
	headerTimeout, bodyTimeout time.Duration
	slowAfter                  time.Duration
	maxSlow                    int
}

func defaultListenConfig() listenConfig {
	return listenConfig{headerTimeout: DefaultHeaderTimeout, bodyTimeout: DefaultBodyTimeout,
		slowAfter: DefaultSlowAfter, maxSlow: DefaultMaxSlow}
}

// WithReadTimeouts sets how long a request's headers and then its body may
// take to arrive (zero keeps a default). A request past either is dropped
// and its connection closed.
func WithReadTimeouts(header, body time.Duration) ListenOption {
	return func(c *listenConfig) {
		if header > 0 {
			c.headerTimeout = header
		}
		if body > 0 {
			c.bodyTimeout = body
		}
	}
}

// WithSlowClients sets when a connection counts as slow (still reading its
// first request's headers, or a body, after the given time) and how many
// slow connections may wait at once (zero keeps a default); the next one
// to turn slow is cut.
func WithSlowClients(maxSlow int, after time.Duration) ListenOption {
	return func(c *listenConfig) {
		if maxSlow > 0 {
			c.maxSlow = maxSlow
		}
		if after > 0 {
			c.slowAfter = after
		}
	}
}

// errSlowCut is what a body read returns once the connection was cut for
// being slow beyond the cap or past the body deadline.
var errSlowCut = errors.New("request body too slow: the connection is closed")

// slowGuard counts slow connections against one cap. A connection is
// watched while it reads its first request's headers (ConnState: from
// StateNew until it turns active) and while a handler reads a request's
// body; both kinds share the slots.
type slowGuard struct {
	cfg   listenConfig
	slots chan struct{}

	mu  sync.Mutex
	new map[net.Conn]*watch // connections still on their first headers
}

// watch is one connection or body under watch for slowness.
type watch struct {
	timer *time.Timer
	held  bool // holds a slot
	done  bool
}

func newSlowGuard(cfg listenConfig) *slowGuard {
	return &slowGuard{cfg: cfg, slots: make(chan struct{}, cfg.maxSlow), new: map[net.Conn]*watch{}}
}

func (g *slowGuard) acquire() bool {
	select {
	case g.slots <- struct{}{}:
		return true
	default:
		return false
	}
}

func (g *slowGuard) release() { <-g.slots }

// connState watches a new connection until its first request's headers
// are in. Later requests on a kept-alive connection wait in StateIdle,
// where the header timeout still bounds them.
func (g *slowGuard) connState(c net.Conn, state http.ConnState) {
	if state == http.StateNew {
		w := &watch{}
		g.mu.Lock()
		g.new[c] = w
		w.timer = time.AfterFunc(g.cfg.slowAfter, func() {
			g.mu.Lock()
			defer g.mu.Unlock()
			if w.done {
				return
			}
			if w.held = g.acquire(); !w.held {
				w.done = true
				delete(g.new, c)
				_ = c.Close() // the server's read fails and it lets the connection go
			}
		})
		g.mu.Unlock()
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	w, ok := g.new[c]
	if !ok {
		return
	}
	delete(g.new, c)
	w.done = true
	w.timer.Stop()
	if w.held {
		g.release()
	}
}

// handler bounds the reading of each request's body: a deadline from the
// end of the headers, and a slot once the body is slow (no slot: the read
// is cut at once). The deadline is lifted when the body is read to its end,
// so an answer held for its modelled latency is never cut.
func (g *slowGuard) handler(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body == nil || r.Body == http.NoBody {
			h.ServeHTTP(w, r)
			return
		}
		b := &guardedBody{ReadCloser: r.Body, g: g, rc: http.NewResponseController(w)}
		if err := b.rc.SetReadDeadline(time.Now().Add(g.cfg.bodyTimeout)); err != nil {
			h.ServeHTTP(w, r) // a writer without deadlines (a test recorder)
			return
		}
		b.watch.timer = time.AfterFunc(g.cfg.slowAfter, b.slow)
		defer b.finish()
		r.Body = b
		h.ServeHTTP(w, r)
	})
}

// guardedBody is a request body under the guard's watch.
type guardedBody struct {
	io.ReadCloser
	g     *slowGuard
	rc    *http.ResponseController
	mu    sync.Mutex
	watch watch
}

// slow runs when the body is still arriving after slowAfter.
func (b *guardedBody) slow() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.watch.done {
		return
	}
	if b.watch.held = b.g.acquire(); !b.watch.held {
		_ = b.rc.SetReadDeadline(time.Now()) // fails the pending read
	}
}

// finish stops watching: the body ended or the handler returned.
func (b *guardedBody) finish() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.watch.done {
		return
	}
	b.watch.done = true
	b.watch.timer.Stop()
	if b.watch.held {
		b.g.release()
	}
}

func (b *guardedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err == io.EOF {
		b.finish()
		// The server reads ahead on its own once the body ends (to notice
		// a client that goes away); the body's deadline must not cut that.
		_ = b.rc.SetReadDeadline(time.Time{})
		return n, err
	}
	if err != nil {
		b.finish()
		if ne, ok := errors.AsType[net.Error](err); ok && ne.Timeout() {
			return n, errSlowCut
		}
	}
	return n, err
}

// serverFor builds the http.Server Listen serves h with.
func (cfg listenConfig) serverFor(h http.Handler) *http.Server {
	g := newSlowGuard(cfg)
	return &http.Server{
		Handler:           g.handler(h),
		ReadHeaderTimeout: cfg.headerTimeout,
		IdleTimeout:       2 * time.Minute,
		ConnState:         g.connState,
	}
}
