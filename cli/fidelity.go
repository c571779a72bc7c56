package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/cogload/cogload/compare"
	"github.com/cogload/cogload/domain"
	"github.com/cogload/cogload/fidelity"
	"github.com/cogload/cogload/render"
)

func init() {
	register("fidelity", "measure how far a mock run is from a real run of the same plan", runFidelity)
}

var fidelityFormats = map[string]func(io.Writer, *fidelity.Report) error{
	"text":     render.FidelityText,
	"markdown": render.FidelityMarkdown,
	"json":     render.FidelityJSON,
}

// runFidelity sets a mock run against a real run of the same plan and
// exits 99 when a --fail-on rule is breached (or, with --fail-differs, a
// line differs).
func runFidelity(ctx context.Context, args []string, stdio Stdio) error {
	fs := newFlagSet("fidelity", stdio.Err)
	var rules stringList
	fs.Var(&rules, "fail-on", "drift rule in compare's grammar, the real run as baseline, e.g. 'p99>+10%', 'p50<-10%', 'error_rate>+1pp' (repeatable); exit 99 when breached")
	failDiffers := fs.Bool("fail-differs", false, "exit 99 when any line's verdict is differs")
	format := fs.String("format", "text", "output format: text, markdown or json")
	htmlPath := fs.String("html", "", "also write the report as a self-contained HTML page to this file")
	alpha := fs.Float64("alpha", fidelity.DefaultAlpha, "significance level of the tests")
	latTol := fs.String("latency-tolerance", "10%", "how far p50 or p99 may be off before a latency line can differ")
	distTol := fs.String("distance-tolerance", "1%", "total variation distance of outcome shares before a distribution line can differ")
	fs.Usage = func() {
		fmt.Fprintln(stdio.Err, `Usage: cogload fidelity REAL_RUN MOCK_RUN [flags]

Measures how far MOCK_RUN (a run against the calibrated mock) is from
REAL_RUN (a run of the same plan against the real pool; only the target
and token sources may differ). Per variant: outcome shares side by side,
total variation distance and a G-test; per outcome: latency p50/p99 and
their ratios, Kolmogorov–Smirnov distance and test; the throttle onset of
a probe. Each line is same, differs (significant and material) or too few
samples.
Exit status: 0, 99 a --fail-on rule breached (or a line differs with
--fail-differs), 2 bad flags, unreadable archives or different plans.

Flags:`)
		fs.PrintDefaults()
	}
	positional, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(positional) != 2 {
		fs.Usage()
		return usagef("fidelity: give two runs: REAL_RUN MOCK_RUN")
	}
	renderFormat, ok := fidelityFormats[*format]
	if !ok {
		return usagef("fidelity: --format %q: use text, markdown or json", *format)
	}
	opts := fidelity.Options{Alpha: *alpha}
	if !(*alpha > 0 && *alpha < 1) {
		return usagef("fidelity: --alpha %v: use a level between 0 and 1, e.g. 0.01", *alpha)
	}
	if opts.LatencyTolerance, err = parsePercent(*latTol); err != nil {
		return usagef("fidelity: --latency-tolerance %q: %v", *latTol, err)
	}
	if opts.DistanceTolerance, err = parsePercent(*distTol); err != nil {
		return usagef("fidelity: --distance-tolerance %q: %v", *distTol, err)
	}
	for _, r := range rules {
		rule, err := compare.ParseRule(r)
		if err != nil {
			return usageErr(fmt.Errorf("fidelity: --fail-on: %w", err))
		}
		opts.Rules = append(opts.Rules, rule)
	}
	if err := stdio.checkOutputs(map[string]string{"--html": *htmlPath}); err != nil {
		return err
	}
	archives, done, err := openArchives(ctx, stdio, positional, false)
	if err != nil {
		return err
	}
	defer done()
	if len(archives) != 2 {
		return usagef("fidelity: %d runs under %v: give one real and one mock run", len(archives), positional)
	}
	var runs [2]fidelity.Run
	for i, a := range archives {
		runs[i] = fidelity.Run{Summary: a.Summary, Resolved: []byte(a.Run.ScenarioResolved)}
	}
	rep, err := fidelity.Measure(runs[0], runs[1], opts)
	if err != nil {
		// Different plans, unreadable histograms: the input, exit 2.
		return usageErr(err)
	}
	bw := bufio.NewWriter(stdio.Out)
	if err := renderFormat(bw, rep); err != nil {
		return fmt.Errorf("fidelity: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("fidelity: %w", err)
	}
	if err := stdio.writeHTML("fidelity", *htmlPath, func(w io.Writer) error { return render.FidelityHTML(w, rep) }); err != nil {
		return err
	}
	stdio.appendJobSummary(func(w io.Writer) error { return render.FidelityMarkdown(w, rep) })
	if rep.Breached() {
		return &domain.ExitError{Code: domain.ExitThresholds, Err: errors.New("fidelity: a drift rule was breached")}
	}
	if *failDiffers && rep.Differs() {
		return &domain.ExitError{Code: domain.ExitThresholds, Err: errors.New("fidelity: the mock run differs from the real run")}
	}
	return nil
}

// parsePercent reads "10%" (or a fraction, 0.1).
func parsePercent(s string) (float64, error) {
	v, pct := s, false
	if len(v) > 0 && v[len(v)-1] == '%' {
		v, pct = v[:len(v)-1], true
	}
	f, err := strconv.ParseFloat(v, 64)
	if pct {
		f /= 100
	}
	if err != nil || !(f > 0 && f < 10) {
		return 0, errors.New("want a percentage such as 10%")
	}
	return f, nil
}
