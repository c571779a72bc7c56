package cognito

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
)

// Class groups errors by what a user does about them.
type Class string

// Error classes.
const (
	ClassAuth       Class = "auth"       // the token or the user behind it
	ClassValidation Class = "validation" // the request itself
	ClassThrottle   Class = "throttle"   // request-rate quotas
	ClassLimit      Class = "limit"      // per-user and delivery limits
	ClassDelivery   Class = "delivery"   // sending the code (SES, SNS, roles)
	ClassTrigger    Class = "trigger"    // the custom-message Lambda trigger
	ClassServer     Class = "server"     // the service's own fault
)

// StatusMode selects which HTTP status an error is sent with.
type StatusMode int

const (
	// StatusObserved sends what the real service has been seen to send:
	// 400 for client faults (403 for ForbiddenException), 500 for
	// InternalErrorException.
	StatusObserved StatusMode = iota
	// StatusModel sends the @httpError status the API model declares: the
	// model's view, which no capture of the service shows for 403, 404 and
	// 429; it serves SDK users who test against the model.
	StatusModel
)

// ParseStatusMode reads "observed" or "model".
func ParseStatusMode(s string) (StatusMode, error) {
	switch s {
	case "", "observed":
		return StatusObserved, nil
	case "model":
		return StatusModel, nil
	}
	return 0, fmt.Errorf("unknown status mode %q: use observed or model", s)
}

func (m StatusMode) String() string {
	if m == StatusModel {
		return "model"
	}
	return "observed"
}

// ErrorSpec describes one error type the service can return.
type ErrorSpec struct {
	Name           string
	Class          Class
	ServerFault    bool
	ModelStatus    int  // @httpError of the API model (500 for server faults without one)
	ObservedStatus int  // status seen from the real service
	GUAVC          bool // listed among GetUserAttributeVerificationCode's errors
	Message        string
}

// Status returns the status code the error is sent with under mode.
func (s ErrorSpec) Status(mode StatusMode) int {
	if mode == StatusModel {
		return s.ModelStatus
	}
	return s.ObservedStatus
}

// Error type names.
const (
	ErrCodeDeliveryFailure             = "CodeDeliveryFailureException"
	ErrForbidden                       = "ForbiddenException"
	ErrInternalError                   = "InternalErrorException"
	ErrInvalidEmailRoleAccessPolicy    = "InvalidEmailRoleAccessPolicyException"
	ErrInvalidLambdaResponse           = "InvalidLambdaResponseException"
	ErrInvalidParameter                = "InvalidParameterException"
	ErrInvalidSmsRoleAccessPolicy      = "InvalidSmsRoleAccessPolicyException"
	ErrInvalidSmsRoleTrustRelationship = "InvalidSmsRoleTrustRelationshipException"
	ErrLimitExceeded                   = "LimitExceededException"
	ErrNotAuthorized                   = "NotAuthorizedException"
	ErrOperationNotEnabled             = "OperationNotEnabledException"
	ErrPasswordResetRequired           = "PasswordResetRequiredException"
	ErrResourceNotFound                = "ResourceNotFoundException"
	ErrTooManyRequests                 = "TooManyRequestsException"
	ErrUnexpectedLambda                = "UnexpectedLambdaException"
	ErrUserLambdaValidation            = "UserLambdaValidationException"
	ErrUserNotConfirmed                = "UserNotConfirmedException"
	ErrUserNotFound                    = "UserNotFoundException"
	ErrUnknownOperation                = "UnknownOperationException"
	ErrSerialization                   = "SerializationException"
	ErrCodeMismatch                    = "CodeMismatchException"
	ErrExpiredCode                     = "ExpiredCodeException"
	ErrUsernameExists                  = "UsernameExistsException"
	ErrInvalidPassword                 = "InvalidPasswordException"
	ErrUnauthorized                    = "UnauthorizedException"
	ErrUnsupportedOperation            = "UnsupportedOperationException"
	ErrUnsupportedTokenType            = "UnsupportedTokenTypeException"
	// ErrBadRequest is the code of the answer to a request the service
	// cannot map to an operation; it comes in the body's "code" member,
	// not as __type.
	ErrBadRequest = "BadRequest"
)

// Messages the real service sends, as captured in public issue threads of
// the AWS SDKs and Amplify (each message's evidence is in the mock's
// evidence ledger).
const (
	MsgInvalidAccessToken    = "Invalid Access Token"
	MsgAccessTokenExpired    = "Access Token has expired"
	MsgAccessTokenRevoked    = "Access Token has been revoked"
	MsgAccessTokenScopes     = "Access Token does not have required scopes"
	MsgInvalidAttributeName  = "Invalid attribute name. Only phone_number and email can be verified."
	MsgNoEmail               = "User does not have a valid registered email address"
	MsgNoPhone               = "User does not have a valid registered phone number"
	MsgAttemptLimit          = "Attempt limit exceeded, please try after some time."
	MsgDailyEmailLimit       = "Exceeded daily email limit for the operation or the account. If a higher limit is required, please configure your user pool to use your own Amazon SES configuration for sending email."
	MsgRateExceeded          = "Rate exceeded"
	MsgUserDoesNotExist      = "User does not exist."
	MsgUserNotConfirmed      = "User is not confirmed."
	MsgPasswordResetRequired = "Password reset required for the user"
	MsgUserDisabled          = "User is disabled."
	MsgIncorrectCredentials  = "Incorrect username or password."
	MsgInvalidRefreshToken   = "Invalid Refresh Token."
	MsgCodeMismatch          = "Invalid verification code provided, please try again."
	MsgExpiredCode           = "Invalid code provided, please request a code again."
	MsgInternalError         = "Internal server error."
	MsgNoSMSConfiguration    = "User pool does not have SMS configuration to send messages."
	MsgWAFBlock              = "Request not allowed due to WAF block."
	MsgUnrecognizableLambda  = "Unrecognizable lambda output"
	MsgInvalidEmailFormat    = "Invalid email address format."
	MsgInvalidPhoneFormat    = "Invalid phone number format."
	MsgBadRequest            = "The server did not understand the operation that was requested."
)

// triggerFailed is UserLambdaValidationException's message for a trigger
// that threw: "<Trigger> failed with error <its message>." (no colon).
func triggerFailed(trigger, msg string) string {
	return trigger + " failed with error " + strings.TrimSuffix(msg, ".") + "."
}

// triggerNotInvoked is UnexpectedLambdaException's message for a trigger
// that could not be invoked.
func triggerNotInvoked(trigger, reason string) string {
	return trigger + " invocation failed due to error " + strings.TrimSuffix(reason, ".") + "."
}

// catalog lists every error the mock, the attacker and the conformance suite
// know. The 18 GUAVC errors come first, in the order of the reference.
var catalog = []ErrorSpec{
	{Name: ErrCodeDeliveryFailure, Class: ClassDelivery, ModelStatus: 400, ObservedStatus: 400, GUAVC: true, Message: "Unable to deliver the verification code."},
	{Name: ErrForbidden, Class: ClassAuth, ModelStatus: 403, ObservedStatus: 403, GUAVC: true, Message: MsgWAFBlock},
	{Name: ErrInternalError, Class: ClassServer, ServerFault: true, ModelStatus: 500, ObservedStatus: 500, GUAVC: true, Message: MsgInternalError},
	{Name: ErrInvalidEmailRoleAccessPolicy, Class: ClassDelivery, ModelStatus: 400, ObservedStatus: 400, GUAVC: true, Message: "Cognito is not allowed to use your email identity."},
	{Name: ErrInvalidLambdaResponse, Class: ClassTrigger, ModelStatus: 400, ObservedStatus: 400, GUAVC: true, Message: MsgUnrecognizableLambda},
	{Name: ErrInvalidParameter, Class: ClassValidation, ModelStatus: 400, ObservedStatus: 400, GUAVC: true, Message: "Invalid parameter."},
	{Name: ErrInvalidSmsRoleAccessPolicy, Class: ClassDelivery, ModelStatus: 400, ObservedStatus: 400, GUAVC: true, Message: "Role does not have permission to publish with SNS."},
	{Name: ErrInvalidSmsRoleTrustRelationship, Class: ClassDelivery, ModelStatus: 400, ObservedStatus: 400, GUAVC: true, Message: "Role cannot be assumed by Cognito."},
	{Name: ErrLimitExceeded, Class: ClassLimit, ModelStatus: 400, ObservedStatus: 400, GUAVC: true, Message: MsgAttemptLimit},
	{Name: ErrNotAuthorized, Class: ClassAuth, ModelStatus: 403, ObservedStatus: 400, GUAVC: true, Message: MsgInvalidAccessToken},
	{Name: ErrOperationNotEnabled, Class: ClassValidation, ModelStatus: 400, ObservedStatus: 400, GUAVC: true, Message: "This operation is not available in the current region or for the current user pool configuration."},
	{Name: ErrPasswordResetRequired, Class: ClassAuth, ModelStatus: 400, ObservedStatus: 400, GUAVC: true, Message: MsgPasswordResetRequired},
	{Name: ErrResourceNotFound, Class: ClassAuth, ModelStatus: 404, ObservedStatus: 400, GUAVC: true, Message: "User pool client does not exist."},
	{Name: ErrTooManyRequests, Class: ClassThrottle, ModelStatus: 429, ObservedStatus: 400, GUAVC: true, Message: MsgRateExceeded},
	{Name: ErrUnexpectedLambda, Class: ClassTrigger, ModelStatus: 400, ObservedStatus: 400, GUAVC: true, Message: triggerNotInvoked("CustomMessage", "Socket timeout while invoking Lambda function")},
	{Name: ErrUserLambdaValidation, Class: ClassTrigger, ModelStatus: 400, ObservedStatus: 400, GUAVC: true, Message: triggerFailed("CustomMessage", "The trigger refused the message")},
	{Name: ErrUserNotConfirmed, Class: ClassAuth, ModelStatus: 400, ObservedStatus: 400, GUAVC: true, Message: MsgUserNotConfirmed},
	{Name: ErrUserNotFound, Class: ClassAuth, ModelStatus: 404, ObservedStatus: 400, GUAVC: true, Message: MsgUserDoesNotExist},

	// Protocol errors, answered before any operation runs.
	{Name: ErrUnknownOperation, Class: ClassValidation, ModelStatus: 400, ObservedStatus: 400},
	{Name: ErrSerialization, Class: ClassValidation, ModelStatus: 400, ObservedStatus: 400},
	{Name: ErrBadRequest, Class: ClassValidation, ModelStatus: 404, ObservedStatus: 404, Message: MsgBadRequest},

	// Errors of the other operations the mock serves.
	{Name: ErrCodeMismatch, Class: ClassValidation, ModelStatus: 400, ObservedStatus: 400, Message: MsgCodeMismatch},
	{Name: ErrExpiredCode, Class: ClassValidation, ModelStatus: 400, ObservedStatus: 400, Message: MsgExpiredCode},
	{Name: ErrUsernameExists, Class: ClassValidation, ModelStatus: 400, ObservedStatus: 400, Message: "User account already exists"},
	{Name: ErrInvalidPassword, Class: ClassValidation, ModelStatus: 400, ObservedStatus: 400, Message: "Password does not conform to policy"},
	// RevokeToken's own errors (API model); no capture shows their status.
	{Name: ErrUnauthorized, Class: ClassAuth, ModelStatus: 401, ObservedStatus: 400, Message: "Invalid client or token."},
	{Name: ErrUnsupportedOperation, Class: ClassValidation, ModelStatus: 400, ObservedStatus: 400, Message: "Token revocation is not enabled for this app client."},
	{Name: ErrUnsupportedTokenType, Class: ClassValidation, ModelStatus: 400, ObservedStatus: 400, Message: "Only refresh tokens can be revoked."},
}

var catalogByName = func() map[string]ErrorSpec {
	m := make(map[string]ErrorSpec, len(catalog))
	for _, s := range catalog {
		m[strings.ToLower(s.Name)] = s
	}
	return m
}()

// Catalog returns every known error, GUAVC errors first.
func Catalog() []ErrorSpec { return append([]ErrorSpec(nil), catalog...) }

// GUAVCErrors returns the errors GetUserAttributeVerificationCode can return,
// sorted by name.
func GUAVCErrors() []ErrorSpec {
	var out []ErrorSpec
	for _, s := range catalog {
		if s.GUAVC {
			out = append(out, s)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Lookup finds an error by name, case-insensitively as the SDK matches it.
func Lookup(name string) (ErrorSpec, bool) {
	s, ok := catalogByName[strings.ToLower(name)]
	return s, ok
}

// ClassOf returns the class of a known error type, or "" for unknown ones.
func ClassOf(name string) Class { return catalogByName[strings.ToLower(name)].Class }

// IsThrottle reports whether an error type is a rate or attempt limit:
// counted by the harness, never a violation.
func IsThrottle(name string) bool {
	return name == ErrTooManyRequests || name == ErrLimitExceeded
}

// Error is an error answer of the service.
type Error struct {
	Type    string
	Message string
	// ReasonCode is InvalidParameterException's optional extra member.
	ReasonCode string
}

// NewError builds an Error, using the catalog's message when msg is empty.
func NewError(typ, msg string) *Error {
	if msg == "" {
		msg = catalogByName[strings.ToLower(typ)].Message
	}
	return &Error{Type: typ, Message: msg}
}

// Errorf builds an Error with a formatted message.
func Errorf(typ, format string, args ...any) *Error {
	return &Error{Type: typ, Message: fmt.Sprintf(format, args...)}
}

func (e *Error) Error() string { return e.Type + ": " + e.Message }

// Status returns the HTTP status of e under mode. Unknown types are client
// faults (400).
func (e *Error) Status(mode StatusMode) int {
	if s, ok := Lookup(e.Type); ok {
		return s.Status(mode)
	}
	return http.StatusBadRequest
}

type errorBody struct {
	Type       string `json:"__type"`
	Message    string `json:"message,omitempty"`
	ReasonCode string `json:"reasonCode,omitempty"`
}

// Body returns the JSON body the service sends for e.
func (e *Error) Body() []byte {
	b, _ := json.Marshal(errorBody{Type: e.Type, Message: e.Message, ReasonCode: e.ReasonCode})
	return b
}

// WriteError writes e exactly as the service does: the status of mode,
// x-amzn-ErrorType "Name:" (with the trailing colon), x-amzn-ErrorMessage,
// x-amzn-RequestId and the {"__type","message"} body.
func WriteError(w http.ResponseWriter, requestID string, e *Error, mode StatusMode) {
	body := e.Body()
	h := w.Header()
	h.Set("Content-Type", ContentType)
	h.Set(HeaderRequestID, requestID)
	h.Set(HeaderErrorType, e.Type+":")
	if e.Message != "" {
		h.Set(HeaderErrorMessage, headerSafe(e.Message))
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(e.Status(mode))
	_, _ = w.Write(body)
}

// WriteUnmapped answers a request the service cannot map to an operation
// as a capture of the service shows it: 404 and
// {"code":"BadRequest","message":...,"type":"client"}, with no
// x-amzn-ErrorType (the body is not the JSON 1.1 error shape).
func WriteUnmapped(w http.ResponseWriter, requestID string) {
	body := []byte(`{"code":"` + ErrBadRequest + `","message":"` + MsgBadRequest + `","type":"client"}`)
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set(HeaderRequestID, requestID)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusNotFound)
	_, _ = w.Write(body)
}

// WriteJSON writes a 200 response with v as its body.
func WriteJSON(w http.ResponseWriter, requestID string, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		WriteError(w, requestID, NewError(ErrInternalError, ""), StatusObserved)
		return
	}
	WriteRaw(w, requestID, body)
}

// WriteRaw writes a 200 response with a pre-encoded body.
func WriteRaw(w http.ResponseWriter, requestID string, body []byte) {
	h := w.Header()
	h.Set("Content-Type", ContentType)
	h.Set(HeaderRequestID, requestID)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

// headerSafe keeps header values to printable ASCII so a message can never
// split or corrupt the header block.
func headerSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e {
			return ' '
		}
		return r
	}, s)
}

// SanitizeErrorType reduces an error type as it appears on the wire to its
// bare name, as the AWS SDKs do: everything from the first ':' and everything
// up to the last '#' is dropped ("NotAuthorizedException:" and
// "com.amazonaws...#NotAuthorizedException" both give NotAuthorizedException).
func SanitizeErrorType(t string) string {
	if i := strings.IndexByte(t, ':'); i >= 0 {
		t = t[:i]
	}
	if i := strings.LastIndexByte(t, '#'); i >= 0 {
		t = t[i+1:]
	}
	return strings.TrimSpace(t)
}

// ParseError extracts the error type and message from a response the way
// aws-sdk-go-v2 does: the type from the x-amzn-ErrorType header, else the
// body's __type, else its code; the message from the body's message or
// Message, else the x-amzn-ErrorMessage header. ok is false when the response
// names no error type.
func ParseError(header http.Header, body []byte) (typ, msg string, ok bool) {
	var b struct {
		Type     string `json:"__type"`
		Code     any    `json:"code"`
		Message  string `json:"message"`
		MessageU string `json:"Message"`
	}
	_ = json.Unmarshal(body, &b)
	switch {
	case header != nil && header.Get(HeaderErrorType) != "":
		typ = header.Get(HeaderErrorType)
	case b.Type != "":
		typ = b.Type
	default:
		if c, isStr := b.Code.(string); isStr {
			typ = c
		}
	}
	typ = SanitizeErrorType(typ)
	msg = b.Message
	if msg == "" {
		msg = b.MessageU
	}
	if msg == "" && header != nil {
		msg = header.Get(HeaderErrorMessage)
	}
	return typ, msg, typ != ""
}
