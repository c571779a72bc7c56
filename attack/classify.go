// Package attack drives the load: vegeta as a library, one Attacker per
// stage, pacers for constant, ramp and steps stages, a targeter writing
// pre-encoded bodies, and a single consumer that classifies every result
// into an outcome and a verdict and hands it to a Sink.
package attack

import (
	"strings"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/cogload/cogload/cognito"
	"github.com/cogload/cogload/domain"
)

// Classify returns the outcome of a result: domain.OutcomeOK for 2xx, the Cognito
// error type of an error answer, domain.OutcomeHTTP for an HTTP error without one,
// or a transport class (timeout, conn_refused, conn_reset, other) when no
// response arrived.
func Classify(res *vegeta.Result) string {
	switch {
	case res.Code >= 200 && res.Code < 300:
		return domain.OutcomeOK
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
		return domain.OutcomeHTTP
	}
	return classifyTransport(res.Error)
}

// generatorLimits are the errors of the load generator's own machine:
// out of file descriptors (EMFILE, ENFILE), of local ports
// (EADDRNOTAVAIL) or of socket buffers (ENOBUFS). A request failing so
// never left this machine; blaming the target for it would be wrong.
var generatorLimits = []string{
	"too many open files",
	"cannot assign requested address",
	"no buffer space available",
}

// classifyTransport maps net/http's error text (the Result keeps only the
// string) to a transport outcome, or to domain.OutcomeGeneratorLimit.
func classifyTransport(e string) string {
	for _, l := range generatorLimits {
		if strings.Contains(e, l) {
			return domain.OutcomeGeneratorLimit
		}
	}
	switch {
	case strings.Contains(e, "Client.Timeout"),
		strings.Contains(e, "deadline exceeded"),
		strings.Contains(e, "i/o timeout"),
		strings.Contains(e, "timeout awaiting"),
		strings.Contains(e, "TLS handshake timeout"):
		return domain.OutcomeTimeout
	case strings.Contains(e, "connection refused"):
		return domain.OutcomeConnRefused
	case strings.Contains(e, "connection reset"),
		strings.Contains(e, "broken pipe"),
		strings.HasSuffix(e, "EOF"),
		strings.Contains(e, ": EOF"),
		strings.Contains(e, "server closed idle connection"),
		strings.Contains(e, "forcibly closed"):
		return domain.OutcomeConnReset
	}
	return domain.OutcomeOther
}

// Judge gives an outcome's verdict against a variant's expectation: a
// request the generator could not send is unsent (nothing to judge);
// expected outcomes pass; throttling is throttled whatever the set says;
// server, delivery and trigger faults and transport failures are
// operational errors; anything else is a wrong answer (a violation).
func Judge(outcome string, exp domain.Expectation) domain.Verdict {
	if domain.IsGeneratorLimit(outcome) {
		return domain.VerdictUnsent
	}
	if exp.Allows(outcome) {
		return domain.VerdictPass
	}
	if cognito.IsThrottle(outcome) {
		return domain.VerdictThrottled
	}
	if domain.IsTransport(outcome) {
		return domain.VerdictError
	}
	switch cognito.ClassOf(outcome) {
	case cognito.ClassServer, cognito.ClassDelivery, cognito.ClassTrigger:
		return domain.VerdictError
	}
	return domain.VerdictViolation
}
