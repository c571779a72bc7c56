package mock

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/cogload/cogload/cognito"
	"github.com/cogload/cogload/mock/sidedoor"
)

// The tests here pin the behaviours a source audit corrected; each names
// its ledger entry (docs/fidelity.md). They go through aws-sdk-go-v2 with
// retries off, as every client of the mock does.

func httpStatus(t *testing.T, err error) int {
	t.Helper()
	var re *smithyhttp.ResponseError
	if !errors.As(err, &re) {
		t.Fatalf("%v carries no HTTP response", err)
	}
	return re.HTTPStatusCode()
}

// delivery.no-sms
func TestPhoneWithoutSMSConfiguration(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.Delivery.SMS.Enabled = ptr(false) })
	_, err := e.guavc(e.mint("alice", sidedoor.KindAccess), "phone_number", nil)
	wantAPIError(t, err, cognito.ErrInvalidParameter, cognito.MsgNoSMSConfiguration)
}

// status.observed: the WAF block was captured with 403.
func TestForbiddenIsSentWith403(t *testing.T) {
	for _, mode := range []cognito.StatusMode{cognito.StatusObserved, cognito.StatusModel} {
		e := newEnv(t, func(c *Config) { c.Faults = map[string]float64{cognito.ErrForbidden: 1} }, WithStatusMode(mode))
		_, err := e.guavc(e.mint("alice", sidedoor.KindAccess), "email", nil)
		wantAPIError(t, err, cognito.ErrForbidden, cognito.MsgWAFBlock)
		if got := httpStatus(t, err); got != http.StatusForbidden {
			t.Errorf("%s mode: status %d, want 403", mode, got)
		}
	}
}

// validate.constraints, validate.empty-name, validate.map-message
func TestValidationAsTheModelRevisionSays(t *testing.T) {
	e := newEnv(t, nil)
	tok := e.mint("alice", sidedoor.KindAccess)
	_, err := e.guavc(tok, "e mail", nil)
	wantAPIError(t, err, cognito.ErrInvalidParameter, cognito.MsgInvalidAttributeName)
	_, err = e.guavc(tok, "", nil)
	wantAPIError(t, err, cognito.ErrInvalidParameter, "2 validation errors detected: "+
		"Value '' at 'attributeName' failed to satisfy constraint: Member must have length greater than or equal to 1; "+
		"Value '' at 'attributeName' failed to satisfy constraint: Member must satisfy regular expression pattern: "+cognito.AttributeNamePattern)
	_, err = e.guavc(tok, "email", map[string]string{"k": strings.Repeat("v", cognito.ClientMetadataMaxLen+1)})
	wantAPIError(t, err, cognito.ErrInvalidParameter, "1 validation error detected: Value at 'clientMetadata' failed to satisfy constraint: "+
		"Map value must satisfy constraint: [Member must have length less than or equal to 131072, Member must have length greater than or equal to 0]")
}

// token.refresh-invalid, op.revoke-token
func TestRefreshAndRevokeTokenErrors(t *testing.T) {
	e := newEnv(t, nil)
	access, id, refresh := e.login("alice")
	_, err := e.c.InitiateAuth(e.ctx(), &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeRefreshTokenAuth, ClientId: aws.String(e.info.ClientID),
		AuthParameters: map[string]string{"REFRESH_TOKEN": refresh + "x"}})
	wantAPIError(t, err, cognito.ErrNotAuthorized, "Invalid Refresh Token.")

	revoke := func(client, tok string) error {
		_, err := e.c.RevokeToken(e.ctx(), &cip.RevokeTokenInput{ClientId: aws.String(client), Token: aws.String(tok)})
		return err
	}
	wantAPIError(t, revoke("nosuchclient", refresh), cognito.ErrUnauthorized, "")
	wantAPIError(t, revoke(e.info.ClientID, access), cognito.ErrUnsupportedTokenType, "")
	wantAPIError(t, revoke(e.info.ClientID, id), cognito.ErrUnsupportedTokenType, "")
	if err := revoke(e.info.ClientID, "unknownrefreshtoken"); err != nil {
		t.Errorf("unknown refresh token: %v, want success (RFC 7009)", err)
	}
	if err := revoke(e.info.ClientID, refresh); err != nil {
		t.Fatalf("revoke: %v", err)
	}
	_, err = e.guavc(access, "email", nil)
	wantAPIError(t, err, cognito.ErrNotAuthorized, cognito.MsgAccessTokenRevoked)
}

// attr.email-format
func TestAdminUpdateUserAttributesRefusesMalformedValues(t *testing.T) {
	e := newEnv(t, nil)
	update := func(name, value string) error {
		_, err := e.c.AdminUpdateUserAttributes(e.ctx(), &cip.AdminUpdateUserAttributesInput{UserPoolId: aws.String(e.info.UserPoolID),
			Username: aws.String("bob"), UserAttributes: []types.AttributeType{{Name: aws.String(name), Value: aws.String(value)}}})
		return err
	}
	for _, bad := range []string{"not-an-email", "a@b", "a b@example.com", "@example.com"} {
		wantAPIError(t, update("email", bad), cognito.ErrInvalidParameter, cognito.MsgInvalidEmailFormat)
	}
	wantAPIError(t, update("phone_number", "555 0100"), cognito.ErrInvalidParameter, cognito.MsgInvalidPhoneFormat)
	if err := update("email", "bob.new@example.org"); err != nil {
		t.Fatalf("a well-formed address: %v", err)
	}
}

// quota.categories, quota.shared: operations of one category share its
// bucket; GUAVC's category is configurable.
func TestCategoryBucketsAreShared(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.Quotas.Categories = map[string]float64{cognito.CategoryUserRead: 2} })
	access, _, _ := e.login("alice")
	if _, err := e.c.GetUser(e.ctx(), &cip.GetUserInput{AccessToken: aws.String(access)}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.c.AdminGetUser(e.ctx(), &cip.AdminGetUserInput{UserPoolId: aws.String(e.info.UserPoolID), Username: aws.String("bob")}); err != nil {
		t.Fatal(err)
	}
	_, err := e.c.GetUser(e.ctx(), &cip.GetUserInput{AccessToken: aws.String(access)})
	wantAPIError(t, err, cognito.ErrTooManyRequests, cognito.MsgRateExceeded)
	// GUAVC is in another category.
	if _, err := e.guavc(access, "email", nil); err != nil {
		t.Fatalf("GUAVC: %v", err)
	}

	// Put GUAVC in UserUpdate: VerifyUserAttribute now draws on its bucket.
	e = newEnv(t, func(c *Config) { c.Quotas.Category = cognito.CategoryUserUpdate; c.Quotas.RPS = ptr(2.0) })
	tok := e.mint("alice", sidedoor.KindAccess)
	if _, err := e.guavc(tok, "email", nil); err != nil {
		t.Fatal(err)
	}
	_, err = e.c.VerifyUserAttribute(e.ctx(), &cip.VerifyUserAttributeInput{AccessToken: aws.String(tok), AttributeName: aws.String("email"), Code: aws.String("000000")})
	wantAPIError(t, err, cognito.ErrCodeMismatch, "")
	_, err = e.guavc(tok, "email", nil)
	wantAPIError(t, err, cognito.ErrTooManyRequests, cognito.MsgRateExceeded)
}

// quota.counting, quota.throttled-not-counted
func TestWhichRequestsCountAgainstTheCategory(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.Quotas.RPS, c.Quotas.Burst = ptr(1.0), ptr(2) })
	tok := e.mint("alice", sidedoor.KindAccess)
	// Neither a model-invalid request nor a token of no pool of the
	// account can be charged to it.
	for range 5 {
		_, err := e.guavc("not+a+token", "email", nil)
		wantAPIError(t, err, cognito.ErrInvalidParameter, "")
		_, err = e.guavc("garbage", "email", nil)
		wantAPIError(t, err, cognito.ErrNotAuthorized, cognito.MsgInvalidAccessToken)
	}
	// A genuine token counts even when the request is refused later.
	_, err := e.guavc(tok, "custom:team", nil)
	wantAPIError(t, err, cognito.ErrInvalidParameter, cognito.MsgInvalidAttributeName)
	if _, err := e.guavc(tok, "email", nil); err != nil {
		t.Fatalf("second request of the burst: %v", err)
	}
	_, err = e.guavc(tok, "email", nil)
	wantAPIError(t, err, cognito.ErrTooManyRequests, cognito.MsgRateExceeded)
	// Refused requests take nothing: one second refills exactly one.
	for range 3 {
		_, _ = e.guavc(tok, "email", nil)
	}
	e.clock.Advance(time.Second)
	if _, err := e.guavc(tok, "email", nil); err != nil {
		t.Fatalf("after a second: %v", err)
	}
}

// limit.codes-counting: every request of the user counts, unless the pool
// says only code requests do.
func TestCodeLimitCountsRequests(t *testing.T) {
	for _, tc := range []struct {
		counts      string
		sixthRefuse bool
	}{{CountRequests, true}, {CountCodes, false}} {
		e := newEnv(t, func(c *Config) { c.Quotas.CodeLimitCounts = tc.counts })
		tok := e.mint("alice", sidedoor.KindAccess)
		for range 5 {
			_, err := e.guavc(tok, "name", nil)
			wantAPIError(t, err, cognito.ErrInvalidParameter, cognito.MsgInvalidAttributeName)
			e.clock.Advance(time.Second)
		}
		_, err := e.guavc(tok, "email", nil)
		if tc.sixthRefuse {
			wantAPIError(t, err, cognito.ErrLimitExceeded, cognito.MsgAttemptLimit)
		} else if err != nil {
			t.Errorf("codes: the first code request after 5 refused ones: %v", err)
		}
	}
}

// limit.verify
func TestVerifyUserAttributeHourlyLimit(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.Quotas.VerifyPerUserPerHour = ptr(3) })
	tok := e.mint("alice", sidedoor.KindAccess)
	verify := func() error {
		e.clock.Advance(time.Second)
		_, err := e.c.VerifyUserAttribute(e.ctx(), &cip.VerifyUserAttributeInput{AccessToken: aws.String(tok), AttributeName: aws.String("email"), Code: aws.String("000000")})
		return err
	}
	for range 3 {
		wantAPIError(t, verify(), cognito.ErrCodeMismatch, "")
	}
	wantAPIError(t, verify(), cognito.ErrLimitExceeded, cognito.MsgAttemptLimit)
	e.clock.Advance(time.Hour)
	tok = e.mint("alice", sidedoor.KindAccess) // the old one expired meanwhile
	wantAPIError(t, verify(), cognito.ErrCodeMismatch, "")
}

// token.other-pool: the request names no pool, so a genuine token of any
// pool of the account works for its own user.
func TestGenuineTokenOfAnotherPoolIsAccepted(t *testing.T) {
	e := newEnv(t, nil)
	ctx := e.ctx()
	pool, err := e.c.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("second")})
	if err != nil {
		t.Fatal(err)
	}
	client, err := e.c.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: pool.UserPool.Id, ClientName: aws.String("c"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.c.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: pool.UserPool.Id, Username: aws.String("sam"),
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String("sam@example.net")}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.c.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: pool.UserPool.Id, Username: aws.String("sam"),
		Password: aws.String(testPassword), Permanent: true}); err != nil {
		t.Fatal(err)
	}
	out, err := e.c.InitiateAuth(ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeUserPasswordAuth, ClientId: client.UserPoolClient.ClientId,
		AuthParameters: map[string]string{"USERNAME": "sam", "PASSWORD": testPassword}})
	if err != nil {
		t.Fatal(err)
	}
	res, err := e.guavc(aws.ToString(out.AuthenticationResult.AccessToken), "email", nil)
	if err != nil || aws.ToString(res.CodeDeliveryDetails.Destination) != "s***@e***" {
		t.Fatalf("token of the second pool: %v", err)
	}
	// A token of an issuer the endpoint does not know is refused.
	_, err = e.guavc(e.mint("alice", sidedoor.KindOtherPool), "email", nil)
	wantAPIError(t, err, cognito.ErrNotAuthorized, cognito.MsgInvalidAccessToken)
}
