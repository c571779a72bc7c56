package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"

	"github.com/cogload/cogload/cognito"
	"github.com/cogload/cogload/domain"
	"github.com/cogload/cogload/mock"
	"github.com/cogload/cogload/mock/evidence"
)

func init() {
	register("mock", "serve the mock Cognito on loopback", runMock)
}

// runMock serves a pool configuration until ctx is cancelled. Its first
// stdout line is the sidedoor.Info JSON object scripts read.
func runMock(ctx context.Context, args []string, stdio Stdio) error {
	fs := newFlagSet("mock", stdio.Err)
	addr := fs.String("addr", "127.0.0.1:9229", "loopback `host:port` to listen on (port 0 picks a free one)")
	config := fs.String("config", "email-default", "built-in pool configuration `name` or YAML file ("+strings.Join(mock.BuiltinNames(), ", ")+")")
	noLimits := fs.Bool("no-limits", false, "switch off every quota and limit, the latency model and fault injection")
	seed := fs.String("seed", "", "seed for users, ids, codes and faults (`int64`; default random)")
	statusMode := fs.String("status-mode", "", "HTTP status of errors: observed (as the real service) or model (as the API model); default from the configuration")
	logRequests := fs.Bool("log", false, "log one line per request to stderr (never a token)")
	explain := fs.Bool("explain", false, "print the fidelity ledger (every decision the mock makes about the real service, its evidence level, public source and setting) and exit")
	bodyTimeout := fs.Duration("body-timeout", mock.DefaultBodyTimeout, "longest a request's body may take to arrive after its headers (headers have "+mock.DefaultHeaderTimeout.String()+"); a slower request is dropped and its connection closed")
	maxSlow := fs.Int("max-slow-conns", mock.DefaultMaxSlow, "connections that may be slow at once (first headers or a body still arriving after "+mock.DefaultSlowAfter.String()+"); the next one to turn slow is cut")
	verifyEvery := fs.Bool("verify-every-request", false, "verify the RS256 signature of every request's token; by default a token whose exact bytes already verified skips the RSA check (expiry, scope, client, revocation and user state are always checked)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: cogload mock [flags]\n\nServes the mock Cognito and prints one JSON line (endpoint, region, userPoolId, clientId, users) first.\n\nFlags:")
		fs.PrintDefaults()
	}
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("mock: unexpected argument %q: use --config to name a pool configuration", rest[0])
	}
	if *explain {
		if err := evidence.WriteText(stdio.Out); err != nil {
			return fmt.Errorf("mock: --explain: %w", err)
		}
		return nil
	}
	if *bodyTimeout <= 0 {
		return usagef("mock: --body-timeout %s: give a duration > 0 such as 10s", *bodyTimeout)
	}
	if *maxSlow <= 0 {
		return usagef("mock: --max-slow-conns %d: give a count > 0", *maxSlow)
	}
	cfg, err := mock.ResolveConfig(ctx, *config)
	if err != nil {
		return domain.InvalidInput(err) // the same text validate and run give
	}
	var opts []mock.Option
	if *seed != "" {
		n, err := strconv.ParseInt(*seed, 10, 64)
		if err != nil {
			return usagef("mock: --seed %q: use an integer", *seed)
		}
		opts = append(opts, mock.WithSeed(n))
	}
	if *statusMode != "" {
		m, err := cognito.ParseStatusMode(*statusMode)
		if err != nil {
			return usagef("mock: --status-mode: %v", err)
		}
		opts = append(opts, mock.WithStatusMode(m))
	}
	if *noLimits {
		opts = append(opts, mock.WithNoLimits())
	}
	if *verifyEvery {
		opts = append(opts, mock.WithSignatureCache(false))
	}
	if *logRequests {
		opts = append(opts, mock.WithLogger(slog.New(slog.NewTextHandler(stdio.Err, nil))))
	}
	srv, err := mock.New(cfg, opts...)
	if err != nil {
		return usageErr(fmt.Errorf("mock: %w", err))
	}
	l, err := mock.Listen(*addr, srv, mock.WithReadTimeouts(0, *bodyTimeout), mock.WithSlowClients(*maxSlow, 0))
	if errors.Is(err, mock.ErrNotLoopback) || err != nil && strings.Contains(err.Error(), "use host:port") {
		return usagef("mock: --addr: %v", err)
	}
	if err != nil {
		return fmt.Errorf("mock: %w", err)
	}
	line, _ := json.Marshal(srv.Info(l.URL))
	if _, err := fmt.Fprintf(stdio.Out, "%s\n", line); err != nil {
		_ = l.Close()
		return fmt.Errorf("mock: write info: %w", err)
	}
	if err := l.ServeUntil(ctx); err != nil {
		return fmt.Errorf("mock: %w", err)
	}
	return nil
}
