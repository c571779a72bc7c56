package domain

// Verdict judges an outcome against its variant's expectation.
type Verdict uint8

// Verdicts. The first four judge an answer (or a transport failure), from
// best to worst; VerdictUnsent says there was nothing to judge.
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
	// VerdictUnsent: the load generator could not send the request
	// (OutcomeGeneratorLimit). It judges neither the target nor the
	// variant's expectation.
	VerdictUnsent
)

// Verdicts is the number of verdicts: they are 0 .. Verdicts-1.
const Verdicts = int(VerdictUnsent) + 1

var verdictNames = [...]string{"pass", "throttled", "error", "violation", "unsent"}

// String returns the verdict as reports and summaries name it.
func (v Verdict) String() string {
	if int(v) < len(verdictNames) {
		return verdictNames[v]
	}
	return "violation"
}
