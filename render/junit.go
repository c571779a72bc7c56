package render

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/cogload/cogload/aggregate"
	"github.com/cogload/cogload/internal/junit"
)

// JUnit writes JUnit XML for CI: two testcases for the run itself (it
// measured its target; it was not interrupted and did not exit non-zero
// for a reason no other case shows), one per threshold (failing when breached or not evaluable) and
// one per expectation group (variant), failing when it got violations. A
// run whose exit status is not 0 never yields a report without failures.
func JUnit(w io.Writer, s *aggregate.Summary) error {
	dur := fmt.Sprintf("%.3f", s.Run.DurationS)
	ts := ""
	if !s.Run.Start.IsZero() {
		ts = s.Run.Start.UTC().Format("2006-01-02T15:04:05")
	}
	th := junit.Suite{Name: "thresholds", Time: dur, Timestamp: ts}
	for _, t := range s.Thresholds {
		c := junit.Case{Name: t.Expr, Classname: "cogload." + s.Run.Scenario + ".thresholds", Time: "0"}
		if !t.Pass {
			msg := "observed " + t.ObservedText
			if t.Note != "" {
				msg = t.Note
			}
			text := fmt.Sprintf("%s: observed %s", t.Expr, t.ObservedText)
			if t.Pos != "" {
				text += " (" + t.Pos + ")"
			}
			c.Failure = &junit.Failure{Message: msg, Type: "threshold", Text: text}
		}
		th.Cases = append(th.Cases, c)
	}

	ex := junit.Suite{Name: "expectations", Time: dur, Timestamp: ts}
	examples := map[int][]aggregate.ViolationExample{}
	for _, e := range s.Violations.Examples {
		examples[e.Variant] = append(examples[e.Variant], e)
	}
	for _, v := range s.Variants {
		c := junit.Case{
			Name:      fmt.Sprintf("token_pool=%s attribute=%s metadata=%s expects %s", v.TokenPool, v.Attribute, v.Metadata, strings.Join(v.Expected, "|")),
			Classname: "cogload." + s.Run.Scenario + ".expectations",
			Time:      "0",
			SystemOut: fmt.Sprintf("requests %d, ok %d, throttled %d, errors %d, violations %d", v.Requests, v.OK, v.Throttled, v.Errors, v.Violations),
		}
		switch {
		case v.Violations > 0:
			got := violatingOutcomes(s, v.Index)
			var b strings.Builder
			fmt.Fprintf(&b, "%d of %d requests got an unexpected outcome: %s; expected %s",
				v.Violations, v.Requests, strings.Join(got, ", "), strings.Join(v.Expected, " or "))
			for _, e := range examples[v.Index] {
				fmt.Fprintf(&b, "\nseq %d at %.3fs (%s): got %s (HTTP %d)", e.Seq, e.OffsetS, e.Stage, e.Outcome, e.Code)
			}
			c.Failure = &junit.Failure{Message: fmt.Sprintf("%d violations", v.Violations), Type: "violation", Text: b.String()}
		case v.Requests == 0:
			c.Skipped = &junit.Skipped{Message: "no requests were sent for this variant"}
		}
		ex.Cases = append(ex.Cases, c)
	}

	// The run suite holds the rules every run is held to: it measured its
	// target, and it completed as planned.
	run := junit.Suite{Name: "run", Time: dur, Timestamp: ts}
	measured := reliabilityCase(s)
	run.Cases = []junit.Case{measured, runCase(s, measured.Failure != nil || th.Failed() || ex.Failed())}

	out := junit.Suites{
		Name:   "cogload " + s.Run.Scenario,
		Time:   dur,
		Suites: []junit.Suite{run, th, ex},
	}
	return junit.Write(w, out)
}

// runCase is the run as a testcase. It fails when the run was interrupted
// (its thresholds and expectations judged only what was sent, so they may
// all pass) and when the run's exit status is not 0 while no threshold or
// expectation case failed (explained is false).
func runCase(s *aggregate.Summary, explained bool) junit.Case {
	c := junit.Case{Name: "run completed as planned", Classname: "cogload." + s.Run.Scenario + ".run", Time: fmt.Sprintf("%.3f", s.Run.DurationS)}
	// The plan's length, not its request count: an interrupted run's
	// schedule counts only what was due before the interrupt.
	var planS float64
	for _, st := range s.Plan.Stages {
		planS += st.DurationS
	}
	sent := fmt.Sprintf("%d requests sent in %.1fs", s.Totals.Requests, s.Run.DurationS)
	if planS > 0 {
		sent += fmt.Sprintf(" of a %.1fs plan", planS)
	}
	status := s.Status()
	if status == 0 {
		status = s.Run.ExitStatus // as recorded, should the rules have moved since
	}
	c.SystemOut = fmt.Sprintf("%s; exit status %d", sent, status)
	if s.Totals.BehindSchedule {
		c.SystemOut += "; behind schedule: " + s.Totals.BehindNote
	}
	switch {
	case s.Run.Interrupted:
		c.Failure = &junit.Failure{Message: "the run was interrupted: partial results", Type: "interrupted",
			Text: fmt.Sprintf("interrupted: %s; the thresholds and expectations judge only the requests sent (exit status %d)", sent, status)}
	case status != 0 && !explained:
		text := fmt.Sprintf("exit status %d: %s", status, sent)
		if s.Totals.BehindSchedule {
			text += "; behind schedule: " + s.Totals.BehindNote
		}
		c.Failure = &junit.Failure{Message: fmt.Sprintf("the run exited %d", status), Type: "run", Text: text}
	}
	return c
}

// violatingOutcomes lists the outcomes judged violations for a variant,
// most frequent first, as "outcome×count".
func violatingOutcomes(s *aggregate.Summary, variant int) []string {
	counts := map[string]uint64{}
	for _, c := range s.Counts {
		if c.Variant == variant && c.Verdict == "violation" {
			counts[c.Outcome] += c.Count
		}
	}
	names := make([]string, 0, len(counts))
	for o := range counts {
		names = append(names, o)
	}
	sort.Slice(names, func(i, j int) bool {
		if counts[names[i]] != counts[names[j]] {
			return counts[names[i]] > counts[names[j]]
		}
		return names[i] < names[j]
	})
	out := make([]string, len(names))
	for i, o := range names {
		out[i] = fmt.Sprintf("%s×%d", o, counts[o])
	}
	return out
}
