package archive

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/cogload/cogload/aggregate"
	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// Archive is a run archive read back from disk. Only run.json and
// summary.json are read: the summary holds everything a report needs, so
// re-rendering never scans results.bin.
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

// pathErr drops the path from a *fs.PathError, which the caller already
// names.
func pathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// Results opens results.bin for decoding with vegeta's gob decoder. Call
// the returned close function when done.
func (a *Archive) Results() (vegeta.Decoder, func() error, error) {
	f, err := os.Open(filepath.Join(a.Dir, FileResults))
	if err != nil {
		return nil, nil, fmt.Errorf("archive %s: %s: %w", a.Dir, FileResults, pathErr(err))
	}
	return vegeta.NewDecoder(bufio.NewReaderSize(f, 256<<10)), f.Close, nil
}

// copyResults re-encodes every result of the archives into w, one archive
// after the other (gob streams cannot simply be concatenated).
func copyResults(w io.Writer, archives []*Archive) error {
	enc := vegeta.NewEncoder(w)
	for _, a := range archives {
		dec, closeFn, err := a.Results()
		if err != nil {
			return err
		}
		for {
			var r vegeta.Result
			if err := dec.Decode(&r); err != nil {
				if errors.Is(err, io.EOF) {
					break
				}
				_ = closeFn()
				return fmt.Errorf("archive %s: %s: %w", a.Dir, FileResults, err)
			}
			if err := enc.Encode(&r); err != nil {
				_ = closeFn()
				return fmt.Errorf("write %s: %w", FileResults, err)
			}
		}
		if err := closeFn(); err != nil {
			return fmt.Errorf("archive %s: %w", a.Dir, err)
		}
	}
	return nil
}
