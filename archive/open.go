package archive

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/cogload/cogload/aggregate"
	"github.com/cogload/cogload/internal/input"
)

// Archive is a run archive read back from disk. OpenArchive reads run.json
// and summary.json, which hold everything a report needs; CheckResults
// reads results.bin through to check it.
type Archive struct {
	Dir string
	// Origin is where the archive was copied from when Dir is a local
	// copy (an s3:// URL); messages name it rather than Dir.
	Origin  string
	Run     RunRecord
	Summary *aggregate.Summary
}

// Name is how messages name the archive: its origin, or its folder.
func (a *Archive) Name() string {
	if a.Origin != "" {
		return a.Origin
	}
	return a.Dir
}

// OpenArchive reads the archive in dir. dir may also name a file inside
// the archive (e.g. its summary.json). Errors name the file and the
// problem.
func OpenArchive(dir string) (*Archive, error) {
	if fi, err := os.Stat(dir); err != nil {
		return nil, fmt.Errorf("open archive %s: %w", dir, pathErr(err))
	} else if !fi.IsDir() {
		dir = filepath.Dir(dir)
	}
	a := &Archive{Dir: dir}
	sb, err := readArchiveFile(dir, FileSummary, summaryFile)
	if errors.Is(err, fs.ErrNotExist) {
		if unfinishedName(dir) {
			return nil, fmt.Errorf("open archive %s: %s: no such file: this is the hidden folder of a run that never finished (killed, or the machine stopped); "+
				"only %s is written while a run goes, so nothing can be reported from it: delete it", dir, FileSummary, FileResults)
		}
		return nil, fmt.Errorf("open archive %s: %s: no such file or directory (not a cogload run archive?)", dir, FileSummary)
	}
	if err != nil {
		return nil, err
	}
	if a.Summary, err = aggregate.ReadSummary(bytes.NewReader(sb)); err != nil {
		return nil, fmt.Errorf("open archive %s: %s: %w", dir, FileSummary, err)
	}
	rb, err := readArchiveFile(dir, FileRun, runFile)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("open archive %s: %s: no such file or directory", dir, FileRun)
	}
	if err != nil {
		return nil, err
	}
	if a.Run, err = ParseRunRecord(rb); err != nil {
		return nil, fmt.Errorf("open archive %s: %s: %w", dir, FileRun, err)
	}
	return a, nil
}

// What an archive's files may weigh: far above any real one (a summary
// of a six-hour run with every breakdown is a few megabytes), so a limit
// reached means the wrong file.
var (
	summaryFile = input.Kind{Name: "run summary", MaxBytes: 256 << 20}
	runFile     = input.Kind{Name: "run record", MaxBytes: 16 << 20}
)

// readArchiveFile reads one file of the archive in dir, bounded by kind.
func readArchiveFile(dir, name string, kind input.Kind) ([]byte, error) {
	b, err := input.ReadFile(context.Background(), kind, filepath.Join(dir, name))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		return nil, fmt.Errorf("open archive %s: %w", dir, err)
	}
	return b, nil
}

// ParseRunRecord decodes run.json and checks its schema.
func ParseRunRecord(data []byte) (RunRecord, error) {
	var rec RunRecord
	if err := json.Unmarshal(data, &rec); err != nil {
		return RunRecord{}, err
	}
	if rec.Schema != RunSchema {
		return RunRecord{}, fmt.Errorf("schema %q is not %q", rec.Schema, RunSchema)
	}
	return rec, nil
}

// unfinishedName reports whether dir is named as an archive's hidden
// working folder (.NAME.partial).
func unfinishedName(dir string) bool {
	base := filepath.Base(dir)
	return strings.HasPrefix(base, ".") && strings.HasSuffix(base, partialSuffix)
}

// pathErr drops the path from a *fs.PathError, which the caller already
// names.
func pathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
