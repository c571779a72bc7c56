package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/cogload/cogload/cognito"
	"github.com/cogload/cogload/conformance"
	"github.com/cogload/cogload/domain"
	"github.com/cogload/cogload/internal/awsenv"
	"github.com/cogload/cogload/mock"
	"github.com/cogload/cogload/mock/sidedoor"
)

func init() {
	register("conform", "run the conformance catalog against the mock or any Cognito-compatible endpoint", runConform)
}

func runConform(ctx context.Context, args []string, stdio Stdio) error {
	fs := newFlagSet("conform", stdio.Err)
	fs.Usage = func() {
		fmt.Fprintln(stdio.Err, `Usage: cogload conform [flags]

With no target flags, runs the catalog against an embedded mock (started on
127.0.0.1). --endpoint or --region with --target-file runs it against any
Cognito-compatible endpoint; --provision creates a temporary pool, app client
and users with the admin API (default AWS credential chain) and removes them
afterwards. A bare --endpoint pointing at 'cogload mock' is discovered through
its /_mock/info side door.

Exit codes: 0 every case that ran passed, 98 some case failed, 1 runtime error
(the target did not answer a case: refused, reset or timed out), 2 usage, 130
interrupted.

Flags:`)
		fs.PrintDefaults()
	}
	endpoint := fs.String("endpoint", "", "endpoint URL of the target (default: the embedded mock)")
	region := fs.String("region", "", "AWS region of the target (its public endpoint unless --endpoint)")
	targetFile := fs.String("target-file", "", "target description (YAML or JSON): user pool id, app client id, users, capabilities, role pools")
	provision := fs.Bool("provision", false, "create a temporary pool, app client and users through the admin API and delete them afterwards")
	runRE := fs.String("run", "", "run only cases whose id matches this regular expression")
	list := fs.Bool("list", false, "print the catalog (id, area, rule, needs, source; with --json also requests and expected outcome) and exit")
	asJSON := fs.Bool("json", false, "write the report as JSON instead of a table")
	junit := fs.String("junit", "", "also write a JUnit XML report to this file")
	statusMode := fs.String("status-mode", "", "status codes to expect: observed, model or either (default observed; the target file may set it)")
	caseTimeout := fs.Duration("case-timeout", 60*time.Second, "time limit for one case")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("conform takes no arguments (got %q); use --endpoint, --region or --target-file", strings.Join(pos, " "))
	}
	var re *regexp.Regexp
	if *runRE != "" {
		if re, err = regexp.Compile(*runRE); err != nil {
			return usagef("--run: %v", err)
		}
		if len(conformance.Select(re)) == 0 {
			return usagef("--run: %q matches no case; see cogload conform --list", *runRE)
		}
	}
	switch *statusMode {
	case "", "observed", "model", "either":
	default:
		return usagef("--status-mode: %q is not observed, model or either", *statusMode)
	}
	if err := stdio.checkOutputs(map[string]string{"--junit": *junit}); err != nil {
		return err
	}
	if *list {
		if *asJSON {
			mode := *statusMode
			if mode == "" {
				mode = "observed"
			}
			enc := json.NewEncoder(stdio.Out)
			enc.SetIndent("", "  ")
			return enc.Encode(conformance.Describe(conformance.Select(re), mode))
		}
		return conformance.WriteList(stdio.Out, conformance.Select(re))
	}
	if *endpoint != "" {
		if err := cognito.CheckEndpointURL(*endpoint); err != nil {
			return usagef("--endpoint %s: the endpoint %v", cognito.ShownEndpoint(*endpoint), err)
		}
	}
	if *provision && *targetFile != "" {
		return usagef("--provision and --target-file exclude each other: provisioning makes its own target")
	}
	if *provision && *endpoint == "" && *region == "" {
		return usagef("--provision needs --region (or --endpoint)")
	}

	opts := conformance.Options{Run: re, CaseTimeout: *caseTimeout, HTTPClient: stdio.HTTPClient}
	var target *conformance.Target
	switch {
	case *provision:
		awsCfg, err := stdio.awsConfig(ctx, awsenv.Env(stdio.Getenv).RegionOr(*region))
		if err != nil {
			return fmt.Errorf("load AWS configuration: %w", err)
		}
		p, err := conformance.Provision(ctx, conformance.ProvisionOptions{HTTPClient: stdio.HTTPClient,
			Endpoint: *endpoint, Region: *region, Credentials: awsCfg.Credentials,
			Logf: func(f string, a ...any) { fmt.Fprintf(stdio.Err, "conform: "+f+"\n", a...) },
		})
		if err != nil {
			if ctx.Err() != nil {
				// Provision already removed what it had made.
				return &domain.ExitError{Code: domain.ExitInterrupted, Err: fmt.Errorf("interrupted while provisioning: %w", err)}
			}
			return err
		}
		// Remove the pool whatever happens next, also after an interrupt.
		defer func() {
			if cerr := p.Cleanup(context.WithoutCancel(ctx)); cerr != nil {
				fmt.Fprintf(stdio.Err, "cogload: clean up the provisioned pool: %v\n", cerr)
				for _, r := range p.Created {
					fmt.Fprintf(stdio.Err, "cogload: left behind: %s %s\n", r.Kind, r.ID)
				}
			}
		}()
		target = p.Target
		opts.AdminCredentials = awsCfg.Credentials
	case *targetFile != "":
		t, err := conformance.LoadTarget(ctx, *targetFile)
		if err != nil {
			return domain.InvalidInput(err)
		}
		if *endpoint != "" {
			t.Endpoint = *endpoint
		}
		if *region != "" {
			t.Region = *region
		}
		if t.Has(conformance.CapAdmin) {
			awsCfg, err := stdio.awsConfig(ctx, awsenv.Env(stdio.Getenv).RegionOr(t.Region))
			if err != nil {
				return fmt.Errorf("load AWS configuration for the admin capability: %w", err)
			}
			opts.AdminCredentials = awsCfg.Credentials
		}
		target = t
	case *endpoint != "":
		t, err := discoverMock(ctx, stdio, *endpoint)
		var unreachable *unreachableError
		switch {
		case errors.As(err, &unreachable):
			return fmt.Errorf("--endpoint %s: %w", *endpoint, err)
		case err != nil:
			return usagef("--endpoint %s: %v; give --target-file (or --provision) to describe the target", *endpoint, err)
		}
		target = t
	case *region != "":
		return usagef("--region needs --target-file or --provision")
	default:
		t, stop, err := startConformMock(*statusMode)
		if err != nil {
			return err
		}
		defer stop()
		target = t
	}
	if *statusMode != "" {
		target.StatusMode = *statusMode
	}

	rep, err := conformance.Run(ctx, target, opts)
	if err != nil {
		return usageErr(err)
	}
	if *asJSON {
		err = rep.WriteJSON(stdio.Out)
	} else {
		err = rep.WriteTable(stdio.Out)
	}
	if err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	if *junit != "" {
		if err := stdio.Files.WriteFile(*junit, rep.WriteJUnit); err != nil {
			return fmt.Errorf("--junit: %w", err)
		}
	}
	switch {
	case ctx.Err() != nil:
		return &domain.ExitError{Code: domain.ExitInterrupted, Err: errors.New("interrupted: the remaining cases were skipped")}
	case !rep.Reached():
		return &domain.ExitError{Code: domain.ExitRuntime, Err: fmt.Errorf("the target did not answer %d of %d cases that ran: check the endpoint and that it is up; nothing was judged for them",
			rep.Unanswered, rep.Passed+rep.Failed+rep.Unanswered)}
	case !rep.OK():
		return &domain.ExitError{Code: domain.ExitViolations, Err: fmt.Errorf("%d of %d cases that ran do not conform", rep.Failed, rep.Passed+rep.Failed)}
	}
	return nil
}

// unreachableError is an endpoint that did not answer at all: a runtime
// error (exit 1), not a usage error.
type unreachableError struct{ err error }

func (e *unreachableError) Error() string { return "not reachable: " + e.err.Error() }
func (e *unreachableError) Unwrap() error { return e.err }

// discoverMock asks a running `cogload mock` for its pool through
// GET /_mock/info.
func discoverMock(ctx context.Context, stdio Stdio, endpoint string) (*conformance.Target, error) {
	endpoint = strings.TrimRight(endpoint, "/")
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	in, err := sidedoor.New(endpoint, stdio.HTTPClient).Info(ctx)
	var answered *sidedoor.Error
	switch {
	case errors.As(err, &answered):
		return nil, fmt.Errorf("not a cogload mock (%v)", err)
	case err != nil:
		return nil, &unreachableError{err}
	}
	in.Endpoint = endpoint
	return conformance.MockTarget(in, nil), nil
}

// startConformMock serves the built-in email-default pool and one mock per
// role of the catalog (trigger, failing delivery, ...) on 127.0.0.1. The
// mocks skip their latency model: conformance is about answers, not speed.
// startConformMock serves the embedded mocks; asked for model statuses,
// they send them, so the catalog can be checked in either mode offline.
func startConformMock(statusMode string) (*conformance.Target, func(), error) {
	opts := []mock.Option{mock.WithSleep(func(context.Context, time.Duration) {})}
	if statusMode == "model" {
		opts = append(opts, mock.WithStatusMode(cognito.StatusModel))
	}
	var stops []func()
	stop := func() {
		for _, s := range stops {
			s()
		}
	}
	serve := func(name string, cfg *mock.Config) (sidedoor.Info, error) {
		m, err := mock.StartLocal(cfg, opts...)
		if err != nil {
			return sidedoor.Info{}, fmt.Errorf("start the %s mock: %w", name, err)
		}
		stops = append(stops, func() { _ = m.Close() })
		return m.Info(m.URL), nil
	}
	cfg, err := mock.Builtin("email-default")
	if err != nil {
		return nil, nil, fmt.Errorf("built-in pool email-default: %w", err)
	}
	main, err := serve("email-default", cfg)
	if err != nil {
		stop()
		return nil, nil, err
	}
	roles := map[string]sidedoor.Info{}
	for _, role := range conformance.MockPoolRoles() {
		y, _ := conformance.MockPool(role)
		rc, err := mock.ParseConfig(role+".yaml", y)
		if err != nil {
			stop()
			return nil, nil, fmt.Errorf("pool for role %s: %w", role, err)
		}
		if roles[role], err = serve(role, rc); err != nil {
			stop()
			return nil, nil, err
		}
	}
	return conformance.MockTarget(main, roles), stop, nil
}
