package cli

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/cogload/cogload/aggregate"
	"github.com/cogload/cogload/archive"
	"github.com/cogload/cogload/s3archive"
)

// openStore is the S3 client of a command, configured from the injected
// environment.
func openStore(ctx context.Context, stdio Stdio) (*s3archive.Store, error) {
	st, err := s3archive.New(ctx, stdio.Getenv)
	if err != nil {
		return nil, usageErr(err)
	}
	return st, nil
}

// archiveOut is where run writes its archives: o.out, or, for an s3://
// location, a temporary folder whose archives upload sends there (summary
// last) and then removes. The bucket is checked first, so a wrong name
// or missing credentials fail before the load rather than after it.
func archiveOut(ctx context.Context, stdio Stdio, o runOpts) (string, func(dir string) (string, error), error) {
	if o.outS3 == nil {
		return o.out, nil, nil
	}
	loc := *o.outS3
	st, err := openStore(ctx, stdio)
	if err != nil {
		return "", nil, err
	}
	note, err := st.CheckBucket(ctx, loc)
	if err != nil {
		return "", nil, usageErr(fmt.Errorf("--out %s: %w", loc, err))
	}
	if note != "" && !o.quiet {
		fmt.Fprintf(stdio.Err, "cogload: --out %s: %s\n", loc, note)
	}
	tmp, err := os.MkdirTemp("", "cogload-run-")
	if err != nil {
		return "", nil, fmt.Errorf("--out %s: local folder for the archive: %w", loc, err)
	}
	upload := func(dir string) (string, error) {
		dest := loc.Join(filepath.Base(dir))
		if err := st.Upload(context.WithoutCancel(ctx), dir, dest); err != nil {
			return "", err
		}
		_ = os.RemoveAll(dir)
		_ = os.Remove(tmp) // empty now, unless an earlier upload failed
		return dest.String(), nil
	}
	return tmp, upload, nil
}

// openArchives opens the runs named on a command line: archive folders,
// or s3:// locations, each standing for every archive under it (copied to
// a temporary folder; results.bin only when withResults). Archives whose
// upload has not finished are left out with a note. Call done when the
// archives are no longer needed.
func openArchives(ctx context.Context, stdio Stdio, runs []string, withResults bool) (archives []*archive.Archive, done func(), err error) {
	var tmp string
	done = func() {
		if tmp != "" {
			_ = os.RemoveAll(tmp)
		}
	}
	defer func() {
		if err != nil {
			done()
		}
	}()
	var st *s3archive.Store
	for _, r := range runs {
		if !s3archive.IsURL(r) {
			a, err := archive.OpenArchive(r)
			if err != nil {
				return nil, done, usageErr(err)
			}
			archives = append(archives, a)
			continue
		}
		loc, err := s3archive.ParseURL(r)
		if err != nil {
			return nil, done, usageErr(err)
		}
		if st == nil {
			if st, err = openStore(ctx, stdio); err != nil {
				return nil, done, err
			}
			if tmp, err = os.MkdirTemp("", "cogload-s3-"); err != nil {
				return nil, done, err
			}
		}
		dst, err := os.MkdirTemp(tmp, "run-")
		if err != nil {
			return nil, done, err
		}
		found, unfinished, err := st.Download(ctx, loc, dst, withResults)
		for _, u := range unfinished {
			fmt.Fprintf(stdio.Err, "cogload: left out %s: no %s yet (upload under way, or failed)\n", u, archive.FileSummary)
		}
		if err != nil {
			return nil, done, usageErr(err)
		}
		for _, f := range found {
			a, err := archive.OpenArchive(f.Dir)
			if err != nil {
				return nil, done, usageErr(fmt.Errorf("%s: %w", f.Location, err))
			}
			a.Origin = f.Location.String()
			archives = append(archives, a)
		}
	}
	return archives, done, nil
}

// writeMerged writes a merged archive to a folder, or to an s3://
// location (written locally, then uploaded), and returns where it went.
func writeMerged(ctx context.Context, stdio Stdio, to string, archives []*archive.Archive, s *aggregate.Summary) (string, error) {
	if !s3archive.IsURL(to) {
		return to, archive.WriteMerged(to, archives, s)
	}
	loc, err := s3archive.ParseURL(to)
	if err != nil {
		return "", usageErr(err)
	}
	st, err := openStore(ctx, stdio)
	if err != nil {
		return "", err
	}
	if empty, err := st.Empty(ctx, loc); err != nil || !empty {
		return "", cmp.Or(err, usagef("%s already holds objects: write the merged archive to a new prefix", loc))
	}
	tmp, err := os.MkdirTemp("", "cogload-merged-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	dir := filepath.Join(tmp, "merged")
	if err := archive.WriteMerged(dir, archives, s); err != nil {
		return "", err
	}
	if err := st.Upload(ctx, dir, loc); err != nil {
		return "", err
	}
	return loc.String(), nil
}

// summaryOf is the run the archives hold: the one archive's summary, or
// the shards' merged.
func summaryOf(archives []*archive.Archive) (*aggregate.Summary, error) {
	if len(archives) == 1 {
		return archives[0].Summary, nil
	}
	return archive.Merge(archives...)
}
