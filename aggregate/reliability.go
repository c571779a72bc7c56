package aggregate

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/cogload/cogload/domain"
	"github.com/cogload/cogload/internal/textfmt"
	"github.com/cogload/cogload/scenarios"
)

// MaxUnjudgedShare is the share of a run's requests that may go without
// an answer from the target — transport failures and requests the load
// generator could not send — when no threshold judges them. Past it the
// run does not stand for the target, and it fails (exit 1) rather than
// pass on the few answers it got. A threshold on errors, error_rate or
// outcome_rate{code=...} naming them takes over from this default.
const MaxUnjudgedShare = 0.01

// Reliability says whether a run measured its target: how many requests
// the target answered, how many got no answer, how many the load
// generator could not send, and, when the run cannot stand for the target,
// why (since v1.3).
type Reliability struct {
	// Answered counts requests the target answered: ok or a Cognito error
	// type.
	Answered uint64 `json:"answered"`
	// TransportFailures counts requests that got no Cognito answer
	// (timeout, conn_refused, conn_reset, http_error, other); Unsent those
	// the load generator could not send (generator_limit).
	TransportFailures uint64 `json:"transport_failures"`
	Unsent            uint64 `json:"unsent"`
	// Unjudged counts the transport failures and unsent requests that no
	// threshold judges; past MaxUnjudgedShare of the requests the run fails.
	Unjudged         uint64  `json:"unjudged"`
	MaxUnjudgedShare float64 `json:"max_unjudged_share"`
	// Failure says why the run did not measure its target: nothing was
	// sent, the target never answered, or too many requests went
	// unanswered or unsent with no threshold about them. Such a run exits
	// 1 (runtime error), whatever its thresholds say. Empty for a run that
	// measured its target.
	Failure string `json:"failure,omitempty"`
}

// CheckReliability judges from the exact counts and the thresholds
// whether the run measured its target. It is cogload's one rule for a
// run that must not pass because it never really ran; Status applies it.
func (s *Summary) CheckReliability() Reliability {
	r := Reliability{MaxUnjudgedShare: MaxUnjudgedShare}
	var requests uint64
	lost := map[string]uint64{} // unanswered and unsent, by outcome
	for _, c := range s.Counts {
		requests += c.Count
		switch {
		case domain.IsAnswer(c.Outcome):
			r.Answered += c.Count
			continue
		case domain.IsGeneratorLimit(c.Outcome):
			r.Unsent += c.Count
		default:
			r.TransportFailures += c.Count
		}
		lost[c.Outcome] += c.Count
	}
	unjudged := map[string]uint64{}
	for o, n := range lost {
		if !slices.ContainsFunc(s.Thresholds, func(t ThresholdResult) bool { return judges(t, o) }) {
			unjudged[o] = n
			r.Unjudged += n
		}
	}
	switch {
	case s.Run.Interrupted:
		// An interrupt is its own status; what was sent is kept as it is.
	case requests == 0:
		r.Failure = "no request was sent, so the target was not measured" + s.skippedNote()
	case r.Answered == 0:
		r.Failure = fmt.Sprintf("the target never answered: all %s requests failed (%s)", textfmt.Count(requests), outcomeList(lost))
		if r.Unsent < requests {
			r.Failure += "; check the endpoint (url or region) and that it is up"
		}
		if r.Unsent > 0 {
			r.Failure += "; " + s.GeneratorAdvice()
		}
	case float64(r.Unjudged) > MaxUnjudgedShare*float64(requests):
		r.Failure = fmt.Sprintf("%s of %s requests (%s) got no answer from the target (%s), more than the %s a run may lose with no threshold about them",
			textfmt.Count(r.Unjudged), textfmt.Count(requests), textfmt.Pct(float64(r.Unjudged)/float64(requests)),
			outcomeList(unjudged), textfmt.Pct(MaxUnjudgedShare))
		if unjudged[domain.OutcomeGeneratorLimit] > 0 {
			r.Failure += "; generator_limit requests never left this machine: " + s.GeneratorAdvice()
		}
		if len(unjudged) > 1 || unjudged[domain.OutcomeGeneratorLimit] == 0 {
			r.Failure += "; fix the cause, or judge them with a threshold such as " + thresholdFor(unjudged)
		}
	}
	return r
}

// judge evaluates the thresholds and then the run's reliability, which
// depends on them.
func (s *Summary) judge(th []scenarios.Threshold) {
	s.Thresholds = EvaluateThresholds(s, th)
	s.Reliability = s.CheckReliability()
}

// judges reports whether threshold t judges requests with outcome o (a
// transport failure or generator_limit): errors and error_rate count
// transport failures (with {code=o}, that outcome alone), outcome_rate
// names one outcome.
func judges(t ThresholdResult, o string) bool {
	m, ok := scenarios.LookupMetric(t.Metric)
	if !ok {
		return false
	}
	code, hasCode := t.Filter[FilterCode]
	switch m.Name {
	case "errors", "error_rate":
		if hasCode {
			return code == o
		}
		return domain.IsTransport(o)
	case "outcome_rate":
		return code == o
	}
	return false
}

// outcomeList writes counts by outcome, most frequent first: "timeout 12,
// conn_reset 3".
func outcomeList(counts map[string]uint64) string {
	names := slices.SortedFunc(maps.Keys(counts), func(a, b string) int {
		return cmp.Or(cmp.Compare(counts[b], counts[a]), cmp.Compare(a, b))
	})
	parts := make([]string, len(names))
	for i, o := range names {
		parts[i] = o + " " + textfmt.Count(counts[o])
	}
	return strings.Join(parts, ", ")
}

// thresholdFor suggests a threshold judging the outcomes.
func thresholdFor(outcomes map[string]uint64) string {
	if len(outcomes) == 1 {
		for o := range outcomes {
			return fmt.Sprintf("outcome_rate{code=%s} < 5%%", o)
		}
	}
	return "error_rate < 5%"
}

func (s *Summary) skippedNote() string {
	var skipped uint64
	for _, st := range s.Schedule {
		skipped += st.Skipped
	}
	if skipped == 0 {
		return ""
	}
	return fmt.Sprintf(" (%s hits were skipped: %s)", textfmt.Count(skipped), s.Totals.BehindNote)
}
