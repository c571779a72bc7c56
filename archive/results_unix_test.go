//go:build unix

package archive

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/cogload/cogload/internal/reportfixture"
)

func TestCheckResultsRefusesWhatIsNotAFile(t *testing.T) {
	root := t.TempDir()
	p := reportfixture.Plan()
	w, _ := writeFixtureArchive(t, root, p, "", "fifo", reportfixture.Samples(p)[:5], RunEnd{})
	res := filepath.Join(w.Dir(), FileResults)
	if err := os.Remove(res); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(res, 0o600); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	a, err := OpenArchive(w.Dir())
	if err != nil {
		t.Fatal(err)
	}
	if err := a.CheckResults(); err == nil || !strings.Contains(err.Error(), "is not a file") {
		t.Fatalf("CheckResults on a FIFO = %v", err)
	}
}
