package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/cogload/cogload/aggregate"
	"github.com/cogload/cogload/archive"
	"github.com/cogload/cogload/domain"
	"github.com/cogload/cogload/render"
	"github.com/cogload/cogload/s3archive"
)

func init() {
	register("report", "re-render or merge run archives", runReport)
}

// runReport renders one run archive again, or merges the archives of the
// shards of one run and renders the merge. It renders from run.json and
// summary.json, and reads results.bin through to check it (a damaged
// archive exits 2 whatever the format).
func runReport(ctx context.Context, args []string, stdio Stdio) error {
	fs := newFlagSet("report", stdio.Err)
	format := fs.String("format", "text", "output format: "+strings.Join(render.Formats(), ", "))
	out := fs.String("out", "", "write the report to this file instead of stdout")
	write := fs.String("write", "", "also write the merged run as a new archive in this folder or s3://bucket/prefix (must not exist)")
	check := fs.Bool("check", false, "exit with the run's status: 98 on violations, 99 on breached thresholds, 130 if interrupted")
	fs.Usage = func() {
		fmt.Fprintln(stdio.Err, `Usage: cogload report RUN... [flags]

RUN is a run archive folder (results/<run>/), or an s3://bucket/prefix/
location standing for every archive under it (AWS_* environment). Several
archives must be the shards of one run (cogload run --shard i/N); they are
merged exactly, and a missing or doubled shard, or an archive of another
plan, is refused (exit 2).

Flags:`)
		fs.PrintDefaults()
	}
	runs, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(runs) == 0 {
		fs.Usage()
		return usagef("report: no run archive given")
	}
	if _, ok := render.Renderers[*format]; !ok {
		return usagef("report: --format %q: use one of %s", *format, strings.Join(render.Formats(), ", "))
	}
	if err := stdio.checkOutputs(map[string]string{"--out": *out}); err != nil {
		return err
	}
	for _, r := range slices.Concat(runs, []string{*write}) {
		if s3archive.IsURL(r) {
			if _, err := s3archive.ParseURL(r); err != nil {
				return usageErr(fmt.Errorf("report: %w", err))
			}
		}
	}
	if checkOnly(ctx) {
		return nil
	}

	archives, done, err := openArchives(ctx, stdio, runs, *write != "")
	if err != nil {
		return err
	}
	defer done()
	if err := checkResults(stdio, archives, *write != ""); err != nil {
		return err
	}
	s, err := summaryOf(archives)
	if err != nil {
		return usageErr(fmt.Errorf("report: %w", err))
	}
	if *write != "" {
		where, err := writeMerged(ctx, stdio, *write, archives, s)
		if err != nil {
			return fmt.Errorf("report: %w", err)
		}
		fmt.Fprintf(stdio.Err, "cogload: wrote %s\n", where)
	}
	if err := renderTo(stdio, *out, *format, s); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	if *check {
		if code := s.Status(); code != domain.ExitOK {
			return &domain.ExitError{Code: code, Err: fmt.Errorf("report: run status %s", code)}
		}
	}
	return nil
}

// checkResults checks each archive's results.bin. An archive without one
// is reported and kept (its summary holds the whole report); so is one read
// from S3 without its results (downloaded is false: only a merge needs
// them). A damaged one is invalid input.
func checkResults(stdio Stdio, archives []*archive.Archive, downloaded bool) error {
	for _, a := range archives {
		err := a.CheckResults()
		switch {
		case err == nil:
		case errors.Is(err, archive.ErrNoResults):
			if a.Origin == "" || downloaded {
				fmt.Fprintf(stdio.Err, "cogload: note: %s has no %s; the report comes from %s alone\n", a.Name(), archive.FileResults, archive.FileSummary)
			}
		default:
			return usageErr(fmt.Errorf("report: %w", err))
		}
	}
	return nil
}

// renderTo writes the report to path, or to stdout when path is empty.
func renderTo(stdio Stdio, path, format string, s *aggregate.Summary) error {
	if path == "" {
		return render.Write(stdio.Out, format, s)
	}
	return stdio.Files.WriteFile(path, func(w io.Writer) error { return render.Write(w, format, s) })
}
