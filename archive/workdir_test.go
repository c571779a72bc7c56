package archive

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/cogload/cogload/internal/reportfixture"
)

// hidden lists root's hidden entries: working folders left behind.
func hidden(t *testing.T, root string) []string {
	t.Helper()
	entries, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			out = append(out, e.Name())
		}
	}
	return out
}

func TestAbandonUnfinishedRemovesOnlyUnfinished(t *testing.T) {
	root := t.TempDir()
	p := reportfixture.Plan()
	samples := reportfixture.Samples(p)[:20]
	done, _ := writeFixtureArchive(t, root, p, "", "done", samples, RunEnd{})
	running, err := NewArchive(root, ArchiveMeta{Plan: p, Start: reportfixture.Start, ID: "running"})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range samples {
		running.Record(resultFor(s), s)
	}
	removed := AbandonUnfinished()
	if !slices.Contains(removed, running.tmp) {
		t.Fatalf("removed %v, want %s among them", removed, running.tmp)
	}
	if h := hidden(t, root); len(h) != 0 {
		t.Fatalf("hidden folders left behind: %v", h)
	}
	if _, err := OpenArchive(done.Dir()); err != nil {
		t.Fatalf("a finished archive was touched: %v", err)
	}
	// The abandoned archive cannot appear afterwards.
	if _, err := running.Finish(RunEnd{}); err == nil {
		t.Fatal("an abandoned archive finished")
	}
	if _, err := os.Stat(running.Dir()); !os.IsNotExist(err) {
		t.Fatalf("an abandoned archive appeared under its name: %v", err)
	}
	if h := hidden(t, root); len(h) != 0 {
		t.Fatalf("hidden folders left behind: %v", h)
	}
}

// Whichever comes first, a finishing archive and AbandonUnfinished leave
// either the whole archive or nothing.
func TestAbandonRacingFinishLeavesWholeOrNothing(t *testing.T) {
	p := reportfixture.Plan()
	samples := reportfixture.Samples(p)[:20]
	for i := range 20 {
		root := t.TempDir()
		w, err := NewArchive(root, ArchiveMeta{Plan: p, Start: reportfixture.Start, ID: "race"})
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range samples {
			w.Record(resultFor(s), s)
		}
		var wg sync.WaitGroup
		wg.Go(func() { _, _ = w.Finish(RunEnd{}) })
		wg.Go(func() { AbandonUnfinished() })
		wg.Wait()
		if h := hidden(t, root); len(h) != 0 {
			t.Fatalf("round %d: hidden folders left behind: %v", i, h)
		}
		if _, err := os.Stat(w.Dir()); err == nil {
			a, err := OpenArchive(w.Dir())
			if err != nil {
				t.Fatalf("round %d: a half archive was left: %v", i, err)
			}
			if err := a.CheckResults(); err != nil {
				t.Fatalf("round %d: %v", i, err)
			}
			for _, f := range []string{"junit.xml", "report.html"} {
				if _, err := os.Stat(filepath.Join(w.Dir(), f)); err != nil {
					t.Fatalf("round %d: the archive lacks %s", i, f)
				}
			}
		}
	}
}
