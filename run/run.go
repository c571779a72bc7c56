// Package run is the library entry point for a load test: one call runs
// a compiled plan the way `cogload run` does, against each of the plan's
// mock pool configurations (each served on loopback) or a real endpoint,
// and returns each run's summary and archive.
//
// The steps, per pool configuration: start the embedded mock; fill the
// token pools before sending (vegeta counts targeter time as latency);
// open the archive; attack; record how each stage went against its
// schedule; finish the archive. Errors carry an exit code
// (domain.ExitError) where the cause decides it: invalid input exits 2,
// an interrupt before anything was measured 130.
package run

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/cogload/cogload/aggregate"
	"github.com/cogload/cogload/archive"
	"github.com/cogload/cogload/attack"
	"github.com/cogload/cogload/cognito"
	"github.com/cogload/cogload/domain"
	"github.com/cogload/cogload/internal/input"
	"github.com/cogload/cogload/mock"
	"github.com/cogload/cogload/preflight"
	"github.com/cogload/cogload/scenarios"
	"github.com/cogload/cogload/tokens"
)

// DefaultPool is the pool configuration of a mock plan that names none.
const DefaultPool = "email-default"

// Options tunes Run. The zero value runs the whole plan into ./results
// with the process's clock and environment left untouched.
type Options struct {
	// Out is the folder archives are written under (default "results").
	Out string
	// Dir is the base of the plan's relative token files and exec
	// sources: the scenario's folder. Default ".". (The plan's pool files
	// are already resolved against it.)
	Dir string
	// Shard is the part of the plan this process runs (the zero Shard:
	// all of it).
	Shard scenarios.Shard
	// StartAt, when set, is the instant to send the first request at:
	// Run prepares the tokens, then waits for it, so shards started
	// seconds apart share one time axis. The archive's start is StartAt.
	// A run ready more than LateStart after it is refused: its timeline
	// would not line up with the other shards'.
	StartAt time.Time
	// AcceptPeakRate allows a peak above the plan's safety ceiling
	// against a non-loopback endpoint.
	AcceptPeakRate bool
	ToolVersion    string
	// Getenv looks up environment variables for token sources (nil: none
	// are set).
	Getenv func(string) string
	// HTTPClient sends the token logins; the attack clones and tunes its
	// transport. Default: fresh clients.
	HTTPClient *http.Client
	// Now is the clock of archive names and times (default time.Now).
	Now func() time.Time
	// Logf receives progress messages ("preparing tokens").
	Logf func(format string, args ...any)
	// Progress receives live snapshots during the attack.
	Progress func(domain.Progress)
	// Finished is called after each pool configuration's run, before the
	// next one starts.
	Finished func(Result)
	// CheckTarget, when set and the plan is sent to an endpoint, checks
	// the pool against the whole plan (preflight.Check) before anything
	// is sent: warnings go to Logf, an error refuses the run (exit 2).
	// Its Dir and HTTPClient default to the run's.
	CheckTarget *preflight.Options
}

// Result is one pool configuration's run.
type Result struct {
	// Pool is the pool configuration (mock) or user pool id.
	Pool    string
	Target  string // "mock" or the endpoint URL
	Archive string // the archive folder
	Summary *aggregate.Summary
	// Exhausted: exclusive token pools ran out and the attack ended early.
	Exhausted bool
}

// Results are the runs of one plan, in pool order.
type Results []Result

// Status is the exit status of the whole: an interrupt wins, then
// violations, then breached thresholds.
func (rs Results) Status() domain.ExitCode {
	codes := make([]domain.ExitCode, len(rs))
	for i, r := range rs {
		codes[i] = r.Summary.Run.ExitStatus
	}
	return domain.Worst(codes...)
}

// Summaries lists the runs' summaries.
func (rs Results) Summaries() []*aggregate.Summary {
	out := make([]*aggregate.Summary, len(rs))
	for i, r := range rs {
		out[i] = r.Summary
	}
	return out
}

// ErrInterruptedBeforeStart reports an interrupt that came before any
// request was sent: there is nothing to keep.
var ErrInterruptedBeforeStart = errors.New("interrupted before the attack started; nothing was measured")

// Run runs plan (already compiled, and not yet sharded: opts.Shard splits
// it) against each of its pool configurations in turn. It returns the
// runs that finished; cancelling ctx stops the current run, which still
// writes its archive marked interrupted, and skips the rest.
func Run(ctx context.Context, plan *scenarios.Plan, opts Options) (Results, error) {
	opts.defaults()
	p, err := Prepare(plan, opts)
	if err != nil {
		return nil, err
	}
	// Every warning, the plan's own and those sharding added, before
	// anything is sent.
	for _, w := range p.Warnings {
		opts.Logf("warning: %s", w)
	}
	// Every pool configuration is loaded before the first run, so a bad
	// one is refused before anything is sent.
	configs, err := LoadPools(ctx, p)
	if err != nil {
		return nil, domain.InvalidInput(err)
	}
	if opts.CheckTarget != nil && !plan.Target.Mock {
		if err := checkTarget(ctx, plan, opts); err != nil {
			return nil, err
		}
	}

	pools := []string{""}
	if p.Target.Mock {
		pools = planPools(p)
	}
	var out Results
	for _, pool := range pools {
		if ctx.Err() != nil {
			break
		}
		r, err := runOne(ctx, p, pool, configs[pool], opts)
		if err != nil {
			return out, err
		}
		// Only the first run waits: the next pool's follows it at once.
		opts.StartAt = time.Time{}
		out = append(out, r)
		if opts.Finished != nil {
			opts.Finished(r)
		}
	}
	if len(out) == 0 {
		return nil, domain.Exit(domain.ExitInterrupted, ErrInterruptedBeforeStart)
	}
	return out, nil
}

// Prepare makes the checks Run makes before it starts anything (the
// safety ceiling, the split into shards) and returns the plan this process
// runs: opts.Shard's part of plan. Its errors exit 2.
func Prepare(plan *scenarios.Plan, opts Options) (*scenarios.Plan, error) {
	// Before sharding: the quota is account-wide, so the shards together
	// are what the ceiling guards.
	if plan.ExceedsSafeRate() && !opts.AcceptPeakRate {
		return nil, domain.Exit(domain.ExitUsage, unsafeRate(plan))
	}
	p, err := opts.Shard.Apply(plan)
	if err != nil {
		return nil, domain.Exit(domain.ExitUsage, err)
	}
	return p, nil
}

func (o *Options) defaults() {
	if o.Out == "" {
		o.Out = "results"
	}
	if o.Dir == "" {
		o.Dir = "."
	}
	if o.Getenv == nil {
		o.Getenv = func(string) string { return "" }
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logf == nil {
		o.Logf = func(string, ...any) {}
	}
}

// target is where one run sends.
type target struct {
	endpoint, label, pool string
	stop                  func()
}

// LoadPools loads every pool configuration a mock plan names (built-in
// names, or files already resolved against the scenario's folder), keyed
// by the plan's name for it; nil for a plan with a real endpoint. It is
// the one way pool configurations of a plan are read: validate, run and
// mock --config give the same error (file:line:col) for a bad one.
func LoadPools(ctx context.Context, plan *scenarios.Plan) (map[string]*mock.Config, error) {
	if !plan.Target.Mock {
		return nil, nil
	}
	configs := map[string]*mock.Config{}
	for _, pool := range planPools(plan) {
		cfg, err := mock.ResolveConfig(ctx, pool)
		if err != nil {
			return nil, err
		}
		configs[pool] = cfg
	}
	return configs, nil
}

func planPools(plan *scenarios.Plan) []string {
	if len(plan.Target.Pools) == 0 {
		return []string{DefaultPool}
	}
	return plan.Target.Pools
}

func runOne(ctx context.Context, plan *scenarios.Plan, pool string, cfg *mock.Config, opts Options) (Result, error) {
	env := tokens.Env{
		Region: plan.Target.Region, UserPoolID: plan.Target.UserPoolID, ClientID: plan.Target.ClientID,
		Dir: opts.Dir, Getenv: opts.Getenv, Logf: opts.Logf, HTTPClient: opts.HTTPClient, Now: opts.Now,
		Shard: opts.Shard,
	}
	tg, err := startTarget(plan, pool, cfg, opts, &env)
	if err != nil {
		return Result{}, err
	}
	defer tg.stop()

	opts.Logf("%s on %s: preparing tokens", plan.Name, describe(tg))
	set, err := tokens.Fill(ctx, plan, env)
	if err != nil {
		if ctx.Err() != nil {
			return Result{}, domain.Exit(domain.ExitInterrupted, ErrInterruptedBeforeStart)
		}
		err = fmt.Errorf("prepare tokens: %w", err)
		var badFile *input.Error // a users or token file
		if errors.As(err, &badFile) {
			return Result{}, domain.InvalidInput(err)
		}
		return Result{}, err
	}
	stopRefresh := set.StartRefresher(ctx)
	defer stopRefresh()

	start := opts.Now()
	if !opts.StartAt.IsZero() {
		if err := awaitStart(ctx, opts); err != nil {
			return Result{}, err
		}
		start = opts.StartAt
	}
	aw, err := archive.NewArchive(opts.Out, archive.ArchiveMeta{
		Plan: plan, ToolVersion: opts.ToolVersion, Target: tg.label, Pool: tg.pool,
		Shard: opts.Shard, StartAt: opts.StartAt, Start: start,
	})
	if err != nil {
		return Result{}, err
	}
	var attackOpts []attack.Option
	if opts.Progress != nil {
		attackOpts = append(attackOpts, attack.WithProgress(opts.Progress))
	}
	if opts.HTTPClient != nil {
		attackOpts = append(attackOpts, attack.WithHTTPClient(opts.HTTPClient))
	}
	if opts.Shard.Sharded() {
		attackOpts = append(attackOpts, attack.WithName("shard-"+opts.Shard.String()))
	}
	if plan.Target.Mock {
		attackOpts = append(attackOpts, attack.WithTargetInProcess())
	}
	stats, err := attack.Run(ctx, plan, set, tg.endpoint, aw, attackOpts...)
	if err != nil {
		_ = aw.Abort()
		return Result{}, fmt.Errorf("attack: %w", err)
	}
	summary, err := aw.Finish(archive.RunEnd{End: stats.End, Interrupted: stats.Interrupted, Schedule: schedule(stats), Generator: generator(stats.Generator)})
	if err != nil {
		return Result{}, err
	}
	return Result{Pool: tg.pool, Target: tg.label, Archive: aw.Dir(), Summary: summary, Exhausted: stats.Exhausted}, nil
}

// startTarget serves the pool configuration on loopback for a mock plan,
// or names the real endpoint, and completes env with where to log in.
func startTarget(plan *scenarios.Plan, pool string, cfg *mock.Config, opts Options, env *tokens.Env) (target, error) {
	if !plan.Target.Mock {
		endpoint := Endpoint(plan.Target)
		env.Endpoint = endpoint
		return target{endpoint: endpoint, label: endpoint, pool: plan.Target.UserPoolID, stop: func() {}}, nil
	}
	m, err := mock.StartLocal(cfg, mock.WithSeed(plan.Seed))
	if err != nil {
		return target{}, domain.Exit(domain.ExitUsage, fmt.Errorf("pool configuration %s: %w", pool, err))
	}
	info := m.Info(m.URL)
	env.Endpoint, env.Region, env.UserPoolID, env.ClientID = m.URL, info.Region, info.UserPoolID, info.ClientID
	env.MockAdmin = true
	for i, c := range m.Credentials() {
		if opts.Shard.Owns(i) {
			env.Users = append(env.Users, c)
		}
	}
	return target{endpoint: m.URL, label: "mock", pool: pool, stop: func() { _ = m.Close() }}, nil
}

// Endpoint is where requests go for a real target.
func Endpoint(t scenarios.Target) string {
	if t.URL != "" {
		return t.URL
	}
	return cognito.Endpoint(t.Region)
}

func describe(t target) string {
	if t.pool == "" {
		return t.label
	}
	return t.label + " (" + t.pool + ")"
}

// schedule is how the attack's stages went, for the summary.
func schedule(stats attack.Stats) []aggregate.StageRun {
	out := make([]aggregate.StageRun, len(stats.Stages))
	for i, st := range stats.Stages {
		out[i] = aggregate.StageRun{
			Name: st.Name, Planned: st.Planned, Sent: st.Sent, Skipped: st.Skipped,
			SkippedInFlight: st.SkippedInFlight, SkippedLate: st.SkippedLate,
			TargetRate: st.TargetRate, AchievedRate: st.AchievedRate,
			Start: st.Start.UTC(), End: st.End.UTC(), Interrupted: st.Interrupted, Exhausted: st.Exhausted,
		}
	}
	return out
}

// generator is the attack's view of the load generator, for the summary.
func generator(g attack.GeneratorStats) *aggregate.Generator {
	return &aggregate.Generator{CPUs: g.CPUs, FDSoft: g.FDSoft, FDHard: g.FDHard,
		MaxInFlight: g.MaxInFlight, MaxInFlightFrom: g.CapFrom, PeakInFlight: g.PeakInFlight}
}

// unsafeRate explains the refusal of a plan above its safety ceiling: real
// Cognito quotas are account-wide, so a careless run throttles every
// application in the account.
func unsafeRate(plan *scenarios.Plan) error {
	where := plan.Target.URL
	if where == "" {
		where = "region " + plan.Target.Region
	}
	return fmt.Errorf("the plan peaks at %.1f requests/s against %s, above the safety ceiling of %.1f requests/s (target.endpoint.maxRate); "+
		"Cognito's quotas are shared by every pool and application in the account and region (GetUserAttributeVerificationCode's category allows about %.0f requests/s). "+
		"Lower the rate, raise maxRate in the scenario, or pass --accept-peak-rate", plan.PeakRate(), where, plan.Target.MaxRate, plan.Quota.CategoryRPS)
}

// checkTarget runs the pre-flight check of the plan's pool and logs what
// it found beyond the passed checks.
func checkTarget(ctx context.Context, plan *scenarios.Plan, opts Options) error {
	o := *opts.CheckTarget
	if o.HTTPClient == nil {
		o.HTTPClient = opts.HTTPClient
	}
	opts.Logf("checking %s against the plan", plan.Target.UserPoolID)
	rep, err := preflight.Check(ctx, plan, o)
	if err != nil {
		return err
	}
	n := 0
	for _, f := range rep.Findings {
		if f.Level > preflight.OK {
			opts.Logf("check: %s: %s: %s", f.Level, f.Topic, f.Message)
			n++
		}
	}
	if err := rep.Err(); err != nil {
		return err
	}
	opts.Logf("check: %d checks passed, %d warnings", len(rep.Findings)-n, n)
	return nil
}
