package aggregate

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// StageRun is how one stage went against its schedule, as the attack saw
// it: what the schedule held, what was sent and what the pacer gave up.
type StageRun struct {
	Name string `json:"name"`
	// Planned is the number of requests the stage's schedule held for the
	// time it ran (up to the interruption of an interrupted stage).
	Planned float64 `json:"planned"`
	Sent    uint64  `json:"sent"`
	// Skipped counts the hits the schedule held that were not sent: given
	// up after falling more than the pacer's backlog behind schedule
	// (rather than sent in a burst), due while MaxInFlight requests were
	// in flight, or still due when the stage ended.
	Skipped uint64 `json:"skipped"`
	// SkippedInFlight and SkippedLate are the part of Skipped due while
	// the in-flight cap was reached, and the part still due at the stage's
	// end: no request is sent after its stage ends (since v1.3).
	SkippedInFlight uint64    `json:"skipped_in_flight,omitempty"`
	SkippedLate     uint64    `json:"skipped_late,omitempty"`
	TargetRate      float64   `json:"target_rate"`
	AchievedRate    float64   `json:"achieved_rate"`
	Start           time.Time `json:"start"`
	End             time.Time `json:"end"`
	Interrupted     bool      `json:"interrupted,omitempty"`
	// Exhausted: exclusive token pools ran out during the stage, so it
	// ended early by design; it is not behind.
	Exhausted bool `json:"exhausted,omitempty"`
	// Behind is Behind(Planned, Sent, Skipped), unless exhausted.
	Behind bool `json:"behind"`
}

// Behind is cogload's one definition of falling behind schedule: the
// pacer gave hits up, or fewer requests went out than the schedule held,
// by more than 1% and more than 2 requests (one hit of slack: a schedule
// of T hits sends ceil(T)).
func Behind(planned float64, sent, skipped uint64) bool {
	short := planned - float64(sent)
	return skipped > 0 || (short > 2 && short > 0.01*planned)
}

// SetSchedule records how each stage went against its schedule; the next
// Summary carries it and judges BehindSchedule by it.
func (a *Aggregator) SetSchedule(stages []StageRun) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.schedule = slices.Clone(stages)
}

// judgeSchedule sets each stage's Behind and the totals' BehindSchedule and
// note, with advice that fits the cause (behindAdvice). Without a schedule
// (a summary built from samples alone) the sending window stands in for
// it.
func judgeSchedule(s *Summary) {
	t := &s.Totals
	t.BehindSchedule, t.BehindNote = false, ""
	if len(s.Schedule) == 0 {
		if t.Requests > 0 && Behind(t.PlannedRequests, t.Requests, 0) {
			t.BehindSchedule = true
			t.BehindNote = fmt.Sprintf("the attacker fell behind schedule: sent %d of %.0f planned requests (%.1f%%), %.1f/s against a target of %.1f/s; %s",
				t.Requests, t.PlannedRequests, 100*float64(t.Requests)/t.PlannedRequests, t.AchievedRate, t.TargetRate, s.behindAdvice())
		}
		return
	}
	var notes []string
	for i := range s.Schedule {
		st := &s.Schedule[i]
		st.Behind = !st.Exhausted && Behind(st.Planned, st.Sent, st.Skipped)
		if !st.Behind {
			continue
		}
		t.BehindSchedule = true
		note := fmt.Sprintf("stage %s sent %d of %.0f planned requests (%.1f/s against %.1f/s)", st.Name, st.Sent, st.Planned, st.AchievedRate, st.TargetRate)
		if st.Skipped > 0 {
			note += fmt.Sprintf(", %d skipped (%s)", st.Skipped, skipReasons(st))
		}
		notes = append(notes, note)
	}
	if t.BehindSchedule {
		t.BehindNote = "the attacker fell behind schedule: " + strings.Join(notes, "; ") + "; " + s.behindAdvice()
	}
}

// skipReasons says why a stage's hits were skipped.
func skipReasons(st *StageRun) string {
	var parts []string
	if st.SkippedInFlight > 0 {
		parts = append(parts, fmt.Sprintf("%d at the in-flight cap", st.SkippedInFlight))
	}
	if st.SkippedLate > 0 {
		parts = append(parts, fmt.Sprintf("%d still due at the stage's end", st.SkippedLate))
	}
	if rest := st.Skipped - min(st.Skipped, st.SkippedInFlight+st.SkippedLate); rest > 0 || len(parts) == 0 {
		parts = append(parts, fmt.Sprintf("%d too far behind schedule", rest))
	}
	return strings.Join(parts, ", ")
}

// mergeSchedules adds up the shards' stages: planned, sent and skipped
// requests and rates sum; the stage spans every shard's.
func mergeSchedules(sums []*Summary) []StageRun {
	var out []StageRun
	for _, s := range sums {
		if len(s.Schedule) == 0 {
			return nil // a shard without one: judge by the window instead
		}
		if out == nil {
			out = make([]StageRun, len(s.Schedule))
			for i, st := range s.Schedule {
				out[i] = StageRun{Name: st.Name, Start: st.Start, End: st.End}
			}
		}
		for i, st := range s.Schedule {
			if i >= len(out) {
				break
			}
			m := &out[i]
			m.Planned = round2(m.Planned + st.Planned)
			m.Sent += st.Sent
			m.Skipped += st.Skipped
			m.SkippedInFlight += st.SkippedInFlight
			m.SkippedLate += st.SkippedLate
			m.TargetRate = round2(m.TargetRate + st.TargetRate)
			m.AchievedRate = round2(m.AchievedRate + st.AchievedRate)
			if st.Start.Before(m.Start) {
				m.Start = st.Start
			}
			m.End = maxTime(m.End, st.End)
			m.Interrupted = m.Interrupted || st.Interrupted
			m.Exhausted = m.Exhausted || st.Exhausted
		}
	}
	return out
}
