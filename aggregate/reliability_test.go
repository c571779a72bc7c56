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

// TestReliabilityDecidesStatus: a run that got no answer from its target,
// or lost more than 1% of its requests with no threshold about them, is a
// runtime failure (exit 1) with the reason, whatever its thresholds say;
// a threshold naming the lost requests takes over.
func TestReliabilityDecidesStatus(t *testing.T) {
	t.Parallel()
	const fixtureStatus = domain.ExitViolations // the fixture has wrong answers
	for _, tc := range []struct {
		name       string
		lost       string
		every      int // every k-th request lost; 1: all of them
		thresholds []string
		want       domain.ExitCode
		failure    string
	}{
		{"nothing lost", "", 0, nil, fixtureStatus, ""},
		{"all refused", domain.OutcomeConnRefused, 1, nil, domain.ExitRuntime, "the target never answered: all 300 requests failed (conn_refused 300); check the endpoint"},
		{"all timed out, latency threshold", domain.OutcomeTimeout, 1, []string{"latency.p99 < 10s"}, domain.ExitRuntime, "never answered"},
		{"all refused, error threshold holds", domain.OutcomeConnRefused, 1, []string{"error_rate <= 100%"}, domain.ExitRuntime, "never answered"},
		{"all http errors", domain.OutcomeHTTP, 1, nil, domain.ExitRuntime, "http_error 300"},
		{"generator never sent", domain.OutcomeGeneratorLimit, 1, nil, domain.ExitRuntime, "load generator ran out of file descriptors"},
		{"5% timeouts unjudged", domain.OutcomeTimeout, 20, nil, domain.ExitRuntime, "15 of 300 requests (5.00%) got no answer from the target (timeout 15), more than the 1.00%"},
		{"5% resets, latency threshold only", domain.OutcomeConnReset, 20, []string{"latency.p99 < 10s"}, domain.ExitRuntime, "outcome_rate{code=conn_reset} < 5%"},
		{"5% timeouts judged by error_rate", domain.OutcomeTimeout, 20, []string{"error_rate < 10%"}, fixtureStatus, ""},
		{"5% timeouts judged by errors", domain.OutcomeTimeout, 20, []string{"errors < 100"}, fixtureStatus, ""},
		{"5% timeouts judged by their outcome_rate", domain.OutcomeTimeout, 20, []string{"outcome_rate{code=timeout} < 10%"}, fixtureStatus, ""},
		{"5% timeouts, threshold on another outcome", domain.OutcomeTimeout, 20, []string{"outcome_rate{code=conn_reset} < 1%"}, domain.ExitRuntime, "timeout 15"},
		{"5% timeouts breach their threshold", domain.OutcomeTimeout, 20, []string{"outcome_rate{code=timeout} < 1%"}, fixtureStatus, ""},
		{"under 1% unjudged", domain.OutcomeConnReset, 150, nil, fixtureStatus, ""},
		{"5% unsent, error_rate does not judge them", domain.OutcomeGeneratorLimit, 20, []string{"error_rate < 10%"}, domain.ExitRuntime, "generator_limit requests never left this machine"},
		{"5% unsent judged by their outcome_rate", domain.OutcomeGeneratorLimit, 20, []string{"outcome_rate{code=generator_limit} < 10%"}, fixtureStatus, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := reportfixture.Lossy(t, tc.lost, tc.every, tc.thresholds...)
			if got := s.Status(); got != tc.want {
				t.Errorf("status %v, want %v (reliability %+v)", got, tc.want, s.Reliability)
			}
			if f := s.Reliability.Failure; (tc.failure == "") != (f == "") || !strings.Contains(f, tc.failure) {
				t.Errorf("failure %q, want it to contain %q", f, tc.failure)
			}
			if s.Reliability != s.CheckReliability() {
				t.Errorf("stored %+v, rule says %+v", s.Reliability, s.CheckReliability())
			}
			r := s.Reliability
			if r.Answered+r.TransportFailures+r.Unsent != s.Totals.Requests {
				t.Errorf("answered %d + transport %d + unsent %d != %d requests", r.Answered, r.TransportFailures, r.Unsent, s.Totals.Requests)
			}
		})
	}
}

// TestUnsentAreNotTargetErrors: requests the generator could not send are
// counted apart, never as errors of the target or in error_rate.
func TestUnsentAreNotTargetErrors(t *testing.T) {
	t.Parallel()
	base := reportfixture.Lossy(t, "", 0)
	s := reportfixture.Lossy(t, domain.OutcomeGeneratorLimit, 20, "error_rate < 100%")
	if s.Totals.Unsent != 15 || s.Totals.UnsentRate != 0.05 || s.Reliability.Unsent != 15 {
		t.Errorf("unsent %d (%v), reliability %+v; want 15 (5%%)", s.Totals.Unsent, s.Totals.UnsentRate, s.Reliability)
	}
	if s.Totals.Errors > base.Totals.Errors {
		t.Errorf("errors %d > %d without unsent requests: unsent counted as the target's errors", s.Totals.Errors, base.Totals.Errors)
	}
	for _, o := range s.Outcomes {
		if o.Outcome == domain.OutcomeGeneratorLimit && o.Class != "generator" {
			t.Errorf("generator_limit has class %q", o.Class)
		}
	}
	for _, c := range s.Counts {
		if c.Outcome == domain.OutcomeGeneratorLimit && c.Verdict != "unsent" {
			t.Errorf("cell %+v: want verdict unsent", c)
		}
	}
}

// TestReliabilityOfEmptyInterruptedAndMergedRuns: nothing sent fails; an
// interrupt keeps its own status; a merge is judged on the whole run; a
// summary written before v1.3 is judged when read.
func TestReliabilityOfEmptyInterruptedAndMergedRuns(t *testing.T) {
	t.Parallel()
	a := aggregate.NewAggregator(reportfixture.Plan(), reportfixture.Start)
	empty, err := a.Summary(aggregate.RunMeta{})
	if err != nil {
		t.Fatal(err)
	}
	if empty.Status() != domain.ExitRuntime || !strings.Contains(empty.Reliability.Failure, "no request was sent") {
		t.Errorf("an empty run: status %v, %q", empty.Status(), empty.Reliability.Failure)
	}

	refused := reportfixture.Lossy(t, domain.OutcomeConnRefused, 1)
	refused.Run.Interrupted = true
	if refused.Status() != domain.ExitInterrupted || refused.CheckReliability().Failure != "" {
		t.Errorf("interrupted: status %v, failure %q", refused.Status(), refused.CheckReliability().Failure)
	}

	refused.Run.Interrupted, refused.Run.Shard = false, "1/2"
	answered := reportfixture.Lossy(t, "", 0)
	answered.Run.Shard = "2/2"
	m, err := aggregate.MergeSummaries(answered, refused)
	if err != nil {
		t.Fatal(err)
	}
	if m.Status() != domain.ExitRuntime || m.Run.ExitStatus != domain.ExitRuntime || !strings.Contains(m.Reliability.Failure, "300 of 600 requests") {
		t.Errorf("merge of an answered and a refused shard: status %v, %q", m.Status(), m.Reliability.Failure)
	}

	old := reportfixture.Lossy(t, domain.OutcomeTimeout, 1)
	old.Schema, old.Reliability = "cogload.summary/v1.2", aggregate.Reliability{}
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(old); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), `"reliability"`) {
		t.Error("an empty reliability is written")
	}
	back, err := aggregate.ReadSummary(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if back.Reliability.Failure == "" || back.Status() != domain.ExitRuntime {
		t.Errorf("a v1.2 summary of a run that never reached its target reads as %+v, status %v", back.Reliability, back.Status())
	}
}
