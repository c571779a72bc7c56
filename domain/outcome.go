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
	// OutcomeGeneratorLimit is a request the load generator could not send
	// because it ran into a limit of its own machine (file descriptors,
	// local ports, socket buffers): the target never saw it, so it is
	// neither an answer nor a failure of the target.
	OutcomeGeneratorLimit = "generator_limit"
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

// IsGeneratorLimit reports whether an outcome is the load generator's own
// failure to send (OutcomeGeneratorLimit).
func IsGeneratorLimit(outcome string) bool { return outcome == OutcomeGeneratorLimit }

// IsAnswer reports whether an outcome is an answer of the target: ok or a
// Cognito error type, not a transport failure or a request the generator
// could not send.
func IsAnswer(outcome string) bool { return !IsTransport(outcome) && !IsGeneratorLimit(outcome) }
