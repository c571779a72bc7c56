package render

import (
	"fmt"
	"strings"

	"github.com/cogload/cogload/aggregate"
	"github.com/cogload/cogload/internal/junit"
	"github.com/cogload/cogload/internal/textfmt"
)

// failure states, right under the title, why a run that did not measure
// its target failed: its thresholds may all have passed on the few
// answers it got, so the reason must come first.
func (d *doc) failure(s *aggregate.Summary) {
	f := runFailure(s)
	if f == "" {
		return
	}
	status := s.Status()
	if d.md {
		d.callout(fmt.Sprintf("Run failed (exit status %d)", status), f)
		return
	}
	d.printf("\nRUN FAILED (exit status %d): %s\n", status, f)
}

// runFailure is why the run did not measure its target, or "" when it
// did (or was interrupted, which is its own status).
func runFailure(s *aggregate.Summary) string { return s.CheckReliability().Failure }

// unsentNote explains the requests the load generator could not send.
func unsentNote(s *aggregate.Summary) string {
	return fmt.Sprintf("%s requests were never sent (outcome generator_limit): they are not errors of the target and no threshold on errors counts them; %s",
		textfmt.Count(s.Totals.Unsent), s.GeneratorAdvice())
}

// skippedCell is a stage's skipped hits, with why when the reason is known.
func skippedCell(st aggregate.StageRun) string {
	var why []string
	if st.SkippedInFlight > 0 {
		why = append(why, textfmt.Count(st.SkippedInFlight)+" at the in-flight cap")
	}
	if st.SkippedLate > 0 {
		why = append(why, textfmt.Count(st.SkippedLate)+" due at the stage's end")
	}
	if len(why) == 0 {
		return textfmt.Count(st.Skipped)
	}
	return textfmt.Count(st.Skipped) + " (" + strings.Join(why, ", ") + ")"
}

// reliabilityCase is the rule every run is held to, as a JUnit testcase
// of the run suite: it measured its target (answers from it, and no
// more than 1% of the requests unanswered or unsent unless a threshold
// judges them). It fails with the reason, so a CI report of a run that
// never reached its target is never green.
func reliabilityCase(s *aggregate.Summary) junit.Case {
	r := s.CheckReliability()
	c := junit.Case{
		Name:      fmt.Sprintf("the run measured its target (at most %s of the requests unanswered or unsent unless a threshold judges them)", textfmt.Pct(aggregate.MaxUnjudgedShare)),
		Classname: "cogload." + s.Run.Scenario + ".run",
		Time:      "0",
		SystemOut: fmt.Sprintf("answered %d, transport failures %d, unsent %d, unjudged %d", r.Answered, r.TransportFailures, r.Unsent, r.Unjudged),
	}
	if r.Failure != "" {
		c.Failure = &junit.Failure{Message: "the run did not measure its target", Type: "reliability", Text: r.Failure}
	}
	return c
}
