package archive

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cogload/cogload/aggregate"
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

// TestMergeRefusesWhatIsNotOneRun: each refusal names the archives (or
// the missing shard) and says what to do.
func TestMergeRefusesWhatIsNotOneRun(t *testing.T) {
	root := t.TempDir()
	p := reportfixture.Plan()
	p.Resolved = []byte("name: fixture\n")
	samples := reportfixture.Samples(p)
	var shards []*Archive
	for i := range 3 {
		var part []domain.Sample
		for k, s := range samples {
			if k%3 == i {
				part = append(part, s)
			}
		}
		w, _ := writeFixtureArchive(t, root, p, fmt.Sprintf("%d/3", i+1), fmt.Sprintf("s%d", i+1), part, RunEnd{})
		a, err := OpenArchive(w.Dir())
		if err != nil {
			t.Fatal(err)
		}
		if r := a.Summary.Run; r.ShardIndex != i+1 || r.ShardCount != 3 || r.PlanHash != p.ResolvedHash() || a.Run.PlanHash != r.PlanHash {
			t.Fatalf("shard %d records %+v", i+1, r)
		}
		shards = append(shards, a)
	}
	// Out of order is fine: merged in shard order.
	m, err := Merge(shards[2], shards[0], shards[1])
	if err != nil {
		t.Fatal(err)
	}
	if m.Totals.Requests != uint64(len(samples)) || strings.Join(m.Run.Shards, " ") != "1/3 2/3 3/3" || m.Run.ShardCount != 0 || m.Run.PlanHash != p.ResolvedHash() {
		t.Errorf("merged: %d requests, run %+v", m.Totals.Requests, m.Run)
	}

	with := func(a *Archive, edit func(r *aggregate.RunMeta)) *Archive {
		c := *a
		s := *a.Summary
		edit(&s.Run)
		c.Summary = &s
		c.Origin = "s3://bucket/run/" + filepath.Base(a.Dir) + "/"
		return &c
	}
	otherPlan := with(shards[1], func(r *aggregate.RunMeta) { r.PlanHash = strings.Repeat("ab", 32) })
	merged := with(shards[1], func(r *aggregate.RunMeta) { r.Shards = []string{"1/3", "2/3", "3/3"} })
	later := with(shards[1], func(r *aggregate.RunMeta) { r.StartAt = reportfixture.Start.Add(time.Minute) })
	ofFour := with(shards[1], func(r *aggregate.RunMeta) { r.Shard, r.ShardIndex, r.ShardCount = "2/4", 2, 4 })
	for _, tc := range []struct {
		name     string
		archives []*Archive
		want     []string
	}{
		{"missing", []*Archive{shards[0], shards[2]}, []string{"shard 2/3 is missing from the run of fixture (found 2 of 3 shards)"}},
		{"two missing", []*Archive{shards[1]}, []string{"shards 1/3, 3/3 are missing"}},
		{"duplicate", []*Archive{shards[0], shards[1], shards[1], shards[2]}, []string{"are the same shard (2/3)", shards[1].Dir}},
		{"other plan", []*Archive{shards[0], otherPlan, shards[2]}, []string{"ran plan abababababab", otherPlan.Origin, shards[0].Dir, "only the shards of one run merge"}},
		{"a merge", []*Archive{shards[0], merged, shards[2]}, []string{merged.Origin, "is already a merge of shards 1/3, 2/3, 3/3"}},
		{"other start", []*Archive{shards[0], later, shards[2]}, []string{"share one --start-at", later.Origin}},
		{"other split", []*Archive{shards[0], ofFour, shards[2]}, []string{"is shard 1/3 but", "is shard 2/4"}},
	} {
		_, err := Merge(tc.archives...)
		for _, w := range tc.want {
			if err == nil || !strings.Contains(err.Error(), w) {
				t.Errorf("%s: %v; want it to say %q", tc.name, err, w)
			}
		}
	}

	// Archives written before summary v1.2 know their shard as text only.
	var old []*Archive
	for _, a := range shards[:2] {
		old = append(old, with(a, func(r *aggregate.RunMeta) { r.ShardIndex, r.ShardCount, r.PlanHash = 0, 0, "" }))
	}
	if _, err := Merge(old...); err == nil || !strings.Contains(err.Error(), "shard 3/3 is missing") {
		t.Errorf("v1.1 shards, one missing: %v", err)
	}
}
