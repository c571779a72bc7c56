package cli

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/cogload/cogload/domain"
	"github.com/cogload/cogload/run"
	"github.com/cogload/cogload/s3archive"
	"github.com/cogload/cogload/scenarios"
)

func init() {
	register("run", "run a scenario (default: the built-in smoke scenario on the embedded mock)", runRun)
}

type runOpts struct {
	out string
	// outS3 is set when out is an s3:// location: archives are written
	// to a temporary folder and uploaded there.
	outS3     *s3archive.Location
	overrides *planOverrides
	quiet     bool
	list      bool
	shard     scenarios.Shard
	startAt   time.Time
	ackPeak   bool
	format    string
	interval  time.Duration
	scenarioP string
	target    *targetFlags
	// checkTarget forces the pre-flight check on a loopback endpoint;
	// noCheck skips it on any.
	checkTarget, noCheck bool
}

type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

func runRun(ctx context.Context, args []string, stdio Stdio) error {
	var o runOpts
	fs := newFlagSet("run", stdio.Err)
	fs.Usage = func() {
		fmt.Fprintln(stdio.Err, "Usage: cogload run [SCENARIO] [flags]\n\nSCENARIO is a file or a built-in name (default smoke; see --list).\n\nFlags:")
		fs.PrintDefaults()
	}
	fs.StringVar(&o.out, "out", "results", "folder the run archive is written under, or s3://bucket/prefix to upload it there (AWS_* environment)")
	o.overrides = addPlanOverrides(fs)
	fs.BoolVar(&o.quiet, "quiet", false, "no progress and no report on the terminal; only the archive path")
	fs.BoolVar(&o.list, "list", false, "list the built-in scenarios and exit")
	shard := fs.String("shard", "", "run shard i of N (i/N, 1-based; auto/N takes i from "+scenarios.JobIndexEnv+", 0-based, as a Kubernetes Indexed Job sets it): rate and requests split N ways, disjoint users and tokens, seed offset")
	startAt := fs.String("start-at", "", "prepare tokens, then wait until this instant to send: RFC 3339 (2026-01-02T15:04:05Z) or +DURATION from now (+30s); give every shard the same instant")
	fs.BoolVar(&o.ackPeak, "accept-peak-rate", false, "allow a peak rate above the scenario's maxRate against a non-loopback endpoint")
	fs.StringVar(&o.format, "format", "text", "report printed at the end: text, markdown or json")
	fs.DurationVar(&o.interval, "progress-every", 5*time.Second, "interval of progress lines when stderr is not a terminal")
	o.target = addTargetFlags(fs)
	fs.BoolVar(&o.checkTarget, "check-target", false, "check the endpoint's pool against the plan before sending even on loopback (a cogload mock standing in for a pool); a non-loopback endpoint is always checked")
	fs.BoolVar(&o.noCheck, "no-check-target", false, "skip the pre-flight check of the endpoint's pool (DescribeUserPool, DescribeUserPoolClient) before sending")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if o.list {
		return listScenarios(stdio)
	}
	if len(pos) > 1 {
		return usagef("run takes one scenario, got %d: %s", len(pos), strings.Join(pos, " "))
	}
	if o.checkTarget && o.noCheck {
		return usagef("--check-target and --no-check-target exclude each other")
	}
	if *shard != "" {
		if o.shard, err = scenarios.ParseShard(*shard, stdio.Getenv); err != nil {
			return usagef("--shard %s: %v", *shard, err)
		}
	}
	if *startAt != "" {
		if o.startAt, err = run.ParseStartAt(*startAt, stdio.Now()); err != nil {
			return usagef("--start-at: %v", err)
		}
	}
	if s3archive.IsURL(o.out) {
		loc, err := s3archive.ParseURL(o.out)
		if err != nil {
			return usagef("--out: %v", err)
		}
		o.outS3 = &loc
	}
	o.scenarioP = "smoke"
	if len(pos) == 1 {
		o.scenarioP = pos[0]
	}
	switch o.format {
	case "text", "markdown", "json":
	default:
		return usagef("--format: unknown format %q (use text, markdown or json)", o.format)
	}

	sc, err := loadScenario(ctx, stdio, o.scenarioP)
	if err != nil {
		return domain.InvalidInput(err)
	}
	copts := o.overrides.options()
	if copts.Endpoint, err = o.target.override(ctx); err != nil {
		return err
	}
	plan, err := sc.Compile(copts)
	if err != nil {
		return usageErr(err)
	}
	if checkOnly(ctx) {
		_, err := run.Prepare(plan, run.Options{Shard: o.shard, AcceptPeakRate: o.ackPeak})
		return err
	}
	return runPlan(ctx, stdio, o, plan, scenarioDir(sc.Source()))
}

func listScenarios(stdio Stdio) error {
	for _, name := range scenarios.BuiltinNames() {
		desc := ""
		if sc, err := scenarios.Builtin(name); err == nil {
			desc = sc.Description
		}
		fmt.Fprintf(stdio.Out, "%-16s %s\n", name, firstLine(desc))
	}
	return nil
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return s
}

func scenarioDir(source string) string {
	if strings.HasPrefix(source, "builtin:") || source == "" {
		return "."
	}
	return filepath.Dir(source)
}

// loadScenario resolves a built-in name or a file, or reads the scenario
// from standard input when it is "-".
func loadScenario(ctx context.Context, stdio Stdio, nameOrPath string) (*scenarios.Scenario, error) {
	if nameOrPath == scenarios.Stdin {
		return scenarios.Read(ctx, "<stdin>", stdio.In)
	}
	return scenarios.Resolve(ctx, nameOrPath)
}
