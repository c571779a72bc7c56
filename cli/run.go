package cli

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/cogload/cogload/cognito"
	"github.com/cogload/cogload/mock"
	"github.com/cogload/cogload/scenarios"
)

func init() {
	register("run", "run a scenario (default: the built-in smoke scenario on the embedded mock)", runRun)
}

type runOpts struct {
	out       string
	rate      float64
	duration  time.Duration
	seed      int64
	seedSet   bool
	quiet     bool
	list      bool
	pools     stringList
	shard     string
	ackPeak   bool
	format    string
	interval  time.Duration
	shardI    int
	shardN    int
	scenarioP string
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
	fs.StringVar(&o.out, "out", "results", "folder the run archive is written under")
	fs.Float64Var(&o.rate, "rate", 0, "replace every stage's rate with this constant rate (requests/s)")
	fs.DurationVar(&o.duration, "duration", 0, "stretch or shrink the stages to this total duration, keeping their shape")
	fs.Func("seed", "seed for variant choice and generated values (default: the scenario's)", func(v string) error {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return fmt.Errorf("want an integer, got %q", v)
		}
		o.seed, o.seedSet = n, true
		return nil
	})
	fs.BoolVar(&o.quiet, "quiet", false, "no progress and no report on the terminal; only the archive path")
	fs.BoolVar(&o.list, "list", false, "list the built-in scenarios and exit")
	fs.Var(&o.pools, "pool", "mock pool configuration (built-in name or file); repeat to run the plan against each")
	fs.StringVar(&o.shard, "shard", "", "run shard i of N (i/N, 1-based): rate split N ways, disjoint users, seed offset")
	fs.BoolVar(&o.ackPeak, "accept-peak-rate", false, "allow a peak rate above the scenario's maxRate against a non-loopback endpoint")
	fs.StringVar(&o.format, "format", "text", "report printed at the end: text, markdown or json")
	fs.DurationVar(&o.interval, "progress-every", 5*time.Second, "interval of progress lines when stderr is not a terminal")
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
	o.scenarioP = "smoke"
	if len(pos) == 1 {
		o.scenarioP = pos[0]
	}
	if o.shard != "" {
		if o.shardI, o.shardN, err = parseShard(o.shard); err != nil {
			return usagef("--shard: %v", err)
		}
	}
	switch o.format {
	case "text", "markdown", "json":
	default:
		return usagef("--format: unknown format %q (use text, markdown or json)", o.format)
	}
	if o.rate < 0 {
		return usagef("--rate: must be positive, got %g", o.rate)
	}
	if o.duration < 0 {
		return usagef("--duration: must be positive, got %s", o.duration)
	}

	sc, err := scenarios.Resolve(o.scenarioP)
	if err != nil {
		return usageErr(err)
	}
	copts := scenarios.CompileOptions{Rate: o.rate, Duration: o.duration, Pools: o.pools, KnownPools: mock.BuiltinNames()}
	if o.seedSet {
		copts.Seed = &o.seed
	}
	plan, err := sc.Compile(copts)
	if err != nil {
		return usageErr(err)
	}
	// Before sharding: the quota is account-wide, so the shards together
	// are what the ceiling guards.
	if err := checkRealTargetSafety(plan, o.ackPeak); err != nil {
		return err
	}
	if o.shardN > 1 {
		shardPlan(plan, o.shardI, o.shardN)
	}

	r := &runner{stdio: stdio, opts: o, plan: plan, dir: scenarioDir(sc.Source())}
	return r.runAll(ctx)
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

func parseShard(s string) (i, n int, err error) {
	a, b, ok := strings.Cut(s, "/")
	if ok {
		i, err = strconv.Atoi(a)
		if err == nil {
			n, err = strconv.Atoi(b)
		}
	}
	if !ok || err != nil || n < 1 || i < 1 || i > n {
		return 0, 0, fmt.Errorf("want i/N with 1 ≤ i ≤ N (e.g. 2/4), got %q", s)
	}
	return i, n, nil
}

// shardPlan turns plan into shard i of n: each shard sends 1/n of the rate
// with its own seed, so the shards together send the plan.
func shardPlan(plan *scenarios.Plan, i, n int) {
	f := 1 / float64(n)
	for k := range plan.Stages {
		st := &plan.Stages[k]
		st.From *= f
		st.To *= f
		st.Step *= f
	}
	plan.Seed += int64(i - 1)
}

// checkRealTargetSafety refuses a plan whose peak rate exceeds the
// scenario's ceiling against a non-loopback endpoint, unless acknowledged:
// real Cognito quotas are account-wide, so a careless run throttles every
// application in the account.
func checkRealTargetSafety(plan *scenarios.Plan, ack bool) error {
	if !plan.ExceedsSafeRate() || ack {
		return nil
	}
	return usagef("the plan peaks at %.1f requests/s against %s, above the safety ceiling of %.1f requests/s (target.endpoint.maxRate); "+
		"Cognito's quotas are shared by every pool and application in the account and region (GetUserAttributeVerificationCode's category allows about %.0f requests/s). "+
		"Lower the rate, raise maxRate in the scenario, or pass --accept-peak-rate", plan.PeakRate(), targetLabel(plan), plan.Target.MaxRate, plan.Quota.CategoryRPS)
}

func targetLabel(plan *scenarios.Plan) string {
	if plan.Target.URL != "" {
		return plan.Target.URL
	}
	return "region " + plan.Target.Region
}

// endpointURL is where requests go for a non-mock target.
func endpointURL(t scenarios.Target) string {
	if t.URL != "" {
		return strings.TrimRight(t.URL, "/")
	}
	return cognito.Endpoint(t.Region)
}

// errInterruptedBeforeStart reports an interrupt that came before any
// request was sent: there is nothing to keep.
var errInterruptedBeforeStart = errors.New("interrupted before the attack started; nothing was measured")
