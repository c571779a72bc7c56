// Package evidence is the mock's fidelity ledger: one table of every
// behaviour of the mock that is a decision about how the real Amazon
// Cognito user pools service behaves (quota categories and sizes, windows,
// which calls count, messages, status codes, the order of checks, delivery,
// code lifetime and supersession, protocol edge cases), each with how well
// it is known, the public source it rests on and the pool setting that
// changes it.
//
// The mock, the conformance catalog and the scenario compiler read it, so a
// green run can say which of its expectations rest on an assumption: a
// nightly run against the mock only proves what the ledger marks documented
// or observed. docs/fidelity.md is generated from it and `cogload mock
// --explain` prints it. Of ours it imports only the table style.
package evidence

import (
	"fmt"
	"slices"
)

// Level says how well a behaviour of the real service is known.
type Level string

// Evidence levels, strongest first.
const (
	// Documented: the API model or AWS documentation states it.
	Documented Level = "documented"
	// Observed: a response of the real service was captured in public
	// (an issue thread, a pull-request review against a real pool).
	Observed Level = "observed"
	// Inferred: follows from documented or observed facts, but nobody
	// showed the service doing it.
	Inferred Level = "inferred"
	// Assumed: the mock's choice where nothing public says; confirm it on
	// a real pool before relying on it.
	Assumed Level = "assumed"
)

// Levels lists the levels, strongest first.
func Levels() []Level { return []Level{Documented, Observed, Inferred, Assumed} }

// rank orders levels: a lower rank is stronger evidence.
func (l Level) rank() int {
	if i := slices.Index(Levels(), l); i >= 0 {
		return i
	}
	return len(Levels())
}

// Weaker reports whether l is weaker evidence than m.
func (l Level) Weaker(m Level) bool { return l.rank() > m.rank() }

// Unconfirmed reports whether a behaviour of this level needs confirming on
// a real pool (inferred or assumed).
func (l Level) Unconfirmed() bool { return l == Inferred || l == Assumed }

// Entry is one decision of the mock.
type Entry struct {
	// ID is stable: conformance cases and plans refer to it.
	ID string
	// Topic groups entries in the ledger's rendering.
	Topic string
	// Behaviour is what the mock does, in one or two sentences.
	Behaviour string
	Level     Level
	// Source is the public source: a URL, or an API model shape with its
	// revision. Assumed entries say what was looked at and found silent.
	Source string
	// Setting is the pool configuration field (or flag) that changes the
	// behaviour, "" when none does.
	Setting string
}

// Public sources cited by several entries.
const (
	srcModel      = "Smithy model cognito-identity-provider 2016-04-18 (aws/api-models-aws, revision 2026-02-27)"
	srcQuotas     = "https://docs.aws.amazon.com/cognito/latest/developerguide/quotas.html"
	srcGUAVC      = "https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_GetUserAttributeVerificationCode.html"
	srcVerifyJWT  = "https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-tokens-verifying-a-jwt.html"
	srcTrigger    = "https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-custom-message.html"
	srcJSON11     = "https://smithy.io/2.0/aws/protocols/aws-json-1_1-protocol.html"
	srcFloci1898  = "https://github.com/floci-io/floci/pull/1898"
	srcFloci2018  = "https://github.com/floci-io/floci/pull/2018"
	srcIOS144     = "https://github.com/awslabs/aws-sdk-ios-samples/issues/144"
	srcNoCaptures = "no public capture or documentation found"
)

// Topics, in the order the ledger is rendered.
const (
	TopicProtocol   = "protocol"
	TopicValidation = "validation"
	TopicOrder      = "order of checks"
	TopicQuotas     = "request-rate quotas"
	TopicLimits     = "per-user and daily limits"
	TopicTokens     = "tokens"
	TopicUsers      = "user state"
	TopicAttributes = "attributes"
	TopicDelivery   = "delivery"
	TopicTriggers   = "custom-message trigger"
	TopicCodes      = "codes"
	TopicStatus     = "status codes"
	TopicOperations = "other operations"
)

// Topics lists the topics in rendering order.
func Topics() []string {
	return []string{TopicProtocol, TopicValidation, TopicOrder, TopicQuotas, TopicLimits, TopicTokens, TopicUsers,
		TopicAttributes, TopicDelivery, TopicTriggers, TopicCodes, TopicStatus, TopicOperations}
}

var ledger = []Entry{
	// Protocol.
	{ID: "protocol.json11", Topic: TopicProtocol, Level: Documented, Source: srcModel + " trait aws.protocols#awsJson1_1; " + srcJSON11,
		Behaviour: "AWS JSON 1.1: POST / with X-Amz-Target AWSCognitoIdentityProviderService.{Operation}; every body, answers and errors, is application/x-amz-json-1.1."},
	{ID: "protocol.error-encoding", Topic: TopicProtocol, Level: Observed, Source: srcIOS144 + "; https://github.com/aws-amplify/amplify-js/issues/2443",
		Behaviour: "An error carries x-amzn-ErrorType \"Name:\" (trailing colon), x-amzn-ErrorMessage equal to the body's message, and the body {\"__type\",\"message\"}."},
	{ID: "protocol.request-id", Topic: TopicProtocol, Level: Observed, Source: srcIOS144,
		Behaviour: "Every answer, success or error, carries x-amzn-RequestId, a UUID."},
	{ID: "protocol.unmapped", Topic: TopicProtocol, Level: Observed, Source: "https://github.com/amazon-archives/amazon-cognito-js/issues/64 (404 from cognito-idp); https://github.com/aws/aws-sdk-js/issues/1423 (same body)",
		Behaviour: "A request the service cannot map to an operation (no X-Amz-Target, another service's target prefix, a method other than POST) gets 404 {\"code\":\"BadRequest\",\"message\":\"The server did not understand the operation that was requested.\",\"type\":\"client\"}; which requests count as unmapped is inferred from the capture."},
	{ID: "protocol.unknown-operation", Topic: TopicProtocol, Level: Assumed, Source: srcNoCaptures + " (the AWS JSON 1.1 protocol names no error for it)",
		Behaviour: "An X-Amz-Target with the service's prefix but an operation the service lacks gets 400 UnknownOperationException."},
	{ID: "protocol.content-type", Topic: TopicProtocol, Level: Assumed, Source: srcNoCaptures,
		Behaviour: "Requests sent as application/x-amz-json-1.1, application/json or with no Content-Type are read; any other content type is SerializationException."},
	{ID: "protocol.malformed-body", Topic: TopicProtocol, Level: Assumed, Source: srcNoCaptures + " (the AWS SDKs' protocol tests use SerializationException for unreadable JSON)",
		Behaviour: "A body that is not a JSON object, is nested too deep, holds invalid UTF-8, gives a member the wrong JSON type or exceeds 1 MiB is SerializationException; an empty body is an empty request."},
	{ID: "protocol.members", Topic: TopicProtocol, Level: Inferred, Source: srcJSON11,
		Behaviour: "Member names match case-sensitively, unknown members are ignored and a JSON null counts as absent."},

	// Validation.
	{ID: "validate.constraints", Topic: TopicValidation, Level: Documented, Source: srcModel + " shapes TokenModelType, AttributeNameType, ClientMetadataType, StringType",
		Behaviour: "AccessToken must match ^[A-Za-z0-9-_=.]+$; AttributeName is 1..32 characters of ^[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}\\t\\n\\r ]+$ (whitespace allowed since the 2026-02-27 revision); each ClientMetadata key and value is at most 131072 characters."},
	{ID: "validate.message", Topic: TopicValidation, Level: Observed, Source: "https://github.com/boto/boto3/issues/3581; https://github.com/amazon-archives/amazon-cognito-auth-js/issues/65",
		Behaviour: "Model violations answer InvalidParameterException \"N validation error(s) detected: Value '<v>' at '<member>' failed to satisfy constraint: <constraint>\", joined by \"; \"; a missing member reads \"Value null at '<member>' ... Member must not be null\"."},
	{ID: "validate.sensitive", Topic: TopicValidation, Level: Assumed, Source: srcModel + " trait smithy.api#sensitive on TokenModelType; but https://github.com/boto/boto3/issues/3581 shows the sensitive clientId echoed",
		Behaviour: "A token's value is never echoed, null included: \"Value at 'accessToken' failed to satisfy constraint: Member must not be null\". The service may echo it; the mock never puts a secret in a message."},
	{ID: "validate.empty-name", Topic: TopicValidation, Level: Inferred, Source: srcModel + " shape AttributeNameType (length and pattern are separate constraints)",
		Behaviour: "An empty AttributeName breaks two constraints and gets two errors: length greater than or equal to 1, and the pattern."},
	{ID: "validate.map-message", Topic: TopicValidation, Level: Inferred, Source: "form observed on another AWS JSON service: https://github.com/hashicorp/terraform-provider-aws/issues/41023",
		Behaviour: "A ClientMetadata key or value over 131072 characters reads \"Value at 'clientMetadata' failed to satisfy constraint: Map value must satisfy constraint: [Member must have length less than or equal to 131072, Member must have length greater than or equal to 0]\" (\"Map keys must ...\" for keys)."},

	// Order of checks.
	{ID: "order.guavc", Topic: TopicOrder, Level: Inferred, Source: srcGUAVC + " (errors listed, order not stated)",
		Behaviour: "GetUserAttributeVerificationCode checks: protocol, model validation, injected faults, the token's signature and issuer, the category quota, expiry, client, scope, revocation, the user, the per-user rate, the per-user code limit, the attribute rules, the trigger, delivery."},
	{ID: "order.validation-first", Topic: TopicOrder, Level: Observed, Source: "https://github.com/boto/boto3/issues/3581 (a validation error answered before any credential check)",
		Behaviour: "Model validation answers before the token is looked at: a request breaking the model never gets NotAuthorizedException."},
	{ID: "order.auth-before-attribute", Topic: TopicOrder, Level: Inferred, Source: srcFloci1898 + " (attribute messages shown for signed-in users only)",
		Behaviour: "The token and the user are checked before the attribute rules: a bad token with a bad attribute name gets NotAuthorizedException."},

	// Request-rate quotas.
	{ID: "quota.category", Topic: TopicQuotas, Level: Documented, Source: srcQuotas + "#category_operations",
		Setting:   "quotas.category, quotas.rps",
		Behaviour: "GetUserAttributeVerificationCode counts against UserResourceRead, 50 requests/s by default (adjustable), with ResendConfirmationCode and the device and group reads."},
	{ID: "quota.categories", Topic: TopicQuotas, Level: Documented, Source: srcQuotas + "#category_operations",
		Setting:   "quotas.categories",
		Behaviour: "The other operations count against their own categories: InitiateAuth UserAuthentication 120; GetUser and AdminGetUser UserRead 120; VerifyUserAttribute, GlobalSignOut and the admin user updates UserUpdate 25; RevokeToken UserToken 120; AdminCreateUser UserCreation 50; AdminSetUserPassword UserAccountRecovery 30; pool and client changes 15."},
	{ID: "quota.shared", Topic: TopicQuotas, Level: Documented, Source: srcQuotas + "#quota-categorization",
		Behaviour: "One bucket per category, shared by every operation of the category and every user pool of the account in the Region."},
	{ID: "quota.burst", Topic: TopicQuotas, Level: Assumed, Source: srcNoCaptures + " (the quotas page gives rates only)",
		Setting:   "quotas.burst",
		Behaviour: "A category bucket holds one second's worth of requests, so a burst of that size passes after an idle period."},
	{ID: "quota.counting", Topic: TopicQuotas, Level: Inferred, Source: srcQuotas + " (quotas are per account; GetUserAttributeVerificationCode names its pool only through the token)",
		Behaviour: "A request counts once the service can tell which account it is for: requests failing model validation and tokens naming no pool of the endpoint do not count; requests refused later (expired, revoked, user state, attribute, limits) do."},
	{ID: "quota.throttled-not-counted", Topic: TopicQuotas, Level: Assumed, Source: srcNoCaptures,
		Behaviour: "A request refused with TooManyRequestsException takes nothing from the bucket."},
	{ID: "quota.per-user-rate", Topic: TopicQuotas, Level: Documented, Source: srcQuotas + " (per-user request rate quotas)",
		Setting:   "quotas.perUserRps",
		Behaviour: "Each user may make 10 read requests/s (GetUserAttributeVerificationCode, GetUser) and 10 write requests/s (VerifyUserAttribute); counting GetUserAttributeVerificationCode as a read follows its category."},
	{ID: "quota.message", Topic: TopicQuotas, Level: Observed, Source: "https://github.com/aws-amplify/amplify-js/issues/6767; https://github.com/boto/boto3/issues/2517",
		Behaviour: "A request over a request-rate quota gets TooManyRequestsException \"Rate exceeded\"; that the per-user rate answers the same is assumed."},

	// Per-user and daily limits.
	{ID: "limit.codes", Topic: TopicLimits, Level: Documented, Source: srcQuotas + "#resource-quotas-cup-codes",
		Setting:   "quotas.codesPerUserPerHour",
		Behaviour: "At most 5 GetUserAttributeVerificationCode requests per user per hour; the next gets LimitExceededException."},
	{ID: "limit.codes-counting", Topic: TopicLimits, Level: Inferred, Source: srcQuotas + "#resource-quotas-cup-codes (\"requests per user\")",
		Setting:   "quotas.codeLimitCounts",
		Behaviour: "Every request of a signed-in user counts, whatever its attribute (checked before the attribute rules); requests the limit refuses do not extend it."},
	{ID: "limit.window", Topic: TopicLimits, Level: Assumed, Source: "https://github.com/amazon-archives/amazon-cognito-identity-js/issues/548 (AWS does not share the exact limits)",
		Setting:   "quotas.window",
		Behaviour: "The hour is a sliding window: a request is refused while 5 others were admitted in the hour before it."},
	{ID: "limit.verify", Topic: TopicLimits, Level: Documented, Source: srcQuotas + "#resource-quotas-cup-codes",
		Setting:   "quotas.verifyPerUserPerHour",
		Behaviour: "At most 15 VerifyUserAttribute requests per user per hour, in the same kind of window; the next gets LimitExceededException."},
	{ID: "limit.message", Topic: TopicLimits, Level: Observed, Source: "https://github.com/aws-amplify/amplify-js/issues/8013",
		Behaviour: "A per-user limit answers LimitExceededException \"Attempt limit exceeded, please try after some time.\" (for VerifyUserAttribute the same text is inferred)."},
	{ID: "limit.daily-email", Topic: TopicLimits, Level: Documented, Source: srcQuotas + "#resource-quotas-cup",
		Setting:   "delivery.email.sendingAccount, delivery.email.dailyLimit",
		Behaviour: "With COGNITO_DEFAULT email the account sends 50 emails a day across its pools; the count resets at 09:00 UTC. DEVELOPER (SES) email has no such limit."},
	{ID: "limit.daily-email-message", Topic: TopicLimits, Level: Observed, Source: "https://github.com/rahulpsd18/cognito-backup-restore/issues/46",
		Behaviour: "Past the daily email limit: LimitExceededException \"Exceeded daily email limit for the operation or the account. If a higher limit is required, please configure your user pool to use your own Amazon SES configuration for sending email.\""},

	// Tokens.
	{ID: "token.invalid", Topic: TopicTokens, Level: Observed, Source: srcFloci1898 + " (compared with a real pool); https://github.com/amazon-archives/aws-cognito-angular-quickstart/issues/137",
		Behaviour: "A token that is not a JWT gets NotAuthorizedException \"Invalid Access Token\"."},
	{ID: "token.forged", Topic: TopicTokens, Level: Inferred, Source: srcVerifyJWT + " (what a verifier checks); message from token.invalid",
		Behaviour: "A token with a bad signature, alg none or HS256, an unknown kid or an issuer the endpoint does not know, and an ID token in place of the access token, get the same \"Invalid Access Token\"."},
	{ID: "token.rs256", Topic: TopicTokens, Level: Documented, Source: srcVerifyJWT,
		Behaviour: "Tokens are RS256 JWTs checked against the pool's JWKS by kid; access and ID tokens use different keys; access tokens carry token_use access, client_id and scope."},
	{ID: "token.expired", Topic: TopicTokens, Level: Observed, Source: "https://github.com/aws-amplify/aws-sdk-ios/issues/1376",
		Behaviour: "An expired access token gets NotAuthorizedException \"Access Token has expired\"."},
	{ID: "token.revoked", Topic: TopicTokens, Level: Observed, Source: "https://github.com/localstack/localstack/issues/8775; " + srcModel + " operations GlobalSignOut, RevokeToken",
		Behaviour: "After GlobalSignOut, AdminUserGlobalSignOut or RevokeToken of its refresh token, an access token gets NotAuthorizedException \"Access Token has been revoked\"."},
	{ID: "token.scope", Topic: TopicTokens, Level: Observed, Source: "https://github.com/aws-amplify/amplify-android/issues/1592",
		Behaviour: "An access token without aws.cognito.signin.user.admin gets NotAuthorizedException \"Access Token does not have required scopes\"."},
	{ID: "token.other-pool", Topic: TopicTokens, Level: Inferred, Source: srcGUAVC + " (the request names no pool)",
		Behaviour: "A genuine access token of any pool the endpoint serves is accepted for that pool's user; only a token of an issuer or key the endpoint does not know is refused."},
	{ID: "token.unknown-client", Topic: TopicTokens, Level: Assumed, Source: srcNoCaptures,
		Behaviour: "An access token naming an app client its pool does not have gets \"Invalid Access Token\"; a deleted client or pool gets ResourceNotFoundException."},
	{ID: "token.refresh-invalid", Topic: TopicTokens, Level: Observed, Source: "https://github.com/aws/aws-sdk-cpp/issues/1789 (headers and body); https://github.com/aws/aws-sdk-java-v2/issues/1687",
		Behaviour: "An unknown, expired or other client's refresh token gets NotAuthorizedException \"Invalid Refresh Token.\" (with the period)."},
	{ID: "token.refresh-revoked", Topic: TopicTokens, Level: Assumed, Source: srcNoCaptures,
		Behaviour: "A revoked refresh token gets NotAuthorizedException \"Refresh Token has been revoked\"."},

	// User state.
	{ID: "user.deleted", Topic: TopicUsers, Level: Observed, Source: "https://github.com/amazon-archives/amazon-cognito-identity-js/issues/192",
		Behaviour: "The token of a deleted user gets UserNotFoundException \"User does not exist.\"."},
	{ID: "user.disabled", Topic: TopicUsers, Level: Inferred, Source: srcModel + " operation AdminDisableUser (disabling revokes the user's tokens)",
		Behaviour: "The token of a disabled user gets NotAuthorizedException \"Access Token has been revoked\"; re-enabling does not restore it."},
	{ID: "user.unconfirmed", Topic: TopicUsers, Level: Assumed, Source: srcModel + " error UserNotConfirmedException (message: " + srcNoCaptures + ")",
		Behaviour: "An UNCONFIRMED user gets UserNotConfirmedException \"User is not confirmed.\"."},
	{ID: "user.reset-required", Topic: TopicUsers, Level: Assumed, Source: srcModel + " error PasswordResetRequiredException (message: " + srcNoCaptures + ")",
		Behaviour: "A RESET_REQUIRED user gets PasswordResetRequiredException \"Password reset required for the user\"."},

	// Attributes.
	{ID: "attr.verifiable", Topic: TopicAttributes, Level: Observed, Source: srcFloci1898,
		Behaviour: "Only email and phone_number can be verified; any other name gets InvalidParameterException \"Invalid attribute name. Only phone_number and email can be verified.\"."},
	{ID: "attr.missing", Topic: TopicAttributes, Level: Observed, Source: srcFloci1898,
		Behaviour: "A user without the attribute gets InvalidParameterException \"User does not have a valid registered email address\" or \"... phone number\"."},
	{ID: "attr.already-verified", Topic: TopicAttributes, Level: Observed, Source: srcFloci1898 + "; " + srcFloci2018,
		Behaviour: "An attribute that is already verified still gets a fresh code."},
	{ID: "attr.current-value", Topic: TopicAttributes, Level: Observed, Source: "https://github.com/aws-amplify/amplify-flutter/issues/3756",
		Behaviour: "The code goes to the attribute's current value, not to a pending unverified one."},
	{ID: "attr.email-format", Topic: TopicAttributes, Level: Inferred, Source: "https://github.com/aws-amplify/amplify-js/issues/5313 (SignUp); https://github.com/dabit3/gatsby-auth-starter-aws-amplify/issues/31 (phone)",
		Behaviour: "AdminUpdateUserAttributes refuses a malformed email with InvalidParameterException \"Invalid email address format.\" and a phone number not in E.164 with \"Invalid phone number format.\", as SignUp does."},

	// Delivery.
	{ID: "delivery.details", Topic: TopicDelivery, Level: Documented, Source: srcModel + " shapes CodeDeliveryDetailsType, DeliveryMediumType",
		Behaviour: "Success answers CodeDeliveryDetails {AttributeName, DeliveryMedium EMAIL or SMS, Destination}."},
	{ID: "delivery.mask", Topic: TopicDelivery, Level: Observed, Source: srcFloci1898,
		Behaviour: "Destinations are masked as a***@e*** (first character of the local part and of the domain) and +********8920 (a star per digit but the last four)."},
	{ID: "delivery.no-sms", Topic: TopicDelivery, Level: Observed, Source: "https://github.com/aws-amplify/amplify-js/issues/214",
		Setting:   "delivery.sms.enabled",
		Behaviour: "phone_number in a pool without an SMS configuration gets InvalidParameterException \"User pool does not have SMS configuration to send messages.\"."},
	{ID: "delivery.roles", Topic: TopicDelivery, Level: Documented, Source: srcModel + " errors InvalidSmsRoleAccessPolicyException, InvalidSmsRoleTrustRelationshipException, InvalidEmailRoleAccessPolicyException (messages assumed)",
		Setting:   "delivery.email.roleError, delivery.sms.roleError",
		Behaviour: "A misconfigured SES identity or SNS role answers its role error on every delivery."},
	{ID: "delivery.failure", Topic: TopicDelivery, Level: Assumed, Source: srcModel + " error CodeDeliveryFailureException (message: " + srcNoCaptures + ")",
		Setting:   "delivery.email.failureRate, delivery.sms.failureRate",
		Behaviour: "A failed delivery answers CodeDeliveryFailureException \"Unable to deliver the verification code.\" and stores no code."},

	// Trigger.
	{ID: "trigger.event", Topic: TopicTriggers, Level: Documented, Source: srcTrigger,
		Setting:   "customMessageTrigger.enabled",
		Behaviour: "The trigger runs as CustomMessage_VerifyUserAttribute and receives ClientMetadata verbatim (absent stays null, {} stays {})."},
	{ID: "trigger.validation", Topic: TopicTriggers, Level: Observed, Source: "https://github.com/aws-amplify/amplify-flutter/pull/1051; https://github.com/aws-amplify/amplify-js/issues/9127",
		Setting:   "customMessageTrigger.failures",
		Behaviour: "A trigger that throws gets UserLambdaValidationException \"CustomMessage failed with error <its message>.\" (no colon)."},
	{ID: "trigger.unexpected", Topic: TopicTriggers, Level: Observed, Source: "https://github.com/furaiev/amazon-cognito-identity-dart-2/issues/204",
		Setting:   "customMessageTrigger.failures",
		Behaviour: "A trigger that cannot be invoked gets UnexpectedLambdaException \"CustomMessage invocation failed due to error <reason>.\"."},
	{ID: "trigger.invalid-output", Topic: TopicTriggers, Level: Observed, Source: "https://github.com/amazon-archives/amazon-cognito-identity-js/issues/167; https://github.com/awslabs/aws-sdk-android-samples/issues/165",
		Setting:   "customMessageTrigger.failures",
		Behaviour: "A trigger answer the service cannot use gets InvalidLambdaResponseException \"Unrecognizable lambda output\"."},
	{ID: "trigger.default-email", Topic: TopicTriggers, Level: Documented, Source: srcTrigger + " (message inferred from trigger.invalid-output)",
		Setting:   "customMessageTrigger.returnsEmailMessage",
		Behaviour: "A trigger answering emailMessage while the pool sends with COGNITO_DEFAULT gets InvalidLambdaResponseException."},

	// Codes.
	{ID: "code.validity", Topic: TopicCodes, Level: Documented, Source: srcQuotas + "#resource-quotas-cup-codes",
		Behaviour: "A verification code is valid for 24 hours."},
	{ID: "code.format", Topic: TopicCodes, Level: Inferred, Source: srcFloci2018 + " (codes of a real pool used in the review)",
		Behaviour: "Codes are 6 decimal digits."},
	{ID: "code.verifies", Topic: TopicCodes, Level: Documented, Source: "https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_VerifyUserAttribute.html",
		Behaviour: "The delivered code verifies its attribute with VerifyUserAttribute; GetUser then shows <attribute>_verified true."},
	{ID: "code.supersession", Topic: TopicCodes, Level: Assumed, Source: srcNoCaptures,
		Behaviour: "Only the newest code of an attribute verifies; an older one gets CodeMismatchException."},
	{ID: "code.reused", Topic: TopicCodes, Level: Observed, Source: srcFloci2018 + "; " + srcIOS144,
		Behaviour: "A used or expired code gets ExpiredCodeException \"Invalid code provided, please request a code again.\"."},
	{ID: "code.mismatch", Topic: TopicCodes, Level: Observed, Source: srcFloci2018,
		Behaviour: "A wrong code gets CodeMismatchException \"Invalid verification code provided, please try again.\"."},

	// Status codes.
	{ID: "status.observed", Topic: TopicStatus, Level: Observed, Source: "https://github.com/ellaisys/aws-cognito/issues/94; https://github.com/aws/aws-sdk-java/issues/2301; https://github.com/ravenscar/franken-srp/issues/13",
		Setting:   "statusMode: observed",
		Behaviour: "Client faults are sent with 400 (NotAuthorized, TooManyRequests, UserNotFound and LimitExceeded were captured so), ForbiddenException with 403 \"Request not allowed due to WAF block.\", InternalErrorException with 500; 400 for errors never captured is assumed."},
	{ID: "status.model", Topic: TopicStatus, Level: Documented, Source: srcModel + " trait smithy.api#httpError",
		Setting:   "statusMode: model",
		Behaviour: "The model's view, not the service's: 403 NotAuthorized and Forbidden, 404 UserNotFound and ResourceNotFound, 429 TooManyRequests, 401 Unauthorized. No capture shows the service sending 403, 404 or 429 for these errors; it serves SDK users who test against the model."},

	// Other operations.
	{ID: "op.revoke-token", Topic: TopicOperations, Level: Inferred, Source: srcModel + " operation RevokeToken (declared errors)",
		Behaviour: "RevokeToken answers only its declared errors: an unknown app client or another client's token is UnauthorizedException, an access or ID token is UnsupportedTokenTypeException; an unknown refresh token succeeds (RFC 7009)."},
	{ID: "op.describe", Topic: TopicOperations, Level: Documented, Source: srcModel + " shapes UserPoolType, UserPoolClientType, EmailConfigurationType, SmsConfigurationType, LambdaConfigType",
		Setting:   "delivery.email.sendingAccount, delivery.sms.enabled, customMessageTrigger.enabled, passwordPolicy, usernameAttributes, clients",
		Behaviour: "DescribeUserPool and DescribeUserPoolClient answer the model's shapes filled from the pool configuration: the email sending account (with an SES identity for DEVELOPER), an SMS role when SMS is on, the CustomMessage trigger's ARN when it is on, the password policy, the username attributes, each client's auth flows and token validities (minutes, or days for refresh tokens, when they divide evenly). The ARNs name made-up resources in account 000000000000."},
	{ID: "op.password-policy", Topic: TopicOperations, Level: Inferred,
		Source:    "https://docs.aws.amazon.com/cognito/latest/developerguide/managing-users-passwords.html (policy and its default); https://github.com/data-dot-all/dataall/issues/690 (the message for a missing number, from AdminCreateUser)",
		Setting:   "passwordPolicy",
		Behaviour: "The passwords AdminCreateUser and AdminSetUserPassword set must meet the pool's policy (default: 8 characters with an upper-case and a lower-case letter, a number and a symbol), else InvalidPasswordException \"Password did not conform with password policy: <reason>\"; the reason for a missing number is observed, the others follow its form."},
	{ID: "op.username-attributes", Topic: TopicOperations, Level: Observed,
		Source:    "https://github.com/boto/boto3/issues/3836 (\"Username should be an email.\" from AdminCreateUser); https://github.com/getmoto/moto/issues/4249 (the generated username, against the real service)",
		Setting:   "usernameAttributes",
		Behaviour: "In a pool whose users sign in with their email address (or phone number), AdminCreateUser's Username must be one (InvalidParameterException \"Username should be an email.\" otherwise), becomes the email attribute, and the user's username is a generated UUID equal to sub; the address is accepted wherever a username is. The messages for phone-number pools and pools allowing both follow the observed form."},
	{ID: "op.list-users", Topic: TopicOperations, Level: Documented, Source: srcModel + " operation ListUsers (Filter, Limit, PaginationToken)",
		Behaviour: "ListUsers pages the live users in creation order, at most 60 a page, filtered by `attribute = \"value\"` or `attribute ^= \"value\"` on the searchable attributes (username, email, phone_number, name, given_name, family_name, preferred_username, cognito:user_status, status, sub)."},
	{ID: "op.list-users-errors", Topic: TopicOperations, Level: Assumed, Source: srcNoCaptures,
		Behaviour: "A malformed filter, an unsearchable attribute and a bad pagination token answer InvalidParameterException with the mock's own messages."},
	{ID: "op.internal-error", Topic: TopicOperations, Level: Assumed, Source: srcModel + " error InternalErrorException (message: " + srcNoCaptures + ")",
		Setting:   "faults",
		Behaviour: "Injected faults answer the catalog's message for their type, e.g. InternalErrorException \"Internal server error.\"."},
}

var byID = func() map[string]int {
	m := make(map[string]int, len(ledger))
	for i, e := range ledger {
		if _, dup := m[e.ID]; dup {
			panic("evidence: duplicate ledger id " + e.ID)
		}
		m[e.ID] = i
	}
	return m
}()

// Ledger returns every entry, in topic order.
func Ledger() []Entry {
	out := slices.Clone(ledger)
	order := map[string]int{}
	for i, t := range Topics() {
		order[t] = i
	}
	slices.SortStableFunc(out, func(a, b Entry) int { return order[a.Topic] - order[b.Topic] })
	return out
}

// Lookup finds an entry by id.
func Lookup(id string) (Entry, bool) {
	i, ok := byID[id]
	if !ok {
		return Entry{}, false
	}
	return ledger[i], true
}

// Must returns the entries of ids, panicking on an unknown id: callers name
// ids in code, and a test of theirs catches the typo at once.
func Must(ids ...string) []Entry {
	out := make([]Entry, 0, len(ids))
	for _, id := range ids {
		e, ok := Lookup(id)
		if !ok {
			panic(fmt.Sprintf("evidence: unknown ledger id %q", id))
		}
		out = append(out, e)
	}
	return out
}

// Weakest returns the weakest level among entries (Documented for none).
func Weakest(entries []Entry) Level {
	w := Documented
	for _, e := range entries {
		if e.Level.Weaker(w) {
			w = e.Level
		}
	}
	return w
}
