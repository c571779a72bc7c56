package cognito

import (
	"crypto/rand"
	"encoding/hex"
	"strings"
)

// Wire constants of the AWS JSON 1.1 protocol as the user pools service uses it.
const (
	// ContentType is the media type of every request and response body.
	ContentType = "application/x-amz-json-1.1"
	// TargetPrefix precedes the operation name in the X-Amz-Target header.
	TargetPrefix = "AWSCognitoIdentityProviderService."

	HeaderTarget       = "X-Amz-Target"
	HeaderRequestID    = "X-Amzn-Requestid"
	HeaderErrorType    = "X-Amzn-Errortype"
	HeaderErrorMessage = "X-Amzn-Errormessage"

	// RequiredScope is the scope an access token needs for the self-service
	// operations (GetUserAttributeVerificationCode, GetUser, ...).
	RequiredScope = "aws.cognito.signin.user.admin"
)

// Operation names (the part of X-Amz-Target after TargetPrefix).
const (
	OpGetUserAttributeVerificationCode = "GetUserAttributeVerificationCode"
	OpVerifyUserAttribute              = "VerifyUserAttribute"
	OpInitiateAuth                     = "InitiateAuth"
	OpGetUser                          = "GetUser"
	OpGlobalSignOut                    = "GlobalSignOut"
	OpRevokeToken                      = "RevokeToken"

	// Administrative operations (SigV4 on the real service), used to
	// provision a temporary pool for conformance runs.
	OpCreateUserPool            = "CreateUserPool"
	OpDeleteUserPool            = "DeleteUserPool"
	OpCreateUserPoolClient      = "CreateUserPoolClient"
	OpDeleteUserPoolClient      = "DeleteUserPoolClient"
	OpAdminCreateUser           = "AdminCreateUser"
	OpAdminSetUserPassword      = "AdminSetUserPassword"
	OpAdminDeleteUser           = "AdminDeleteUser"
	OpAdminDisableUser          = "AdminDisableUser"
	OpAdminEnableUser           = "AdminEnableUser"
	OpAdminGetUser              = "AdminGetUser"
	OpAdminUserGlobalSignOut    = "AdminUserGlobalSignOut"
	OpAdminUpdateUserAttributes = "AdminUpdateUserAttributes"

	// Read-only administrative operations: the pre-flight check of a pool
	// and the listing of the users cogload created.
	OpDescribeUserPool       = "DescribeUserPool"
	OpDescribeUserPoolClient = "DescribeUserPoolClient"
	OpListUsers              = "ListUsers"
)

// Target returns the X-Amz-Target header value for an operation.
func Target(op string) string { return TargetPrefix + op }

// OperationFromTarget extracts the operation name from an X-Amz-Target
// header value. ok is false when the value does not carry the service prefix.
func OperationFromTarget(target string) (op string, ok bool) {
	op, ok = strings.CutPrefix(target, TargetPrefix)
	if !ok || op == "" {
		return "", false
	}
	return op, true
}

// NewRequestID returns a random UUID (version 4) in the form the service uses
// for x-amzn-RequestId.
func NewRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	var s [36]byte
	hex.Encode(s[0:8], b[0:4])
	s[8] = '-'
	hex.Encode(s[9:13], b[4:6])
	s[13] = '-'
	hex.Encode(s[14:18], b[6:8])
	s[18] = '-'
	hex.Encode(s[19:23], b[8:10])
	s[23] = '-'
	hex.Encode(s[24:], b[10:])
	return string(s[:])
}

// Endpoint returns the public endpoint of the user pools API in region: the
// API model's endpointPrefix cognito-idp under the partition's domain
// (https://docs.aws.amazon.com/general/latest/gr/cognito_identity.html).
func Endpoint(region string) string { return "https://cognito-idp." + region + ".amazonaws.com" }

// Issuer returns the iss claim of the tokens a user pool issues: the
// region's endpoint followed by the pool id
// (https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-tokens-verifying-a-jwt.html).
func Issuer(region, userPoolID string) string { return Endpoint(region) + "/" + userPoolID }
