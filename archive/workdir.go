package archive

import (
	"errors"
	"os"
	"sort"
	"sync"
)

// workdir is the hidden folder an archive is written in (.NAME.partial)
// until it is renamed into place. Every workdir of the process is known,
// so a process that must exit at once can remove them (AbandonUnfinished)
// rather than leave half-written folders behind.
type workdir struct {
	path string
	// mu is held while the folder is renamed into place or removed, so a
	// removal never races a rename into a half-emptied archive.
	mu      sync.Mutex
	settled bool // renamed into place or removed
}

var workdirs = struct {
	sync.Mutex
	open map[*workdir]bool
}{open: map[*workdir]bool{}}

// errAbandoned is returned when an archive's folder was removed by
// AbandonUnfinished before it could be renamed into place.
var errAbandoned = errors.New("the unfinished archive was removed: the process is exiting")

// newWorkdir creates the folder at path and registers it.
func newWorkdir(path string) (*workdir, error) {
	if err := os.Mkdir(path, 0o755); err != nil {
		return nil, err
	}
	d := &workdir{path: path}
	workdirs.Lock()
	workdirs.open[d] = true
	workdirs.Unlock()
	return d, nil
}

// moveTo renames the folder into place (to dir) unless it was removed.
func (d *workdir) moveTo(dir string) error {
	return d.settle(func() error { return os.Rename(d.path, dir) })
}

// remove removes the folder unless it was already settled.
func (d *workdir) remove() error {
	return d.settle(func() error { return os.RemoveAll(d.path) })
}

func (d *workdir) settle(fn func() error) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.settled {
		return errAbandoned
	}
	err := fn()
	if err == nil {
		d.settled = true
		workdirs.Lock()
		delete(workdirs.open, d)
		workdirs.Unlock()
	}
	return err
}

// AbandonUnfinished removes the hidden folder of every archive this
// process is still writing (a run's, or a merge's) and returns the folders
// removed. It is for a process about to exit at once, on a second
// interrupt: it leaves no half-written folder behind. An archive already
// renamed into place is kept whole; one removed here cannot be finished.
func AbandonUnfinished() []string {
	workdirs.Lock()
	open := make([]*workdir, 0, len(workdirs.open))
	for d := range workdirs.open {
		open = append(open, d)
	}
	workdirs.Unlock()
	var removed []string
	for _, d := range open {
		// A results.bin still open for writing goes too (on Unix); the
		// process exits next.
		if d.remove() == nil {
			removed = append(removed, d.path)
		}
	}
	sort.Strings(removed)
	return removed
}
