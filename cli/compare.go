package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/cogload/cogload/aggregate"
	"github.com/cogload/cogload/compare"
	"github.com/cogload/cogload/domain"
	"github.com/cogload/cogload/render"
)

func init() {
	register("compare", "compare runs side by side (pool configurations, releases, baseline vs candidate)", runCompare)
}

// compareFormats are the --format values of compare.
var compareFormats = map[string]func(io.Writer, *compare.Comparison) error{
	"text":     render.ComparisonText,
	"markdown": render.ComparisonMarkdown,
	"json":     render.ComparisonJSON,
}

// runCompare puts run archives side by side against a baseline and exits
// 99 when a --fail-on rule is breached.
func runCompare(ctx context.Context, args []string, stdio Stdio) error {
	fs := newFlagSet("compare", stdio.Err)
	var baselines, rules, noises, labels stringList
	fs.Var(&baselines, "baseline", "a baseline run archive (repeat for several runs of the baseline: their spread widens the noise band); default: the first RUN")
	fs.Var(&noises, "noise", "noise tolerance: X% relative for latency and request rates (default 5%), Xpp absolute for rates (default 0.5pp); repeat to set both")
	fs.Var(&rules, "fail-on", "regression rule, e.g. 'p99>+10%', 'throttle_rate>+1pp', 'p99>300ms', 'achieved_rate<-5%' (repeatable); exit 99 when breached")
	fs.Var(&labels, "label", "name for each run in tables, in order (baselines first; repeat once per run); default: pool label or run id")
	format := fs.String("format", "text", "output format: text, markdown or json")
	htmlPath := fs.String("html", "", "also write the comparison as a self-contained HTML page to this file")
	fs.Usage = func() {
		fmt.Fprintln(stdio.Err, `Usage: cogload compare RUN RUN... [flags]

RUN is a run archive folder (results/<run>/) or a file in it, or an
s3://bucket/prefix/ location whose archives (the shards of one run) are
merged first (AWS_* environment). The first
RUN, or every --baseline, is the baseline; each other run gets deltas against
the baseline's median, marked regression, improvement or within noise.

Rule metrics: `+strings.Join(compare.RuleMetrics, " ")+`
Bounds: +X% / -X% (change vs baseline), +Xpp / -Xpp (change of a rate in
percentage points), or absolute (300ms, 1%, 0.01, 50/s). A relative or points
rule is only breached when the change is also outside the noise band, and is
not judged (?) when a run has too few requests for the metric (a p99 needs 300).
Exit status: 0 no breach, 99 a rule breached, 2 bad flags or unreadable runs.

Flags:`)
		fs.PrintDefaults()
	}
	positional, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	renderFormat, ok := compareFormats[*format]
	if !ok {
		return usagef("compare: --format %q: use text, markdown or json", *format)
	}
	if err := stdio.checkOutputs(map[string]string{"--html": *htmlPath}); err != nil {
		return err
	}
	opts := compare.Options{Baselines: len(baselines)}
	for _, n := range noises {
		if err := parseNoise(n, &opts); err != nil {
			return usageErr(fmt.Errorf("compare: --noise %q: %w", n, err))
		}
	}
	for _, r := range rules {
		rule, err := compare.ParseRule(r)
		if err != nil {
			return usageErr(fmt.Errorf("compare: --fail-on: %w", err))
		}
		opts.Rules = append(opts.Rules, rule)
	}
	paths := append(append([]string{}, baselines...), positional...)
	if len(paths) < 2 || len(positional) == 0 {
		fs.Usage()
		return usagef("compare: need at least two runs: a baseline (the first RUN, or --baseline) and a RUN to compare with it")
	}
	if len(labels) > 0 {
		if len(labels) != len(paths) {
			return usagef("compare: --label given %d times for %d runs: give one per run (baselines first)", len(labels), len(paths))
		}
		opts.Labels = labels
	}
	if checkOnly(ctx) {
		return nil
	}
	sums := make([]*aggregate.Summary, len(paths))
	for i, p := range paths {
		if err := ctx.Err(); err != nil {
			return err
		}
		if sums[i], err = openRun(ctx, stdio, p); err != nil {
			return err
		}
	}
	c, err := compare.Runs(sums, opts)
	if err != nil {
		return usageErr(fmt.Errorf("compare: %w", err))
	}
	bw := bufio.NewWriter(stdio.Out)
	if err := renderFormat(bw, c); err != nil {
		return fmt.Errorf("compare: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("compare: %w", err)
	}
	if err := stdio.writeHTML("compare", *htmlPath, func(w io.Writer) error { return render.ComparisonHTML(w, c) }); err != nil {
		return err
	}
	stdio.appendJobSummary(func(w io.Writer) error { return render.ComparisonMarkdown(w, c) })
	if c.Breached() {
		n := 0
		for _, r := range c.Rules {
			if r.Breached {
				n++
			}
		}
		return &domain.ExitError{Code: domain.ExitThresholds, Err: fmt.Errorf("compare: %d of %d regression rule checks breached", n, len(c.Rules))}
	}
	return nil
}

// parseNoise reads one --noise value: "5%" sets the relative tolerance,
// "0.5pp" the absolute one for rates.
func parseNoise(s string, opts *compare.Options) error {
	v := strings.TrimSpace(s)
	switch {
	case strings.HasSuffix(v, "pp"):
		f, err := strconv.ParseFloat(strings.TrimSuffix(v, "pp"), 64)
		// Written so NaN fails too.
		if err != nil || !(f >= 0 && f <= 100) {
			return fmt.Errorf("want percentage points between 0 and 100, e.g. 0.5pp")
		}
		// Zero means "default" in CompareOptions; a stated 0 means none.
		opts.RateNoise = f / 100
		if f == 0 {
			opts.RateNoise = -1
		}
	case strings.HasSuffix(v, "%"):
		f, err := strconv.ParseFloat(strings.TrimSuffix(v, "%"), 64)
		if err != nil || !(f >= 0 && f <= 1000) {
			return fmt.Errorf("want a percentage between 0 and 1000, e.g. 5%%")
		}
		opts.RelativeNoise = f / 100
		if f == 0 {
			opts.RelativeNoise = -1
		}
	default:
		return fmt.Errorf("want X%% (relative, for latency and request rates) or Xpp (absolute percentage points, for rates)")
	}
	return nil
}

// openRun reads one run to compare: an archive folder, or an s3://
// location whose archives (the shards of one run) are merged.
func openRun(ctx context.Context, stdio Stdio, run string) (*aggregate.Summary, error) {
	archives, done, err := openArchives(ctx, stdio, []string{run}, false)
	if err != nil {
		return nil, err
	}
	defer done()
	s, err := summaryOf(archives)
	if err != nil {
		return nil, usageErr(fmt.Errorf("compare: %s: %w", run, err))
	}
	return s, nil
}
