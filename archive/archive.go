package archive

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/cogload/cogload/aggregate"
	"github.com/cogload/cogload/domain"
	"github.com/cogload/cogload/render"
	"github.com/cogload/cogload/scenarios"
)

// Archive file names.
const (
	FileRun     = "run.json"
	FileResults = "results.bin"
	FileSummary = "summary.json"
)

// partialSuffix ends the name of the hidden folder an archive is written
// in (.NAME.partial) before it is renamed into place.
const partialSuffix = ".partial"

// partialPath is the hidden work folder, in parent, of the archive to be
// named name.
func partialPath(parent, name string) string {
	return filepath.Join(parent, "."+name+partialSuffix)
}

// RunSchema is the version tag of run.json.
const RunSchema = "cogload.run/v1"

// RunRecord is the content of run.json: the run's facts and the resolved
// scenario it ran. It never holds a token or a password (the resolved
// scenario leaves inline tokens out).
type RunRecord struct {
	Schema string `json:"schema"`
	aggregate.RunMeta
	// ScenarioResolved is the scenario re-encoded as YAML with every
	// default applied; its SHA-256 is ScenarioHash.
	ScenarioResolved string `json:"scenario_resolved,omitempty"`
}

// ArchiveMeta describes a run for NewArchive.
type ArchiveMeta struct {
	Plan        *scenarios.Plan
	ToolVersion string
	// Target is the endpoint URL, or "mock".
	Target string
	// Pool is the pool-configuration label (or user pool id).
	Pool  string
	Shard scenarios.Shard
	// StartAt is the instant the run waited for before sending
	// (--start-at), zero when it started at once; Start equals it then.
	StartAt time.Time
	Start   time.Time
	// ID is the archive's id; a random one when empty.
	ID string
}

// RunEnd is how a run ended, for ArchiveWriter.Finish.
type RunEnd struct {
	// End defaults to the last request's start.
	End         time.Time
	Interrupted bool
	// Schedule is how each stage went against its schedule, from the
	// attack; the summary judges "behind schedule" by it.
	Schedule []aggregate.StageRun
	// Generator is what the load generator had to work with, from the
	// attack; the summary's advice fits it.
	Generator *aggregate.Generator
}

// ArchiveWriter writes a run archive: results.bin while the run goes,
// everything else on Finish. It works in a hidden sibling directory and
// renames it into place at the end, so a half-written archive never shows
// up under its real name.
//
// It implements the attack package's Sink: Record is called from the one
// consumer goroutine.
type ArchiveWriter struct {
	meta    ArchiveMeta
	tmp     string
	dir     string
	agg     *aggregate.Aggregator
	f       *os.File
	buf     *bufio.Writer
	enc     vegeta.Encoder
	err     error // the first results.bin write error
	done    bool
	summary *aggregate.Summary

	work *workdir
}

// NewArchive starts an archive for a run under root (created if needed),
// in a folder named <scenario>-<pool>-<UTC start>-<id>.
func NewArchive(root string, meta ArchiveMeta) (*ArchiveWriter, error) {
	if meta.Plan == nil {
		return nil, errors.New("new archive: no plan")
	}
	if meta.Start.IsZero() {
		meta.Start = time.Now()
	}
	if meta.ID == "" {
		meta.ID = newID()
	}
	name := ArchiveName(meta.Plan.Name, meta.Pool, meta.Start, meta.ID)
	if err := os.MkdirAll(root, 0o755); err != nil {
		return nil, fmt.Errorf("new archive: %w", err)
	}
	w := &ArchiveWriter{
		meta: meta,
		dir:  filepath.Join(root, name),
		tmp:  partialPath(root, name),
		agg:  aggregate.NewAggregator(meta.Plan, meta.Start),
	}
	if _, err := os.Stat(w.dir); err == nil {
		return nil, fmt.Errorf("new archive: %s already exists", w.dir)
	}
	work, err := newWorkdir(w.tmp)
	if err != nil {
		return nil, fmt.Errorf("new archive: %w", err)
	}
	w.work = work
	f, err := os.Create(filepath.Join(w.tmp, FileResults))
	if err != nil {
		_ = work.remove()
		return nil, fmt.Errorf("new archive: %w", err)
	}
	w.f = f
	w.buf = bufio.NewWriterSize(f, 256<<10)
	w.enc = vegeta.NewEncoder(w.buf)
	return w, nil
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// ArchiveName is the folder name of a run's archive.
func ArchiveName(scenario, pool string, start time.Time, id string) string {
	parts := []string{scenario}
	if pool != "" {
		parts = append(parts, pool)
	}
	parts = append(parts, start.UTC().Format("20060102T150405Z"), id)
	for i, p := range parts {
		parts[i] = strings.Trim(unsafeName.ReplaceAllString(p, "_"), "._")
		if parts[i] == "" {
			parts[i] = "_"
		}
	}
	return strings.Join(parts, "-")
}

func newID() string {
	var b [4]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	return hex.EncodeToString(b[:])
}

// Record writes one result to results.bin (body and headers stripped) and
// aggregates its sample. A write error is kept and returned by Finish.
func (w *ArchiveWriter) Record(res *vegeta.Result, s domain.Sample) {
	w.agg.Add(s)
	if w.err != nil || w.done || res == nil {
		return
	}
	r := *res
	// Bodies may be large and are not needed by vegeta report/plot;
	// response headers only add size.
	r.Body, r.Headers = nil, nil
	if err := w.enc.Encode(&r); err != nil {
		w.err = fmt.Errorf("write %s: %w", FileResults, err)
	}
}

// Aggregator returns the archive's aggregator (for Progress).
func (w *ArchiveWriter) Aggregator() *aggregate.Aggregator { return w.agg }

// Progress is the aggregator's live snapshot.
func (w *ArchiveWriter) Progress() domain.Progress { return w.agg.Progress() }

// Dir is where the archive is (after Finish) or will be.
func (w *ArchiveWriter) Dir() string { return w.dir }

// Finish computes the summary, writes run.json, summary.json and every
// rendering, and moves the archive into place. It is idempotent: later
// calls return the first result.
func (w *ArchiveWriter) Finish(end RunEnd) (*aggregate.Summary, error) {
	if w.done {
		if w.summary == nil {
			return nil, fmt.Errorf("archive %s was not finished", w.dir)
		}
		return w.summary, nil
	}
	w.done = true
	s, err := w.finish(end)
	if err != nil {
		// Nothing can be reported from a folder without its summary:
		// leave none behind.
		_ = w.work.remove()
		return nil, err
	}
	w.summary = s
	return s, nil
}

func (w *ArchiveWriter) finish(end RunEnd) (*aggregate.Summary, error) {
	if err := w.closeResults(); err != nil {
		return nil, err
	}
	p := w.meta.Plan
	meta := aggregate.RunMeta{
		ID: w.meta.ID, ToolVersion: w.meta.ToolVersion, Target: w.meta.Target, Pool: w.meta.Pool,
		PlanHash: p.ResolvedHash(), Shard: w.meta.Shard.String(),
		StartAt: w.meta.StartAt.UTC(), Start: w.meta.Start, End: end.End, Interrupted: end.Interrupted,
	}
	if w.meta.Shard.Sharded() {
		meta.ShardIndex, meta.ShardCount = w.meta.Shard.Index, w.meta.Shard.Count
	}
	if end.Schedule != nil {
		w.agg.SetSchedule(end.Schedule)
	}
	if end.Generator != nil {
		w.agg.SetGenerator(*end.Generator)
	}
	s, err := w.agg.Summary(meta)
	if err != nil {
		return nil, fmt.Errorf("archive %s: %w", w.tmp, err)
	}
	s.Run.ExitStatus = s.Status()
	rec := RunRecord{Schema: RunSchema, RunMeta: s.Run, ScenarioResolved: string(p.Resolved)}
	if err := writeArchiveFiles(w.tmp, rec, s); err != nil {
		return nil, err
	}
	if err := w.work.moveTo(w.dir); err != nil {
		return nil, fmt.Errorf("archive: move %s into place: %w", w.tmp, err)
	}
	return s, nil
}

func (w *ArchiveWriter) closeResults() error {
	err := w.err
	if ferr := w.buf.Flush(); err == nil && ferr != nil {
		err = fmt.Errorf("write %s: %w", FileResults, ferr)
	}
	if cerr := w.f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("close %s: %w", FileResults, cerr)
	}
	if err != nil {
		return fmt.Errorf("archive %s: %w", w.tmp, err)
	}
	return nil
}

// Close finishes the archive as a completed run ending at the last request.
func (w *ArchiveWriter) Close() error {
	_, err := w.Finish(RunEnd{})
	return err
}

// Abort drops an unfinished archive (e.g. when the run failed before
// sending anything).
func (w *ArchiveWriter) Abort() error {
	if w.done {
		return nil
	}
	w.done = true
	_ = w.f.Close()
	return w.work.remove()
}

// writeArchiveFiles writes run.json, summary.json and one file per
// registered renderer into dir.
func writeArchiveFiles(dir string, rec RunRecord, s *aggregate.Summary) error {
	runJSON, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return fmt.Errorf("archive: encode %s: %w", FileRun, err)
	}
	if err := os.WriteFile(filepath.Join(dir, FileRun), append(runJSON, '\n'), 0o644); err != nil {
		return fmt.Errorf("archive: %w", err)
	}
	files := map[string]string{FileSummary: "json"}
	for format, name := range render.ArchiveFiles {
		if _, ok := render.Renderers[format]; ok {
			files[name] = format
		}
	}
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		var buf bytes.Buffer
		if err := render.Write(&buf, files[name], s); err != nil {
			return fmt.Errorf("archive: render %s: %w", name, err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), buf.Bytes(), 0o644); err != nil {
			return fmt.Errorf("archive: %w", err)
		}
	}
	return nil
}
