package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/cogload/cogload/domain"
	"github.com/cogload/cogload/internal/input"
	"github.com/cogload/cogload/mock"
	"github.com/cogload/cogload/preflight"
	"github.com/cogload/cogload/render"
	"github.com/cogload/cogload/run"
	"github.com/cogload/cogload/scenarios"
	"github.com/cogload/cogload/tokens"
)

func init() {
	register("validate", "check a scenario and print its plan without sending", runValidate)
}

// poolList collects repeated --pool flags (and comma-separated lists).
type poolList []string

func (p *poolList) String() string { return strings.Join(*p, ",") }

func (p *poolList) Set(v string) error {
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			*p = append(*p, s)
		}
	}
	return nil
}

// planOverrides are the flags run and validate share to override a
// scenario's plan. Each is kept only when given, so an explicit --rate 0
// or --duration 0s reaches the compiler and is refused there, rather than
// read as "not given".
type planOverrides struct {
	rate     float64
	duration time.Duration
	seed     int64
	pools    poolList
	fs       *flag.FlagSet
}

func addPlanOverrides(fs *flag.FlagSet) *planOverrides {
	c := &planOverrides{fs: fs}
	fs.Float64Var(&c.rate, "rate", 0, "replace every stage's rate with this constant `req/s` (stage durations kept)")
	fs.DurationVar(&c.duration, "duration", 0, "scale the stages to this total `duration`, keeping their shape")
	fs.Int64Var(&c.seed, "seed", 0, "seed for variant choice and generated values (default: the scenario's)")
	fs.Var(&c.pools, "pool", "mock pool configuration `name or file` to use instead of the scenario's; repeat (or list with commas) to run the plan against each")
	return c
}

func (c *planOverrides) options() scenarios.CompileOptions {
	o := scenarios.CompileOptions{Pools: c.pools, KnownPools: mock.BuiltinNames()}
	c.fs.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "seed":
			o.Seed = &c.seed
		case "rate":
			o.Rate = &c.rate
		case "duration":
			o.Duration = &c.duration
		}
	})
	return o
}

// compileScenario resolves and compiles a scenario and loads the pool
// configurations it names; every failure is invalid input (exit 2).
func compileScenario(ctx context.Context, stdio Stdio, nameOrPath string, opts scenarios.CompileOptions) (*scenarios.Plan, error) {
	s, err := loadScenario(ctx, stdio, nameOrPath)
	if err != nil {
		return nil, domain.InvalidInput(err)
	}
	p, err := s.Compile(opts)
	if err != nil {
		return nil, usageErr(err)
	}
	if _, err := run.LoadPools(ctx, p); err != nil {
		return nil, domain.InvalidInput(err)
	}
	return p, nil
}

func runValidate(ctx context.Context, args []string, stdio Stdio) error {
	fs := newFlagSet("validate", stdio.Err)
	asJSON := fs.Bool("json", false, "print the plan as JSON (no tokens or secrets)")
	cf := addPlanOverrides(fs)
	target := addTargetFlags(fs)
	checkTarget := fs.Bool("check-target", false, "also read the endpoint's pool and app client (DescribeUserPool, DescribeUserPoolClient; default AWS credentials) and the users files, and check them against the plan; exit 2 when the pool cannot run it")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: cogload validate [flags] SCENARIO\n\nSCENARIO is a file or a built-in: %s.\nPrints the plan without sending anything; exit 2 when the scenario, or a pool configuration file it names, is invalid\n(or, with --check-target, when the pool cannot run it).\n\nFlags:\n",
			strings.Join(scenarios.BuiltinNames(), ", "))
		fs.PrintDefaults()
	}
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		fs.Usage()
		err := usagef("validate takes one scenario, got %d arguments", len(pos))
		if *asJSON {
			writeValidationErrors(stdio, err)
		}
		return err
	}
	opts := cf.options()
	if opts.Endpoint, err = target.override(ctx); err != nil {
		return err
	}
	plan, err := compileScenario(ctx, stdio, pos[0], opts)
	if err != nil {
		if *asJSON {
			writeValidationErrors(stdio, err)
		}
		return err
	}
	// Count what the token sources hold, so the plan's pool sizes and
	// per-user predictions are the run's; a bad token or users file is
	// invalid input here as in run.
	if err := tokens.Inspect(ctx, plan, tokens.Env{Getenv: stdio.Getenv}); err != nil {
		return domain.InvalidInput(fmt.Errorf("validate: %w", err))
	}
	var check *preflight.Report
	if *checkTarget {
		if plan.Target.Mock {
			return usagef("--check-target: the plan targets the embedded mock; name an endpoint in the scenario or with --endpoint or --region (and --user-pool-id, --client-id, --users, or --manifest)")
		}
		o, err := stdio.checkOptions(ctx, plan)
		if err != nil {
			return err
		}
		rep, err := preflight.Check(ctx, plan, *o)
		if err != nil {
			return err
		}
		check = &rep
	}
	if *asJSON {
		enc := json.NewEncoder(stdio.Out)
		enc.SetIndent("", "  ")
		var v any = plan
		if check != nil {
			v = struct {
				Plan  *scenarios.Plan   `json:"plan"`
				Check *preflight.Report `json:"check"`
			}{plan, check}
		}
		if err := enc.Encode(v); err != nil {
			return fmt.Errorf("validate: encode plan: %w", err)
		}
	} else {
		if err := render.Plan(stdio.Out, plan); err != nil {
			return fmt.Errorf("validate: %w", err)
		}
		if check != nil {
			fmt.Fprintln(stdio.Out)
			if err := check.Write(stdio.Out); err != nil {
				return fmt.Errorf("validate: %w", err)
			}
		}
	}
	if check != nil {
		return check.Err()
	}
	return nil
}

// validationErrors is what validate --json prints for a scenario it
// refuses (the exit status stays 2; stderr keeps the text): one entry per
// problem, with where it is (line and col 0 when the problem is a whole
// file or a command-line argument) and what to do.
type validationErrors struct {
	Valid  bool              `json:"valid"`
	Errors []validationError `json:"errors"`
}

type validationError struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Col     int    `json:"col"`
	Field   string `json:"field"`
	Message string `json:"message"`
	Hint    string `json:"hint"`
}

// writeValidationErrors prints err as a validationErrors document.
func writeValidationErrors(stdio Stdio, err error) {
	doc := validationErrors{Errors: []validationError{}}
	var many input.Errors
	var one *input.Error
	var list []*input.Error
	switch {
	case errors.As(err, &many):
		list = many
	case errors.As(err, &one):
		list = []*input.Error{one}
	}
	for _, e := range list {
		doc.Errors = append(doc.Errors, validationError{File: e.File, Line: e.Line, Col: e.Col, Field: e.Field, Message: e.Msg, Hint: e.Hint})
	}
	if len(doc.Errors) == 0 {
		doc.Errors = append(doc.Errors, validationError{Message: err.Error()})
	}
	enc := json.NewEncoder(stdio.Out)
	enc.SetIndent("", "  ")
	_ = enc.Encode(doc) // the error itself is what the command returns
}
