package archive

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/cogload/cogload/aggregate"
)

// Merge merges the summaries of archives that are shards of one run. It
// refuses archives of different scenarios (by hash), different pool
// configurations, or the same shard twice, naming the archives.
func Merge(archives ...*Archive) (*aggregate.Summary, error) {
	if len(archives) == 0 {
		return nil, errors.New("merge: no archives")
	}
	first := archives[0]
	seen := map[string]string{}
	sums := make([]*aggregate.Summary, len(archives))
	for i, a := range archives {
		s := a.Summary
		switch {
		case s.Run.ScenarioHash != first.Summary.Run.ScenarioHash:
			return nil, fmt.Errorf("merge: %s ran scenario %s (hash %s) but %s ran %s (hash %s): only shards of one run merge; use cogload compare to compare runs",
				first.Dir, first.Summary.Run.Scenario, aggregate.ShortHash(first.Summary.Run.ScenarioHash), a.Dir, s.Run.Scenario, aggregate.ShortHash(s.Run.ScenarioHash))
		case s.Run.Pool != first.Summary.Run.Pool:
			return nil, fmt.Errorf("merge: %s ran against pool %q but %s against %q: only shards of one run merge; use cogload compare",
				first.Dir, first.Summary.Run.Pool, a.Dir, s.Run.Pool)
		}
		key := s.Run.Shard
		if key == "" {
			key = "id " + s.Run.ID
		}
		if prev, dup := seen[key]; dup {
			return nil, fmt.Errorf("merge: %s and %s are the same shard (%s); each shard must be given once", prev, a.Dir, key)
		}
		seen[key] = a.Dir
		sums[i] = s
	}
	return aggregate.MergeSummaries(sums...)
}

// WriteMerged writes a merged archive into dir (which must not exist yet):
// run.json, summary.json, every rendering, and results.bin re-encoded from
// the shards' results.bin (skipped with a note in run.json's absence when
// a shard has none).
func WriteMerged(dir string, archives []*Archive, s *aggregate.Summary) error {
	if _, err := os.Stat(dir); err == nil {
		return fmt.Errorf("write merged archive: %s already exists", dir)
	}
	parent, name := filepath.Split(filepath.Clean(dir))
	if parent == "" {
		parent = "."
	}
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return fmt.Errorf("write merged archive: %w", err)
	}
	tmp := filepath.Join(parent, "."+name+".partial")
	if err := os.Mkdir(tmp, 0o755); err != nil {
		return fmt.Errorf("write merged archive: %w", err)
	}
	fail := func(err error) error {
		_ = os.RemoveAll(tmp)
		return fmt.Errorf("write merged archive %s: %w", dir, err)
	}
	if s.Run.ID == "" {
		s.Run.ID = newID()
	}
	rec := RunRecord{Schema: RunSchema, RunMeta: s.Run}
	if len(archives) > 0 {
		rec.ScenarioResolved = archives[0].Run.ScenarioResolved
	}
	haveResults := true
	for _, a := range archives {
		if _, err := os.Stat(filepath.Join(a.Dir, FileResults)); err != nil {
			haveResults = false
		}
	}
	if haveResults && len(archives) > 0 {
		f, err := os.Create(filepath.Join(tmp, FileResults))
		if err != nil {
			return fail(err)
		}
		bw := bufio.NewWriterSize(f, 256<<10)
		err = copyResults(bw, archives)
		if err == nil {
			err = bw.Flush()
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fail(err)
		}
	}
	if err := writeArchiveFiles(tmp, rec, s); err != nil {
		return fail(err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		return fail(err)
	}
	return nil
}
