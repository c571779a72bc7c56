package cli

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"time"

	"github.com/cogload/cogload/compare"
	"github.com/cogload/cogload/domain"
	"github.com/cogload/cogload/preflight"
	"github.com/cogload/cogload/render"
	"github.com/cogload/cogload/run"
	"github.com/cogload/cogload/scenarios"
)

// runPlan runs a compiled plan through the run package and prints what
// each pool configuration's run produced as it finishes.
func runPlan(ctx context.Context, stdio Stdio, o runOpts, plan *scenarios.Plan, dir string) error {
	prog := newProgressPrinter(stdio, o.quiet, o.interval)
	logf := func(format string, args ...any) {
		if !o.quiet {
			fmt.Fprintf(stdio.Err, "cogload: "+format+"\n", args...)
		}
	}
	out, upload, err := archiveOut(ctx, stdio, o)
	if err != nil {
		return err
	}
	var check *preflight.Options
	if checksTarget(plan, o) {
		if check, err = stdio.checkOptions(ctx, plan); err != nil {
			return fmt.Errorf("%w; or skip the check with --no-check-target", err)
		}
	}
	var presentErr error
	results, err := run.Run(ctx, plan, run.Options{
		Out: out, Dir: dir, Shard: o.shard, StartAt: o.startAt, AcceptPeakRate: o.ackPeak, ToolVersion: ToolVersion(), CheckTarget: check,
		Getenv: stdio.Getenv, Logf: logf, HTTPClient: stdio.HTTPClient, Now: stdio.Now,
		Progress: prog.update,
		Finished: func(r run.Result) {
			prog.finish()
			if upload != nil {
				// Keep the local copy when the upload fails: it is the
				// only one.
				url, err := upload(r.Archive)
				if err != nil {
					presentErr = cmp.Or(presentErr, fmt.Errorf("%w; the archive is kept in %s", err, r.Archive))
				} else {
					r.Archive = url
				}
			}
			if err := present(stdio, o, r); err != nil && presentErr == nil {
				presentErr = err
			}
		},
	})
	if err != nil {
		return err
	}
	if presentErr != nil {
		return presentErr
	}
	if len(results) > 1 && !o.quiet {
		c, err := compare.Runs(results.Summaries(), compare.Options{})
		if err != nil {
			return fmt.Errorf("compare pools: %w", err)
		}
		fmt.Fprintln(stdio.Out)
		if err := render.ComparisonText(stdio.Out, c); err != nil {
			return err
		}
	}
	if st := results.Status(); st != domain.ExitOK {
		return &domain.ExitError{Code: st}
	}
	return nil
}

// checksTarget says whether the run checks its pool first: a real pool
// always, unless told not to; a loopback endpoint (a local mock or proxy)
// only when asked.
func checksTarget(plan *scenarios.Plan, o runOpts) bool {
	return !plan.Target.Mock && !o.noCheck && (o.checkTarget || !plan.Target.Loopback())
}

// present prints one run's report and appends it to a CI job summary.
func present(stdio Stdio, o runOpts, r run.Result) error {
	if r.Exhausted && !o.quiet {
		fmt.Fprintln(stdio.Err, "cogload: exclusive token pools ran out; the attack ended early")
	}
	stdio.appendJobSummary(func(w io.Writer) error { return render.Markdown(w, r.Summary) })
	if o.quiet {
		fmt.Fprintln(stdio.Out, r.Archive)
		return nil
	}
	if err := render.Write(stdio.Out, o.format, r.Summary); err != nil {
		return err
	}
	fmt.Fprintf(stdio.Err, "cogload: archive written to %s (exit status %d)\n", r.Archive, r.Summary.Run.ExitStatus)
	return nil
}

// progressPrinter shows a live line on a terminal and plain periodic lines
// otherwise. The rates it prints, achieved and planned, are both measured
// over the interval since the previous line it printed.
type progressPrinter struct {
	w        io.Writer
	quiet    bool
	tty      bool
	every    time.Duration
	shown    domain.Progress
	lastLine int
}

func newProgressPrinter(stdio Stdio, quiet bool, every time.Duration) *progressPrinter {
	return &progressPrinter{w: stdio.Err, quiet: quiet, every: every, tty: stdio.IsTerminal(stdio.Err)}
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
	// The last line's rates are the run's means: its interval since the
	// previous line can be a few milliseconds long.
	since := p.shown
	if pr.Done {
		since = domain.Progress{}
	}
	rate, target := pr.Rate(since), pr.TargetRate(since)
	line := fmt.Sprintf("%6.1fs  stage %-10s sent %-7d %7.1f/s (target %.1f/s)  p99 %-8s ok %d  throttled %d  errors %d  violations %d",
		pr.Elapsed.Seconds(), pr.StageName, pr.Sent, rate, target,
		pr.P99.Round(100*time.Microsecond), pr.OK, pr.Throttled, pr.Errors, pr.Violations)
	if pr.Unsent > 0 {
		// Apart from the target's errors: the generator's own limits.
		line += fmt.Sprintf("  not sent %d", pr.Unsent)
	}
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
