package mock

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/cogload/cogload/cognito"
)

// TestAdminProvisioning walks the conformance suite's --provision path and
// the admin state changes through the SDK (SigV4-signed with dummy keys).
func TestAdminProvisioning(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.Quotas.RPS, c.Quotas.Burst = ptr(3.0), ptr(3) })
	admin := cip.New(cip.Options{
		Region: "us-east-1", BaseEndpoint: aws.String(e.ts.URL), Retryer: aws.NopRetryer{}, HTTPClient: e.ts.Client(),
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "secret"}, nil
		}),
	})
	ctx := e.ctx()
	pool, err := admin.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("conform-1")})
	if err != nil {
		t.Fatal(err)
	}
	poolID := pool.UserPool.Id
	if aws.ToString(poolID) == e.info.UserPoolID {
		t.Fatal("new pool reuses the default pool id")
	}
	cl, err := admin.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{
		UserPoolId: poolID, ClientName: aws.String("c"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth},
	})
	if err != nil {
		t.Fatal(err)
	}
	clientID := cl.UserPoolClient.ClientId
	_, err = admin.AdminCreateUser(ctx, &cip.AdminCreateUserInput{
		UserPoolId: poolID, Username: aws.String("pat"), TemporaryPassword: aws.String("Temp-1234"),
		MessageAction:  types.MessageActionTypeSuppress,
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String("pat@example.net")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = admin.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: poolID, Username: aws.String("pat")})
	wantAPIError(t, err, cognito.ErrUsernameExists, "")
	login := func(pw string) (*cip.InitiateAuthOutput, error) {
		return e.c.InitiateAuth(ctx, &cip.InitiateAuthInput{AuthFlow: "USER_PASSWORD_AUTH", ClientId: clientID,
			AuthParameters: map[string]string{"USERNAME": "pat", "PASSWORD": pw}})
	}
	if out, err := login("Temp-1234"); err != nil || out.ChallengeName != types.ChallengeNameTypeNewPasswordRequired {
		t.Fatalf("temporary password login: %v %v", out, err)
	}
	if _, err := admin.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: poolID, Username: aws.String("pat"), Password: aws.String("Perm-5678"), Permanent: true}); err != nil {
		t.Fatal(err)
	}
	out, err := login("Perm-5678")
	if err != nil || out.AuthenticationResult == nil {
		t.Fatalf("login: %v", err)
	}
	tok := aws.ToString(out.AuthenticationResult.AccessToken)
	res, err := e.guavc(tok, "email", nil)
	if err != nil || aws.ToString(res.CodeDeliveryDetails.Destination) != "p***@e***" {
		t.Fatalf("GUAVC in the new pool: %v", err)
	}
	// The category quota is account-wide: pools share it.
	_, _ = e.guavc(e.mint("alice", ""), "email", nil)
	_, _ = e.guavc(e.mint("bob", ""), "email", nil)
	_, err = e.guavc(tok, "email", nil)
	wantAPIError(t, err, cognito.ErrTooManyRequests, cognito.MsgRateExceeded)
	e.srv.Reset()
	later := func(tok, attr string, md map[string]string) (*cip.GetUserAttributeVerificationCodeOutput, error) {
		e.clock.Advance(time.Second) // stay under the 3 RPS category quota
		return e.guavc(tok, attr, md)
	}

	got, err := admin.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: poolID, Username: aws.String("pat")})
	if err != nil || got.UserStatus != types.UserStatusTypeConfirmed || !got.Enabled {
		t.Fatalf("AdminGetUser: %+v %v", got, err)
	}
	if _, err := admin.AdminUpdateUserAttributes(ctx, &cip.AdminUpdateUserAttributesInput{UserPoolId: poolID, Username: aws.String("pat"),
		UserAttributes: []types.AttributeType{{Name: aws.String("phone_number"), Value: aws.String("+15555550123")}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := later(tok, "phone_number", nil); err != nil {
		t.Fatalf("GUAVC after AdminUpdateUserAttributes: %v", err)
	}
	if _, err := admin.AdminUserGlobalSignOut(ctx, &cip.AdminUserGlobalSignOutInput{UserPoolId: poolID, Username: aws.String("pat")}); err != nil {
		t.Fatal(err)
	}
	_, err = later(tok, "email", nil)
	wantAPIError(t, err, cognito.ErrNotAuthorized, cognito.MsgAccessTokenRevoked)

	out, _ = login("Perm-5678")
	tok = aws.ToString(out.AuthenticationResult.AccessToken)
	if _, err := admin.AdminDisableUser(ctx, &cip.AdminDisableUserInput{UserPoolId: poolID, Username: aws.String("pat")}); err != nil {
		t.Fatal(err)
	}
	_, err = later(tok, "email", nil)
	wantAPIError(t, err, cognito.ErrNotAuthorized, cognito.MsgAccessTokenRevoked)
	_, err = login("Perm-5678")
	wantAPIError(t, err, cognito.ErrNotAuthorized, cognito.MsgUserDisabled)
	if _, err := admin.AdminEnableUser(ctx, &cip.AdminEnableUserInput{UserPoolId: poolID, Username: aws.String("pat")}); err != nil {
		t.Fatal(err)
	}
	out, _ = login("Perm-5678")
	tok = aws.ToString(out.AuthenticationResult.AccessToken)

	if _, err := admin.AdminDeleteUser(ctx, &cip.AdminDeleteUserInput{UserPoolId: poolID, Username: aws.String("pat")}); err != nil {
		t.Fatal(err)
	}
	_, err = later(tok, "email", nil)
	wantAPIError(t, err, cognito.ErrUserNotFound, cognito.MsgUserDoesNotExist)
	_, err = admin.AdminDeleteUser(ctx, &cip.AdminDeleteUserInput{UserPoolId: poolID, Username: aws.String("pat")})
	wantAPIError(t, err, cognito.ErrUserNotFound, "")
	if _, err := admin.DeleteUserPoolClient(ctx, &cip.DeleteUserPoolClientInput{UserPoolId: poolID, ClientId: clientID}); err != nil {
		t.Fatal(err)
	}
	_, err = admin.DeleteUserPoolClient(ctx, &cip.DeleteUserPoolClientInput{UserPoolId: poolID, ClientId: clientID})
	wantAPIError(t, err, cognito.ErrResourceNotFound, "")
	if _, err := admin.DeleteUserPool(ctx, &cip.DeleteUserPoolInput{UserPoolId: poolID}); err != nil {
		t.Fatal(err)
	}
	_, err = admin.DeleteUserPool(ctx, &cip.DeleteUserPoolInput{UserPoolId: poolID})
	wantAPIError(t, err, cognito.ErrResourceNotFound, "")
}
