// Command trivial is the baseline for bench/mock-throughput.sh: the cheapest net/http
// server that answers every request with fixed bytes, so the mock's throughput can be
// read as a fraction of what net/http itself manages on the same machine and load.
//
// It reads the request body (the mock must, so the baseline does too), then writes the
// given body with the same Content-Type and a request-id header of the mock's length, so
// both servers put the same number of bytes on the wire.
//
// Usage:
//
//	trivial -body-file resp.json [-addr 127.0.0.1:0] [-content-type application/x-amz-json-1.1]
//
// Its first stdout line is {"endpoint":"http://127.0.0.1:PORT"}; it serves until
// interrupted or terminated.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		stop()
		fmt.Fprintln(os.Stderr, "trivial:", err)
		os.Exit(1)
	}
}

// run serves until ctx is done.
func run(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("trivial", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:0", "listen address (loopback)")
	bodyFile := fs.String("body-file", "", "file holding the response body to return (required)")
	contentType := fs.String("content-type", "application/x-amz-json-1.1", "Content-Type of the response")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *bodyFile == "" {
		return errors.New("-body-file: required; pass the mock's captured response body")
	}
	body, err := os.ReadFile(*bodyFile)
	if err != nil {
		return fmt.Errorf("-body-file: %w", err)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("-addr: %w", err)
	}
	line, err := json.Marshal(map[string]string{"endpoint": "http://" + ln.Addr().String()})
	if err != nil {
		return fmt.Errorf("encode address: %w", err)
	}
	if _, err := fmt.Fprintf(stdout, "%s\n", line); err != nil {
		return fmt.Errorf("write address: %w", err)
	}

	srv := &http.Server{Handler: handler(body, *contentType), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdownCtx)
	}()
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}

// requestID has the shape and length of the mock's x-amzn-RequestId (a UUID), fixed
// because generating one per request is the mock's cost, not the baseline's.
const requestID = "00000000-0000-4000-8000-000000000000"

func handler(body []byte, contentType string) http.Handler {
	length := fmt.Sprint(len(body))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		h := w.Header()
		h["Content-Type"] = []string{contentType}
		h["Content-Length"] = []string{length}
		h["X-Amzn-Requestid"] = []string{requestID}
		_, _ = w.Write(body)
	})
}
