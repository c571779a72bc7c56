package archive

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/cogload/cogload/aggregate"
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
	sf, err := os.Open(filepath.Join(dir, FileSummary))
	if err != nil {
		if unfinishedName(dir) {
			return nil, fmt.Errorf("open archive %s: %s: %w: this is the hidden folder of a run that never finished (killed, or the machine stopped); "+
				"only %s is written while a run goes, so nothing can be reported from it: delete it", dir, FileSummary, pathErr(err), FileResults)
		}
		return nil, fmt.Errorf("open archive %s: %s: %w (not a cogload run archive?)", dir, FileSummary, pathErr(err))
	}
	defer sf.Close()
	s, err := aggregate.ReadSummary(bufio.NewReader(sf))
	if err != nil {
		return nil, fmt.Errorf("open archive %s: %s: %w", dir, FileSummary, err)
	}
	a.Summary = s
	rb, err := os.ReadFile(filepath.Join(dir, FileRun))
	if err != nil {
		return nil, fmt.Errorf("open archive %s: %s: %w", dir, FileRun, pathErr(err))
	}
	if err := json.Unmarshal(rb, &a.Run); err != nil {
		return nil, fmt.Errorf("open archive %s: %s: %w", dir, FileRun, err)
	}
	if a.Run.Schema != RunSchema {
		return nil, fmt.Errorf("open archive %s: %s: schema %q is not %q", dir, FileRun, a.Run.Schema, RunSchema)
	}
	return a, nil
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
