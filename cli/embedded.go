package cli

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/cogload/cogload/mock"
)

// loopbackServer serves a handler on an ephemeral 127.0.0.1 port for the
// duration of one command.
type loopbackServer struct {
	URL  string
	http *http.Server
	done chan error
}

func serveLoopback(h http.Handler) (*loopbackServer, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen on loopback: %w", err)
	}
	s := &loopbackServer{
		URL:  "http://" + ln.Addr().String(),
		http: &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second},
		done: make(chan error, 1),
	}
	go func() { s.done <- s.http.Serve(ln) }()
	return s, nil
}

// Close stops the server, letting in-flight requests finish for a moment.
func (s *loopbackServer) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := s.http.Shutdown(ctx)
	if serveErr := <-s.done; serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) && err == nil {
		err = serveErr
	}
	return err
}

// embeddedMock is a mock Cognito served on loopback for one command.
type embeddedMock struct {
	*loopbackServer
	Server   *mock.Server
	Endpoint string
}

// startEmbeddedMock serves the pool configuration nameOrPath (a built-in
// name or a file) on 127.0.0.1:0. A bad configuration is a usage error.
func startEmbeddedMock(nameOrPath string, opts ...mock.Option) (*embeddedMock, error) {
	cfg, err := mock.ResolveConfig(nameOrPath)
	if err != nil {
		return nil, usageErr(fmt.Errorf("pool configuration: %w", err))
	}
	srv, err := mock.New(cfg, opts...)
	if err != nil {
		return nil, usageErr(fmt.Errorf("pool configuration %s: %w", nameOrPath, err))
	}
	ls, err := serveLoopback(srv)
	if err != nil {
		return nil, fmt.Errorf("embedded mock: %w", err)
	}
	return &embeddedMock{loopbackServer: ls, Server: srv, Endpoint: ls.URL}, nil
}
