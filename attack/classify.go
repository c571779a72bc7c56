// Package attack drives the load: vegeta as a library, one Attacker per
// stage, pacers for constant, ramp and steps stages, a targeter writing
// pre-encoded bodies, and a single consumer that classifies every result
// into an outcome and a verdict and hands it to a Sink.
package attack

import (
	"strings"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/cogload/cogload/cognito"
	"github.com/cogload/cogload/scenarios"
)

// Classify returns the outcome of a result: OutcomeOK for 2xx, the Cognito
// error type of an error answer, OutcomeHTTP for an HTTP error without one,
// or a transport class (timeout, conn_refused, conn_reset, other) when no
// response arrived.
func Classify(res *vegeta.Result) string {
	switch {
	case res.Code >= 200 && res.Code < 300:
		return OutcomeOK
	case res.Code != 0:
		// The header is enough and cheaper than decoding the body.
		if res.Headers != nil {
			if t := cognito.SanitizeErrorType(res.Headers.Get(cognito.HeaderErrorType)); t != "" {
				return t
			}
		}
		if typ, _, ok := cognito.ParseError(res.Headers, res.Body); ok {
			return typ
		}
		return OutcomeHTTP
	}
	return classifyTransport(res.Error)
}

// classifyTransport maps net/http's error text (the Result keeps only the
// string) to a transport outcome.
func classifyTransport(e string) string {
	switch {
	case strings.Contains(e, "Client.Timeout"),
		strings.Contains(e, "deadline exceeded"),
		strings.Contains(e, "i/o timeout"),
		strings.Contains(e, "timeout awaiting"),
		strings.Contains(e, "TLS handshake timeout"):
		return OutcomeTimeout
	case strings.Contains(e, "connection refused"):
		return OutcomeConnRefused
	case strings.Contains(e, "connection reset"),
		strings.Contains(e, "broken pipe"),
		strings.HasSuffix(e, "EOF"),
		strings.Contains(e, ": EOF"),
		strings.Contains(e, "server closed idle connection"),
		strings.Contains(e, "forcibly closed"):
		return OutcomeConnReset
	}
	return OutcomeOther
}

// IsTransport reports whether an outcome is a failure below HTTP (or an
// HTTP error without an error type).
func IsTransport(outcome string) bool {
	switch outcome {
	case OutcomeTimeout, OutcomeConnRefused, OutcomeConnReset, OutcomeOther, OutcomeHTTP:
		return true
	}
	return false
}

// Judge gives an outcome's verdict against a variant's expectation:
// expected outcomes pass; throttling is throttled whatever the set says;
// server, delivery and trigger faults and transport failures are
// operational errors; anything else is a wrong answer (a violation).
func Judge(outcome string, exp scenarios.Expectation) Verdict {
	for _, o := range exp.Outcomes {
		if o == outcome {
			return VerdictPass
		}
	}
	if cognito.IsThrottle(outcome) {
		return VerdictThrottled
	}
	if IsTransport(outcome) {
		return VerdictError
	}
	switch cognito.ClassOf(outcome) {
	case cognito.ClassServer, cognito.ClassDelivery, cognito.ClassTrigger:
		return VerdictError
	}
	return VerdictViolation
}
