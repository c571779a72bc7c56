package attack

import "time"

// Outcomes besides Cognito error types (which are used verbatim, e.g.
// "NotAuthorizedException").
const (
	OutcomeOK          = "ok"
	OutcomeTimeout     = "timeout"
	OutcomeConnRefused = "conn_refused"
	OutcomeConnReset   = "conn_reset"
	// OutcomeHTTP is an HTTP error without a Cognito error type (e.g. a
	// proxy's 502); OutcomeOther any other transport failure.
	OutcomeHTTP  = "http_error"
	OutcomeOther = "other"
)

// Verdict judges an outcome against its variant's expectation.
type Verdict uint8

// Verdicts.
const (
	// VerdictPass: the outcome is in the expected set.
	VerdictPass Verdict = iota
	// VerdictThrottled: TooManyRequestsException or LimitExceededException;
	// counted, never a violation.
	VerdictThrottled
	// VerdictError: an operational failure not in the expected set (server,
	// delivery or trigger errors, transport failures); judged by thresholds.
	VerdictError
	// VerdictViolation: a wrong answer for the input (e.g. a tampered token
	// accepted, or an unexpected error type).
	VerdictViolation
)

// String returns the verdict as reports and summaries name it.
func (v Verdict) String() string {
	switch v {
	case VerdictPass:
		return "pass"
	case VerdictThrottled:
		return "throttled"
	case VerdictError:
		return "error"
	default:
		return "violation"
	}
}

// Sample is one classified request, the unit the reporter aggregates.
// It never carries a request or response body.
type Sample struct {
	Seq       uint64
	Timestamp time.Time // when the request started
	Latency   time.Duration
	Stage     int // index into Plan.Stages
	Variant   int // index into Plan.Variants
	Code      uint16
	Outcome   string
	Verdict   Verdict
	BytesIn   uint64
	BytesOut  uint64
}
