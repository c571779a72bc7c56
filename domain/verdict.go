package domain

// Verdict judges an outcome against its variant's expectation.
type Verdict uint8

// Verdicts, from best to worst.
const (
	// VerdictPass: the outcome is in the expected set.
	VerdictPass Verdict = iota
	// VerdictThrottled: TooManyRequestsException or LimitExceededException;
	// counted, never a violation.
	VerdictThrottled
	// VerdictError: an operational failure not in the expected set (server,
	// delivery or trigger errors, transport failures); judged by thresholds.
	VerdictError
	// VerdictViolation: a wrong answer for the input (a tampered token
	// accepted, or an unexpected error type).
	VerdictViolation
)

var verdictNames = [...]string{"pass", "throttled", "error", "violation"}

// String returns the verdict as reports and summaries name it.
func (v Verdict) String() string {
	if int(v) < len(verdictNames) {
		return verdictNames[v]
	}
	return "violation"
}
