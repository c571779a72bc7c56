package aggregate_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/cogload/cogload/aggregate"
	"github.com/cogload/cogload/domain"
	"github.com/cogload/cogload/internal/reportfixture"
)

func TestBehind(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		planned       float64
		sent, skipped uint64
		want          bool
	}{
		{100, 100, 0, false},
		{100.4, 100, 0, false},  // one hit of slack
		{100, 98, 0, false},     // 2 short: within slack
		{100, 97, 0, true},      // 3 short and 3%
		{10000, 9950, 0, false}, // 0.5%
		{10000, 9800, 0, true},
		{100, 100, 1, true}, // the pacer gave a hit up
	} {
		if got := aggregate.Behind(tc.planned, tc.sent, tc.skipped); got != tc.want {
			t.Errorf("Behind(%v, %d, %d) = %v, want %v", tc.planned, tc.sent, tc.skipped, got, tc.want)
		}
	}
}

// TestScheduleJudgesBehind: the summary judges each stage by the
// attack's counts, and an exhausted stage (tokens ran out by design) is
// not behind.
func TestScheduleJudgesBehind(t *testing.T) {
	t.Parallel()
	p := reportfixture.Plan()
	samples := reportfixture.Samples(p)
	sched := reportfixture.Schedule(p, samples)
	sched[1].Skipped = 40
	a := aggregate.NewAggregator(p, reportfixture.Start)
	for _, s := range samples {
		a.Add(s)
	}
	a.SetSchedule(sched)
	s, err := a.Summary(aggregate.RunMeta{})
	if err != nil {
		t.Fatal(err)
	}
	if s.Schedule[0].Behind || !s.Schedule[1].Behind || !s.Totals.BehindSchedule ||
		!strings.Contains(s.Totals.BehindNote, "stage ramp sent 200 of 200 planned requests") || !strings.Contains(s.Totals.BehindNote, "40 skipped") {
		t.Errorf("schedule %+v\ntotals behind %v: %s", s.Schedule, s.Totals.BehindSchedule, s.Totals.BehindNote)
	}

	sched[1].Skipped, sched[1].Sent, sched[1].Exhausted = 0, 20, true
	a.SetSchedule(sched)
	if s, err = a.Summary(aggregate.RunMeta{}); err != nil {
		t.Fatal(err)
	}
	if s.Schedule[1].Behind || s.Totals.BehindSchedule {
		t.Errorf("an exhausted stage was judged behind: %+v", s.Schedule[1])
	}
}

// TestScheduleMergesAndOldSummariesRead: shards' schedules add up, and a
// v1 summary (no schedule) still reads.
func TestScheduleMergesAndOldSummariesRead(t *testing.T) {
	t.Parallel()
	a, b := reportfixture.Summary(t), reportfixture.Summary(t)
	a.Run.Shard, b.Run.Shard = "1/2", "2/2"
	b.Schedule[0].Skipped = 5
	m, err := aggregate.MergeSummaries(a, b)
	if err != nil {
		t.Fatal(err)
	}
	if got := m.Schedule[0]; got.Planned != 200 || got.Sent != 200 || got.Skipped != 5 || !got.Behind || got.TargetRate != 20 {
		t.Errorf("merged stage = %+v", got)
	}

	old := reportfixture.Summary(t)
	old.Schema, old.Schedule = "cogload.summary/v1", nil
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(old); err != nil {
		t.Fatal(err)
	}
	back, err := aggregate.ReadSummary(&buf)
	if err != nil {
		t.Fatalf("a v1 summary no longer reads: %v", err)
	}
	if back.Schedule != nil || back.Totals.Requests != old.Totals.Requests {
		t.Errorf("v1 summary read back as %+v", back.Totals)
	}
}

// TestBehindAdviceFitsTheCause: the advice of a run behind schedule names
// what held it back — the in-flight cap (and the file-descriptor limit
// that set it), the generator's own limits, or else its CPUs — and never
// the generic "raise connections or workers".
func TestBehindAdviceFitsTheCause(t *testing.T) {
	t.Parallel()
	gen := &aggregate.Generator{CPUs: 2, FDSoft: 4096, FDHard: 8192, MaxInFlight: 3840, MaxInFlightFrom: domain.CapFromFDs, PeakInFlight: 3840}
	for _, tc := range []struct {
		name     string
		lost     string // every 20th request lost to it
		skip     func(*aggregate.StageRun)
		gen      *aggregate.Generator
		want     []string
		dontWant []string
	}{
		{"at the cap set by descriptors", "", func(st *aggregate.StageRun) { st.Skipped, st.SkippedInFlight = 50, 50 }, gen,
			[]string{"50 skipped (50 at the in-flight cap)", "the cap of 3,840 requests in flight (set by the file-descriptor limit, soft 4,096: raise it with ulimit -n)", "p50 "},
			[]string{"CPUs", "connections or workers"}},
		{"at the default cap", "", func(st *aggregate.StageRun) { st.Skipped, st.SkippedInFlight = 50, 50 },
			&aggregate.Generator{CPUs: 2, MaxInFlight: 4096, MaxInFlightFrom: domain.CapFromDefault},
			[]string{"cap of 4,096 requests in flight (cogload's default)", "raise load.maxInFlight"}, []string{"ulimit"}},
		{"out of descriptors", domain.OutcomeGeneratorLimit, func(st *aggregate.StageRun) { st.Skipped = 5 }, gen,
			[]string{"ran out of file descriptors or local ports (file-descriptor limit: soft 4,096, hard 8,192)", "ulimit -n"}, []string{"CPUs"}},
		{"short of CPU", "", func(st *aggregate.StageRun) { st.Skipped, st.SkippedLate = 30, 10 }, gen,
			[]string{"30 skipped (10 still due at the stage's end, 20 too far behind schedule)", "could not keep up on its 2 CPUs", "add shards"},
			[]string{"in-flight cap", "file descriptors"}},
		{"no generator recorded", "", func(st *aggregate.StageRun) { st.Skipped = 30 }, nil,
			[]string{"could not keep up on its CPUs"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := reportfixture.Plan()
			samples := reportfixture.Samples(p)
			sched := reportfixture.Schedule(p, samples)
			tc.skip(&sched[1])
			a := aggregate.NewAggregator(p, reportfixture.Start)
			for i, s := range samples {
				if tc.lost != "" && i%20 == 0 {
					s.Code, s.Outcome, s.Verdict = 0, tc.lost, domain.VerdictUnsent
				}
				a.Add(s)
			}
			a.SetSchedule(sched)
			if tc.gen != nil {
				a.SetGenerator(*tc.gen)
			}
			s, err := a.Summary(aggregate.RunMeta{})
			if err != nil {
				t.Fatal(err)
			}
			if !s.Totals.BehindSchedule {
				t.Fatalf("not behind: %+v", s.Schedule)
			}
			for _, w := range tc.want {
				if !strings.Contains(s.Totals.BehindNote, w) {
					t.Errorf("note lacks %q:\n%s", w, s.Totals.BehindNote)
				}
			}
			for _, w := range tc.dontWant {
				if strings.Contains(s.Totals.BehindNote, w) {
					t.Errorf("note has %q:\n%s", w, s.Totals.BehindNote)
				}
			}
		})
	}
}
