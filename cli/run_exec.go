package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"golang.org/x/term"

	"github.com/cogload/cogload/aggregate"
	"github.com/cogload/cogload/archive"
	"github.com/cogload/cogload/attack"
	"github.com/cogload/cogload/compare"
	"github.com/cogload/cogload/domain"
	"github.com/cogload/cogload/mock"
	"github.com/cogload/cogload/render"
	"github.com/cogload/cogload/scenarios"
	"github.com/cogload/cogload/tokens"
)

// runner carries one `cogload run` through its pool configurations.
type runner struct {
	stdio Stdio
	opts  runOpts
	plan  *scenarios.Plan
	dir   string // the scenario's folder, base of relative paths
}

// poolRun is what one pool configuration's run produced.
type poolRun struct {
	label   string
	archive string
	summary *aggregate.Summary
}

func (r *runner) runAll(ctx context.Context) error {
	labels := []string{""}
	if r.plan.Target.Mock {
		labels = r.plan.Target.Pools
		if len(labels) == 0 {
			labels = []string{"email-default"}
		}
	}
	var runs []poolRun
	for _, label := range labels {
		if ctx.Err() != nil {
			break
		}
		pr, err := r.runOne(ctx, label)
		if err != nil {
			return err
		}
		runs = append(runs, pr)
	}
	if len(runs) == 0 {
		return &ExitError{Code: domain.ExitInterrupted, Err: errInterruptedBeforeStart}
	}
	if len(runs) > 1 && !r.opts.quiet {
		if err := r.printComparison(runs); err != nil {
			return err
		}
	}
	return runsExit(runs)
}

// runsExit folds the runs' exit statuses: an interrupt wins, then
// violations, then breached thresholds.
func runsExit(runs []poolRun) error {
	codes := make([]domain.ExitCode, len(runs))
	for i, pr := range runs {
		codes[i] = pr.summary.Run.ExitStatus
	}
	if worst := domain.Worst(codes...); worst != domain.ExitOK {
		return &ExitError{Code: worst}
	}
	return nil
}

func (r *runner) runOne(ctx context.Context, poolLabel string) (poolRun, error) {
	plan := r.plan
	env := tokens.Env{
		Region:     plan.Target.Region,
		UserPoolID: plan.Target.UserPoolID,
		ClientID:   plan.Target.ClientID,
		Dir:        r.dir,
		Getenv:     r.stdio.Getenv,
		Logf:       r.logf,
	}
	var endpoint, targetLabel string
	if plan.Target.Mock {
		m, err := startEmbeddedMock(resolvePoolPath(r.dir, poolLabel), mock.WithSeed(plan.Seed))
		if err != nil {
			return poolRun{}, err
		}
		defer m.Close()
		info := m.Server.Info(m.Endpoint)
		endpoint, targetLabel = m.Endpoint, "mock"
		env.Endpoint, env.Region, env.UserPoolID, env.ClientID = m.Endpoint, info.Region, info.UserPoolID, info.ClientID
		env.MockAdmin = true
		for i, c := range m.Server.Credentials() {
			if r.opts.shardN > 1 && i%r.opts.shardN != r.opts.shardI-1 {
				continue // disjoint users per shard
			}
			env.Users = append(env.Users, c)
		}
	} else {
		endpoint = endpointURL(plan.Target)
		targetLabel = endpoint
		env.Endpoint = endpoint
		poolLabel = plan.Target.UserPoolID
	}

	if !r.opts.quiet {
		fmt.Fprintf(r.stdio.Err, "cogload: %s on %s: preparing tokens\n", plan.Name, describeTarget(targetLabel, poolLabel))
	}
	set, err := tokens.Fill(ctx, plan, env)
	if err != nil {
		if ctx.Err() != nil {
			return poolRun{}, &ExitError{Code: domain.ExitInterrupted, Err: errInterruptedBeforeStart}
		}
		return poolRun{}, fmt.Errorf("prepare tokens: %w", err)
	}
	stopRefresh := set.StartRefresher(ctx)
	defer stopRefresh()

	shard := ""
	if r.opts.shardN > 1 {
		shard = fmt.Sprintf("%d/%d", r.opts.shardI, r.opts.shardN)
	}
	aw, err := archive.NewArchive(r.opts.out, archive.ArchiveMeta{
		Plan: plan, ToolVersion: ToolVersion(), Target: targetLabel, Pool: poolLabel, Shard: shard, Start: time.Now(),
	})
	if err != nil {
		return poolRun{}, err
	}
	prog := newProgressPrinter(r.stdio.Err, r.opts.quiet, r.opts.interval)
	attackOpts := []attack.Option{attack.WithProgress(prog.update)}
	if shard != "" {
		attackOpts = append(attackOpts, attack.WithName("shard-"+shard))
	}
	stats, err := attack.Run(ctx, plan, set, endpoint, aw, attackOpts...)
	prog.finish()
	if err != nil {
		_ = aw.Abort()
		return poolRun{}, fmt.Errorf("attack: %w", err)
	}
	summary, err := aw.Finish(archive.RunEnd{End: stats.End, Interrupted: stats.Interrupted, Schedule: scheduleOf(stats)})
	if err != nil {
		return poolRun{}, err
	}
	pr := poolRun{label: poolLabel, archive: aw.Dir(), summary: summary}
	if err := r.present(pr, stats); err != nil {
		return pr, err
	}
	return pr, nil
}

func describeTarget(target, pool string) string {
	if pool == "" {
		return target
	}
	return target + " (" + pool + ")"
}

// resolvePoolPath makes a pool configuration file relative to the
// scenario's folder; built-in names pass through.
func resolvePoolPath(dir, nameOrPath string) string {
	if _, err := mock.Builtin(nameOrPath); err == nil {
		return nameOrPath
	}
	if dir == "" || dir == "." || isAbs(nameOrPath) {
		return nameOrPath
	}
	return dir + string(os.PathSeparator) + nameOrPath
}

func isAbs(p string) bool { return len(p) > 0 && (p[0] == '/' || p[0] == os.PathSeparator) }

// present prints the run's report and appends it to a CI job summary.
func (r *runner) present(pr poolRun, stats attack.Stats) error {
	if stats.Exhausted && !r.opts.quiet {
		fmt.Fprintln(r.stdio.Err, "cogload: exclusive token pools ran out; the attack ended early")
	}
	if path := r.stdio.Getenv("GITHUB_STEP_SUMMARY"); path != "" {
		if err := appendStepSummary(path, pr.summary); err != nil {
			fmt.Fprintf(r.stdio.Err, "cogload: GITHUB_STEP_SUMMARY: %v\n", err)
		}
	}
	if r.opts.quiet {
		fmt.Fprintln(r.stdio.Out, pr.archive)
		return nil
	}
	if err := render.Write(r.stdio.Out, r.opts.format, pr.summary); err != nil {
		return err
	}
	fmt.Fprintf(r.stdio.Err, "cogload: archive written to %s (exit status %d)\n", pr.archive, pr.summary.Run.ExitStatus)
	return nil
}

func appendStepSummary(path string, s *aggregate.Summary) error {
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	if err := render.Markdown(f, s); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func (r *runner) printComparison(runs []poolRun) error {
	sums := make([]*aggregate.Summary, len(runs))
	for i, pr := range runs {
		sums[i] = pr.summary
	}
	c, err := compare.Runs(sums, compare.Options{})
	if err != nil {
		return fmt.Errorf("compare pools: %w", err)
	}
	fmt.Fprintln(r.stdio.Out)
	return render.ComparisonText(r.stdio.Out, c)
}

func (r *runner) logf(format string, args ...any) {
	if !r.opts.quiet {
		fmt.Fprintf(r.stdio.Err, "cogload: "+format+"\n", args...)
	}
}

// progressPrinter shows a live line on a terminal and plain periodic lines
// otherwise. The rate it prints is measured over the interval since the
// previous line it printed.
type progressPrinter struct {
	w        io.Writer
	quiet    bool
	tty      bool
	every    time.Duration
	shown    domain.Progress
	lastLine int
}

func newProgressPrinter(w io.Writer, quiet bool, every time.Duration) *progressPrinter {
	p := &progressPrinter{w: w, quiet: quiet, every: every}
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		p.tty = true
	}
	return p
}

func (p *progressPrinter) update(pr domain.Progress) {
	if p.quiet {
		return
	}
	every := p.every
	if p.tty {
		every = time.Second
	}
	if !pr.Done && pr.Elapsed-p.shown.Elapsed < every {
		return
	}
	line := fmt.Sprintf("%6.1fs  stage %-10s sent %-7d %7.1f/s (target %.1f/s)  p99 %-8s ok %d  throttled %d  errors %d  violations %d",
		pr.Elapsed.Seconds(), pr.StageName, pr.Sent, pr.Rate(p.shown), pr.TargetRate,
		pr.P99.Round(100*time.Microsecond), pr.OK, pr.Throttled, pr.Errors, pr.Violations)
	p.shown = pr
	if p.tty {
		pad := ""
		if n := p.lastLine - len(line); n > 0 {
			pad = fmt.Sprintf("%*s", n, "")
		}
		fmt.Fprintf(p.w, "\r%s%s", line, pad)
		p.lastLine = len(line)
		return
	}
	fmt.Fprintln(p.w, "cogload:", line)
}

func (p *progressPrinter) finish() {
	if p.tty && !p.quiet && p.lastLine > 0 {
		fmt.Fprintln(p.w)
	}
}

// scheduleOf is how the attack's stages went, for the summary.
func scheduleOf(stats attack.Stats) []aggregate.StageRun {
	out := make([]aggregate.StageRun, len(stats.Stages))
	for i, st := range stats.Stages {
		out[i] = aggregate.StageRun{
			Name: st.Name, Planned: st.Planned, Sent: st.Sent, Skipped: st.Skipped,
			TargetRate: st.TargetRate, AchievedRate: st.AchievedRate,
			Start: st.Start.UTC(), End: st.End.UTC(), Interrupted: st.Interrupted, Exhausted: st.Exhausted,
		}
	}
	return out
}
