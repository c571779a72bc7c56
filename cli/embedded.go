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

// embeddedMock is a mock Cognito served on an ephemeral loopback port for
// the duration of one command.
type embeddedMock struct {
	Server   *mock.Server
	Endpoint string
	http     *http.Server
	done     chan error
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
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("embedded mock: listen on loopback: %w", err)
	}
	m := &embeddedMock{
		Server:   srv,
		Endpoint: "http://" + ln.Addr().String(),
		http:     &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second},
		done:     make(chan error, 1),
	}
	go func() { m.done <- m.http.Serve(ln) }()
	return m, nil
}

// Close stops the mock, letting in-flight requests finish for a moment.
func (m *embeddedMock) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := m.http.Shutdown(ctx)
	if serveErr := <-m.done; serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) && err == nil {
		err = serveErr
	}
	return err
}
