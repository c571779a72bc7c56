// Package atomicfile writes a file whole or not at all: into a hidden
// temporary file beside it, synced, then renamed over it. A reader (or
// a crash) sees the old file or the new one, never half of one. It is the
// one way cogload writes its output files and the manifests it keeps
// while it works.
package atomicfile

import (
	"io"
	"os"
	"path/filepath"
)

// Write writes path through write with permissions perm (the file's
// previous permissions are not kept).
func Write(path string, perm os.FileMode, write func(io.Writer) error) error {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".*.partial")
	if err != nil {
		return err
	}
	err = f.Chmod(perm)
	if err == nil {
		err = write(f)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		_ = os.Remove(f.Name())
	}
	return err
}
