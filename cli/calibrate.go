package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"

	"github.com/cogload/cogload/calibrate"
	"github.com/cogload/cogload/domain"
	"github.com/cogload/cogload/mock"
)

func init() {
	register("calibrate", "fit a mock pool configuration to runs against one real pool", runCalibrate)
}

// runCalibrate reads archives of runs against one real pool and writes
// the calibrated pool configuration.
func runCalibrate(ctx context.Context, args []string, stdio Stdio) error {
	fs := newFlagSet("calibrate", stdio.Err)
	out := fs.String("out", "", "write the calibrated pool configuration to this `file` (required)")
	base := fs.String("base", "email-default", "pool configuration the values that cannot be estimated are kept from: built-in `name` or YAML file")
	fs.Usage = func() {
		fmt.Fprintln(stdio.Err, `Usage: cogload calibrate RUN... --out pool.yaml [--base NAME|FILE]

RUN is a run archive of a run against ONE real pool (target.endpoint): a
smoke-like run for latency and error rates, a throttle-probe-like run
(steps climbing past the quota) for the quota. The output loads with
'cogload mock --config' and in a scenario's target.mock.pools; every
calibrated value carries a comment saying where it came from, every value
that could not be estimated keeps the base's and is listed with the reason.
Exit status: 0 written, 2 bad flags or archives (mock runs, different pools).

Flags:`)
		fs.PrintDefaults()
	}
	paths, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(paths) == 0 {
		fs.Usage()
		return usagef("calibrate: give at least one run archive")
	}
	if *out == "" {
		return usagef("calibrate: --out is required: the file to write the pool configuration to")
	}
	if err := stdio.checkOutputs(map[string]string{"--out": *out}); err != nil {
		return err
	}
	baseCfg, err := mock.ResolveConfig(ctx, *base)
	if err != nil {
		return domain.InvalidInput(fmt.Errorf("calibrate: --base: %w", err))
	}
	archives, done, err := openArchives(ctx, stdio, paths, false)
	if err != nil {
		return err
	}
	defer done()
	var srcs []calibrate.Source
	for _, a := range archives {
		srcs = append(srcs, calibrate.Source{Dir: a.Dir, Summary: a.Summary})
	}
	res, err := calibrate.Calibrate(srcs, calibrate.Options{Base: baseCfg, BaseName: *base})
	if errors.Is(err, calibrate.ErrArchives) {
		return usageErr(err)
	}
	if err != nil {
		return err
	}
	if err := stdio.Files.WriteFile(*out, res.WriteYAML); err != nil {
		return fmt.Errorf("calibrate: --out: %w", err)
	}
	bw := bufio.NewWriter(stdio.Out)
	if err := res.WriteText(bw); err != nil {
		return fmt.Errorf("calibrate: %w", err)
	}
	fmt.Fprintf(bw, "\ncogload: wrote %s (use it with 'cogload mock --config %s' or target.mock.pools)\n", *out, *out)
	return bw.Flush()
}
