package idpclient

import (
	"errors"
	"fmt"
	"io"

	"github.com/aws/smithy-go"

	"github.com/cogload/cogload/cognito"
	"github.com/cogload/cogload/domain"
)

// Error is a failed call. Its text and every printed form name the
// operation, the user when there is one, and the service's answer, never a
// password or a token. Unwrap gives the SDK's error, so errors.As reaches
// *types.NotAuthorizedException and the like, smithy.APIError and
// *awshttp.ResponseError.
type Error struct {
	// Op is the API operation (InitiateAuth, AdminCreateUser, ...).
	Op string
	// User is the username the call was about, if any.
	User string
	// Err is the SDK's error, or ErrNoTokens.
	Err error
	// text is Err's text with the request's secrets and anything shaped
	// like a token replaced.
	text string
}

func newError(op, user string, err error, secrets []string) *Error {
	return &Error{Op: op, User: user, Err: err, text: domain.Redact(err.Error(), secrets...)}
}

func (e *Error) Error() string {
	if e.User == "" {
		return e.text
	}
	return "user " + e.User + ": " + e.text
}

func (e *Error) Unwrap() error { return e.Err }

// GoString is used by %#v; it leaves Err out, whose fields are the SDK's.
func (e *Error) GoString() string {
	return fmt.Sprintf("&idpclient.Error{Op:%q, User:%q, Err:%q}", e.Op, e.User, e.text)
}

// Format sends every verb through Error or GoString, so no verb prints
// Err's fields.
func (e *Error) Format(f fmt.State, verb rune) { format(f, verb, e.Error(), e.GoString()) }

// format prints a value holding secrets: %#v as goString, %q as s quoted,
// every other verb (%v, %+v, %s, %x, %d, ...) as s. Without it %+v or %x
// would print the fields themselves.
func format(f fmt.State, verb rune, s, goString string) {
	switch {
	case verb == 'v' && f.Flag('#'):
		_, _ = io.WriteString(f, goString)
	case verb == 'q':
		fmt.Fprintf(f, "%q", s)
	default:
		_, _ = io.WriteString(f, s)
	}
}

// ErrNoTokens is the Err of a sign-in or refresh the service answered
// without tokens: with a challenge (a new password, MFA, ...) or nothing.
var ErrNoTokens = errors.New("the service answered no tokens")

// Throttled reports whether err is the service's throttling answer
// (TooManyRequestsException, LimitExceededException).
func Throttled(err error) bool {
	var ae smithy.APIError
	return errors.As(err, &ae) && cognito.IsThrottle(ae.ErrorCode())
}
