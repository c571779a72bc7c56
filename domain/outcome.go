package domain

// Outcomes that are not Cognito error types. A Cognito error answer's
// outcome is the error type itself (for example "NotAuthorizedException").
const (
	OutcomeOK          = "ok"
	OutcomeTimeout     = "timeout"
	OutcomeConnRefused = "conn_refused"
	OutcomeConnReset   = "conn_reset"
	// OutcomeHTTP is an HTTP error answer without a Cognito error type
	// (a proxy's 502, say).
	OutcomeHTTP = "http_error"
	// OutcomeOther is any other failure below HTTP.
	OutcomeOther = "other"
)

// TransportOutcomes lists the outcomes of requests that got no Cognito
// answer, in the order reports show them.
func TransportOutcomes() []string {
	return []string{OutcomeTimeout, OutcomeConnRefused, OutcomeConnReset, OutcomeHTTP, OutcomeOther}
}

// IsTransport reports whether an outcome is a failure below HTTP, or an
// HTTP error without a Cognito error type.
func IsTransport(outcome string) bool {
	switch outcome {
	case OutcomeTimeout, OutcomeConnRefused, OutcomeConnReset, OutcomeOther, OutcomeHTTP:
		return true
	}
	return false
}
