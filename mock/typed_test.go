package mock

import (
	"errors"

	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// typedAs maps every error type the mock produces to errors.As with its
// aws-sdk-go-v2 type.
var typedAs = map[string]func(error) bool{
	"CodeDeliveryFailureException":             func(err error) bool { var t *types.CodeDeliveryFailureException; return errors.As(err, &t) },
	"ForbiddenException":                       func(err error) bool { var t *types.ForbiddenException; return errors.As(err, &t) },
	"InternalErrorException":                   func(err error) bool { var t *types.InternalErrorException; return errors.As(err, &t) },
	"InvalidEmailRoleAccessPolicyException":    func(err error) bool { var t *types.InvalidEmailRoleAccessPolicyException; return errors.As(err, &t) },
	"InvalidLambdaResponseException":           func(err error) bool { var t *types.InvalidLambdaResponseException; return errors.As(err, &t) },
	"InvalidParameterException":                func(err error) bool { var t *types.InvalidParameterException; return errors.As(err, &t) },
	"InvalidSmsRoleAccessPolicyException":      func(err error) bool { var t *types.InvalidSmsRoleAccessPolicyException; return errors.As(err, &t) },
	"InvalidSmsRoleTrustRelationshipException": func(err error) bool { var t *types.InvalidSmsRoleTrustRelationshipException; return errors.As(err, &t) },
	"LimitExceededException":                   func(err error) bool { var t *types.LimitExceededException; return errors.As(err, &t) },
	"NotAuthorizedException":                   func(err error) bool { var t *types.NotAuthorizedException; return errors.As(err, &t) },
	"OperationNotEnabledException":             func(err error) bool { var t *types.OperationNotEnabledException; return errors.As(err, &t) },
	"PasswordResetRequiredException":           func(err error) bool { var t *types.PasswordResetRequiredException; return errors.As(err, &t) },
	"ResourceNotFoundException":                func(err error) bool { var t *types.ResourceNotFoundException; return errors.As(err, &t) },
	"TooManyRequestsException":                 func(err error) bool { var t *types.TooManyRequestsException; return errors.As(err, &t) },
	"UnexpectedLambdaException":                func(err error) bool { var t *types.UnexpectedLambdaException; return errors.As(err, &t) },
	"UserLambdaValidationException":            func(err error) bool { var t *types.UserLambdaValidationException; return errors.As(err, &t) },
	"UserNotConfirmedException":                func(err error) bool { var t *types.UserNotConfirmedException; return errors.As(err, &t) },
	"UserNotFoundException":                    func(err error) bool { var t *types.UserNotFoundException; return errors.As(err, &t) },
	"CodeMismatchException":                    func(err error) bool { var t *types.CodeMismatchException; return errors.As(err, &t) },
	"ExpiredCodeException":                     func(err error) bool { var t *types.ExpiredCodeException; return errors.As(err, &t) },
	"UsernameExistsException":                  func(err error) bool { var t *types.UsernameExistsException; return errors.As(err, &t) },
	"InvalidPasswordException":                 func(err error) bool { var t *types.InvalidPasswordException; return errors.As(err, &t) },
	"UnauthorizedException":                    func(err error) bool { var t *types.UnauthorizedException; return errors.As(err, &t) },
	"UnsupportedOperationException":            func(err error) bool { var t *types.UnsupportedOperationException; return errors.As(err, &t) },
	"UnsupportedTokenTypeException":            func(err error) bool { var t *types.UnsupportedTokenTypeException; return errors.As(err, &t) },
}

func isTyped(err error, code string) bool {
	f, ok := typedAs[code]
	return ok && f(err)
}
