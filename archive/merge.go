package archive

import (
	"bufio"
	"cmp"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/cogload/cogload/aggregate"
	"github.com/cogload/cogload/scenarios"
)

// Merge merges the summaries of archives that are the shards of one run.
// It refuses, naming the archives: archives of different plans (by plan
// hash, or scenario hash for archives older than summary v1.2), pool
// configurations or start instants; an archive that is itself a merge;
// the same shard twice; shards of different splits; and, for a sharded
// run, any missing shard. The archives are merged in shard order.
func Merge(archives ...*Archive) (*aggregate.Summary, error) {
	if len(archives) == 0 {
		return nil, errors.New("merge: no archives")
	}
	archives = slices.Clone(archives)
	slices.SortStableFunc(archives, func(a, b *Archive) int { return cmp.Compare(shardOf(a).Index, shardOf(b).Index) })
	first := archives[0]
	fr, fs := first.Summary.Run, shardOf(first)
	seen := map[string]string{}
	sums := make([]*aggregate.Summary, len(archives))
	for i, a := range archives {
		r, sh := a.Summary.Run, shardOf(a)
		switch {
		case len(r.Shards) > 0:
			return nil, fmt.Errorf("merge: %s is already a merge of shards %s: give the shards' own archives", a.Name(), strings.Join(r.Shards, ", "))
		case fr.PlanHash != "" && r.PlanHash != "" && r.PlanHash != fr.PlanHash:
			return nil, fmt.Errorf("merge: %s ran plan %s (scenario %s) but %s ran plan %s (scenario %s): only the shards of one run merge (same scenario and overrides); use cogload compare to compare runs",
				first.Name(), aggregate.ShortHash(fr.PlanHash), fr.Scenario, a.Name(), aggregate.ShortHash(r.PlanHash), r.Scenario)
		case r.ScenarioHash != fr.ScenarioHash:
			return nil, fmt.Errorf("merge: %s ran scenario %s (hash %s) but %s ran %s (hash %s): only shards of one run merge; use cogload compare to compare runs",
				first.Name(), fr.Scenario, aggregate.ShortHash(fr.ScenarioHash), a.Name(), r.Scenario, aggregate.ShortHash(r.ScenarioHash))
		case r.Pool != fr.Pool:
			return nil, fmt.Errorf("merge: %s ran against pool %q but %s against %q: only shards of one run merge; use cogload compare",
				first.Name(), fr.Pool, a.Name(), r.Pool)
		case !r.StartAt.Equal(fr.StartAt):
			return nil, fmt.Errorf("merge: %s was started at %s but %s at %s: the shards of one run share one --start-at",
				first.Name(), startAtText(fr.StartAt), a.Name(), startAtText(r.StartAt))
		case sh.Count != fs.Count:
			return nil, fmt.Errorf("merge: %s is %s but %s is %s: the shards of one run share one --shard i/N count",
				first.Name(), shardText(fs), a.Name(), shardText(sh))
		}
		key := r.Shard
		if key == "" {
			key = "id " + r.ID
		}
		if prev, dup := seen[key]; dup {
			return nil, fmt.Errorf("merge: %s and %s are the same shard (%s); each shard must be given once", prev, a.Name(), key)
		}
		seen[key] = a.Name()
		sums[i] = a.Summary
	}
	if fs.Sharded() {
		var missing []string
		for i := 1; i <= fs.Count; i++ {
			if sh := (scenarios.Shard{Index: i, Count: fs.Count}); seen[sh.String()] == "" {
				missing = append(missing, sh.String())
			}
		}
		if len(missing) > 0 {
			what := "shard " + missing[0] + " is"
			if len(missing) > 1 {
				what = "shards " + strings.Join(missing, ", ") + " are"
			}
			return nil, fmt.Errorf("merge: %s missing from the run of %s (found %d of %d shards): give every shard's archive, after every shard has finished",
				what, fr.Scenario, len(archives), fs.Count)
		}
	}
	return aggregate.MergeSummaries(sums...)
}

// shardOf is the shard an archive records; summaries before v1.2 only
// have it as text.
func shardOf(a *Archive) scenarios.Shard {
	r := a.Summary.Run
	if r.ShardCount > 0 {
		return scenarios.Shard{Index: r.ShardIndex, Count: r.ShardCount}
	}
	if sh, err := scenarios.ParseShard(r.Shard, nil); err == nil {
		return sh
	}
	return scenarios.Shard{}
}

func shardText(sh scenarios.Shard) string {
	if !sh.Sharded() {
		return "a whole run (no --shard)"
	}
	return "shard " + sh.String()
}

func startAtText(t time.Time) string {
	if t.IsZero() {
		return "once ready (no --start-at)"
	}
	return t.UTC().Format(time.RFC3339Nano)
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
	tmp := partialPath(parent, name)
	work, err := newWorkdir(tmp)
	if err != nil {
		return fmt.Errorf("write merged archive: %w", err)
	}
	fail := func(err error) error {
		_ = work.remove()
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
	if err := work.moveTo(dir); err != nil {
		return fail(err)
	}
	return nil
}
