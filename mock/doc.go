// Package mock is a faithful local Amazon Cognito user pools service for
// GetUserAttributeVerificationCode (GUAVC) and the operations around it.
//
// It is an [http.Handler]: serve it with httptest in your own tests, or run
// `cogload mock`. It imports only the cogload/cognito wire contract, the
// cogload/domain vocabulary and leaf internal utilities (internal/input
// reads and strictly decodes pool configuration files), so it can be
// lifted into anyone's tests.
//
//	srv, _ := mock.New(cfg, mock.WithSeed(1))
//	ts := httptest.NewServer(srv)
//	info := srv.Info(ts.URL) // endpoint, region, userPoolId, clientId, users
//
// # Wire
//
// AWS JSON 1.1 on POST / dispatched by X-Amz-Target, errors encoded exactly
// as the service does (cognito.WriteError: x-amzn-ErrorType "Name:",
// x-amzn-ErrorMessage, {"__type","message"}), x-amzn-RequestId on every
// response. Status codes follow the status mode: observed (400 for every
// client fault, 500 for InternalErrorException; the default) or model (the
// API model's @httpError).
//
// Every behaviour that copies the service is a decision with an evidence
// level (documented, observed, inferred, assumed), a public source and the
// setting that changes it: the ledger in package mock/evidence, rendered as
// docs/fidelity.md and by `cogload mock --explain`. Protocol decisions:
//   - Content-Type application/x-amz-json-1.1 and application/json are
//     accepted, as is a missing one; anything else is SerializationException.
//   - Bodies over [MaxBodyBytes], nested deeper than [MaxJSONDepth], holding
//     invalid UTF-8 or not a JSON object are SerializationException; a JSON
//     value of the wrong type for a member is SerializationException too.
//   - An empty body is an empty request (the required members are then
//     reported null by validation).
//   - Member names are matched case-sensitively and unknown members are
//     ignored; a JSON null counts as absent.
//   - A request naming no operation (GET /, a missing X-Amz-Target or
//     another service's prefix) gets the captured 404
//     {"code":"BadRequest",...}; an unknown operation of this service is
//     UnknownOperationException.
//
// Operations: GetUserAttributeVerificationCode, VerifyUserAttribute,
// InitiateAuth (USER_PASSWORD_AUTH, REFRESH_TOKEN_AUTH and its alias
// REFRESH_TOKEN), GetUser, GlobalSignOut, RevokeToken, and for provisioning
// CreateUserPool, DeleteUserPool, CreateUserPoolClient, DeleteUserPoolClient,
// AdminCreateUser, AdminSetUserPassword, AdminGetUser, AdminDisableUser,
// AdminEnableUser, AdminDeleteUser, AdminUserGlobalSignOut and
// AdminUpdateUserAttributes, and the read-only DescribeUserPool,
// DescribeUserPoolClient and ListUsers (SigV4 is not checked). One Server
// is one AWS account: the configured pool is the default, created pools
// live beside it and the account-wide quotas are shared across all of
// them. The pool configuration's password policy is enforced on the
// passwords AdminCreateUser and AdminSetUserPassword set; its
// usernameAttributes make the address given as a new user's Username the
// email (or phone_number) attribute and the username a UUID, with the
// address accepted wherever a username is (see admin_users.go for the
// evidence).
//
// # GetUserAttributeVerificationCode: order of checks
//
//  1. protocol and JSON (above);
//  2. model validation → InvalidParameterException "N validation error(s)
//     detected: ..." (cognito.ValidateGUAVC);
//  3. injected faults (faults: GUAVC error type → probability; only GUAVC
//     draws them);
//  4. the token itself: structure, RS256 pinned (alg none, HS256 and
//     unknown kids refused), signature, issuer, token_use (an ID token is
//     "Invalid Access Token"); such requests name no pool of the account
//     and are charged to no quota;
//  5. the request-rate category, shared by every operation of the category
//     and every pool (quotas.category, default UserResourceRead at 50 RPS;
//     quotas.rps/burst) → TooManyRequestsException "Rate exceeded";
//  6. the rest of the token: pool deleted (ResourceNotFoundException),
//     expiry ("Access Token has expired"), client (unknown: "Invalid Access
//     Token"; deleted: ResourceNotFoundException), scope ("Access Token does
//     not have required scopes"), revocation ("Access Token has been
//     revoked"); then the user: missing or deleted → UserNotFoundException
//     "User does not exist."; disabled → "Access Token has been revoked";
//     UNCONFIRMED → UserNotConfirmedException; RESET_REQUIRED →
//     PasswordResetRequiredException;
//  7. the user's read rate (quotas.perUserRps, default 10, shared with
//     GetUser) → TooManyRequestsException;
//  8. requests per user per hour (quotas.codesPerUserPerHour, default 5,
//     sliding or fixed window) → LimitExceededException "Attempt limit
//     exceeded, please try after some time."; every request counts
//     (quotas.codeLimitCounts: requests), or with codes only requests that
//     pass step 9, checked after it;
//  9. attribute rules: only email and phone_number → InvalidParameterException
//     "Invalid attribute name. Only phone_number and email can be verified.";
//     no value → "User does not have a valid registered email address" /
//     "... phone number"; an already verified attribute still gets a code;
//  10. the CustomMessage_VerifyUserAttribute trigger, when enabled: its
//     latency, its failures (UserLambdaValidationException "CustomMessage
//     failed with error ...", UnexpectedLambdaException "CustomMessage
//     invocation failed due to error ...", InvalidLambdaResponseException
//     "Unrecognizable lambda output"), also when it returns emailMessage while
//     the pool sends with COGNITO_DEFAULT (returnsEmailMessage). It receives
//     ClientMetadata verbatim: absent (null) and {} stay apart in the outbox;
//  11. delivery: email role error, the COGNITO_DEFAULT daily limit (default
//     50 a day account-wide, reset at 09:00 UTC) → LimitExceededException
//     "Exceeded daily email limit ...", email failure rate →
//     CodeDeliveryFailureException; no SMS configuration →
//     InvalidParameterException "User pool does not have SMS configuration
//     to send messages.", SMS role error, SMS failure rate;
//  12. success: a 6-digit code valid 24 hours (seeded), an outbox entry and
//     {"CodeDeliveryDetails":{"AttributeName","DeliveryMedium","Destination"}}
//     with the destination masked the service's way (a***@e***, +*******8920).
//
// Every other operation counts against its own category (InitiateAuth and
// RevokeToken once their app client is known, the admin operations on
// arrival); VerifyUserAttribute also has its per-user write rate and its
// 15 requests per user per hour (quotas.verifyPerUserPerHour).
//
// # Latency
//
// Every request is handled as it arrives (quotas, tokens and codes are
// judged then); its answer is then held for a latency sample, through the
// injected sleep, before it is written. The sample comes from the pool's
// model (latency), or, for a GetUserAttributeVerificationCode answer whose
// outcome ("ok" or an error type) has one, from that outcome's model
// (latency.outcomes), less the time the trigger's latency already took.
// A model is one of:
//   - a lognormal fitted to p50 and p99 (evidence: assumed; the usual
//     shape of a service's latency, and the two numbers a latency
//     dashboard shows);
//   - an empirical quantile table (quantiles: q from 0 to 1 with the
//     latency at each), sampled by inverting it with linear interpolation
//     between entries (evidence: calibrated from archives: `cogload
//     calibrate` reads one table per outcome off the latency histograms
//     of runs against a real pool, with the archives, sample counts and
//     confidence intervals in comments; see docs/calibration.md).
//
// The same command calibrates the faults (the service's own
// InternalErrorException rate), the delivery failure rates, the trigger's
// failures and latency, the category quota's rate and burst (from a
// throttle probe's per-second series) and the generated users' phone and
// email shares (evidence: calibrated from archives; each value's comment
// names them). It fits the quota assuming the mock's order of checks:
// injected faults come before the category bucket and take no token.
// [WithNoLimits] switches off steps 3, 5, 7, 8, the daily limit, failure
// rates, trigger failures and all latency; the token is still verified.
//
// # Tokens
//
// Access and ID tokens are RS256 JWTs signed with two different 2048-bit
// keys per pool (each with its kid), with the service's claims; the JWKS is
// at GET /{poolId}/.well-known/jwks.json. Refresh tokens are opaque and kept
// server-side. Every login starts a token family (origin_jti): RevokeToken
// revokes a refresh token's family, GlobalSignOut, AdminUserGlobalSignOut
// and AdminDisableUser revoke all the user's families (re-enabling does not
// restore them). Keys are generated once per process and pool index and
// reused by later servers.
//
// # Side doors
//
// Package mock/sidedoor defines the paths and shapes of the /_mock/ doors
// and a typed Client for them.
//
//	GET    /healthz                     200 "ok"
//	GET    /metrics                     Prometheus (own registry): cogmock_requests_total{operation,outcome},
//	                                    cogmock_request_duration_seconds{operation}
//	GET    /{poolId}/.well-known/jwks.json
//	GET    /_mock/info                  sidedoor.Info (endpoint from the Host header)
//	GET    /_mock/outbox?username=&attribute=&poolId=&limit=
//	                                    {"deliveries":[{time,poolId,username,attribute,medium,destination,
//	                                    code,clientMetadata,triggerSource}]} oldest first; a bounded ring
//	                                    (outboxSize, default 1000); limit keeps the newest
//	DELETE /_mock/outbox                clears it
//	POST   /_mock/tokens                {"username","kind","poolId","clientId"} → {"token"}; kinds: access,
//	                                    expired, wrong_scope, other_pool, other_client, id_token,
//	                                    unknown_kid, hs256, alg_none
//	GET    /_mock/users/{username}?poolId=   the user's state (never the password)
//	POST   /_mock/users/{username}?poolId=   {"status","enabled","deleted","attributes"} changes it
//	                                    (disabling revokes tokens; an empty attribute value deletes it)
//	POST   /_mock/reset                 resets quota counters and the outbox
//
// # Differences from the real service (uncertain or simplified)
//
// docs/fidelity.md lists every inferred and assumed behaviour; the largest:
//
//   - Which requests count against a quota, the size of a category's burst
//     and the per-user window (sliding) are not documented.
//   - Whether a new code invalidates an unconsumed older one is not
//     documented: the mock keeps only the newest code per attribute, so an
//     older one answers CodeMismatchException. A consumed or expired code
//     answers ExpiredCodeException.
//   - Disabled users' tokens answer "Access Token has been revoked" (the API
//     says AdminDisableUser revokes tokens; no capture found); deleted users'
//     tokens answer UserNotFoundException.
//   - Messages for UserNotConfirmedException, PasswordResetRequiredException
//     and ResourceNotFoundException on GUAVC have no real captures.
//   - RevokeToken with an unknown refresh token succeeds (RFC 7009).
//   - ListUsers: the messages for a malformed filter, an unsearchable
//     attribute and a bad pagination token are assumed.
//   - No SRP, custom auth, MFA or device tracking; NEW_PASSWORD_REQUIRED is
//     returned as a challenge but RespondToAuthChallenge is not served.
//   - Token signatures are always verified, once per distinct token: a
//     token whose exact bytes already verified under the same key skips
//     the RSA check ([WithSignatureCache], on by default; `cogload mock
//     --verify-every-request` turns it off). Every other check of step 5
//     and step 6 runs on every request. Keys are not persisted, so tokens
//     do not survive a restart.
package mock
