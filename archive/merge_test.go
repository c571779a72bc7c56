package archive

import (
	"errors"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cogload/cogload/domain"
	"github.com/cogload/cogload/internal/reportfixture"
	vegeta "github.com/tsenart/vegeta/v12/lib"
)

func TestMergeArchives(t *testing.T) {
	root := t.TempDir()
	p := reportfixture.Plan()
	samples := reportfixture.Samples(p)
	var odd, even []domain.Sample
	for i, s := range samples {
		if i%2 == 0 {
			even = append(even, s)
		} else {
			odd = append(odd, s)
		}
	}
	w1, _ := writeFixtureArchive(t, root, p, "1/2", "s1", even, RunEnd{})
	w2, _ := writeFixtureArchive(t, root, p, "2/2", "s2", odd, RunEnd{})
	a1, err := OpenArchive(w1.Dir())
	if err != nil {
		t.Fatal(err)
	}
	a2, err := OpenArchive(w2.Dir())
	if err != nil {
		t.Fatal(err)
	}
	m, err := Merge(a1, a2)
	if err != nil {
		t.Fatal(err)
	}
	if m.Totals.Requests != 300 {
		t.Errorf("merged requests = %d", m.Totals.Requests)
	}

	out := filepath.Join(root, "merged")
	if err := WriteMerged(out, []*Archive{a1, a2}, m); err != nil {
		t.Fatal(err)
	}
	back, err := OpenArchive(out)
	if err != nil {
		t.Fatal(err)
	}
	if back.Summary.Totals.Requests != 300 || len(back.Run.Shards) != 2 || back.Run.ScenarioResolved == "" {
		t.Errorf("merged archive: %+v", back.Run)
	}
	dec, closeFn, err := back.Results()
	if err != nil {
		t.Fatal(err)
	}
	defer closeFn()
	n := 0
	for {
		r := new(vegeta.Result)
		if err := dec.Decode(r); err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			t.Fatal(err)
		}
		n++
	}
	if n != 300 {
		t.Errorf("merged results.bin holds %d results, want 300", n)
	}
	if err := WriteMerged(out, []*Archive{a1, a2}, m); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("overwriting a merged archive: err = %v", err)
	}

	// Refusals.
	if _, err := Merge(a1, a1); err == nil || !strings.Contains(err.Error(), "same shard") {
		t.Errorf("same shard twice: err = %v", err)
	}
	other := *a2
	otherSum := *a2.Summary
	otherSum.Run.ScenarioHash = "ffff0000ffff0000"
	other.Summary = &otherSum
	if _, err := Merge(a1, &other); err == nil || !strings.Contains(err.Error(), "only shards of one run merge") || !strings.Contains(err.Error(), "ffff0000ffff") {
		t.Errorf("different scenario: err = %v", err)
	}
	otherSum = *a2.Summary
	otherSum.Run.Pool = "strict"
	if _, err := Merge(a1, &other); err == nil || !strings.Contains(err.Error(), `"strict"`) {
		t.Errorf("different pool: err = %v", err)
	}
	if _, err := Merge(); err == nil {
		t.Error("merging nothing succeeded")
	}
}
