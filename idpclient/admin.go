package idpclient

import (
	"context"
	"errors"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cogload/cogload/cognito"
)

// The admin calls. On the real service they need SigV4 (Config.Credentials)
// and IAM rights for cognito-idp:<Operation> on the pool.

// errNoID reports an answer that lacks the id of what was created.
var errNoID = errors.New("the answer has no id")

// CreateUserPool creates a user pool named name in which only an
// administrator can create users (nobody signs themselves up into a pool
// made for testing) and returns its id.
func (c *Client) CreateUserPool(ctx context.Context, name string) (string, error) {
	out, err := call(ctx, c.sdk.CreateUserPool, &cip.CreateUserPoolInput{
		PoolName:              aws.String(name),
		AdminCreateUserConfig: &types.AdminCreateUserConfigType{AllowAdminCreateUserOnly: true},
	}, cognito.OpCreateUserPool, "")
	if err != nil {
		return "", err
	}
	if out.UserPool == nil || aws.ToString(out.UserPool.Id) == "" {
		return "", &Error{Op: cognito.OpCreateUserPool, Err: errNoID, text: "CreateUserPool: " + errNoID.Error()}
	}
	return *out.UserPool.Id, nil
}

// DeleteUserPool deletes a user pool with its users and app clients.
func (c *Client) DeleteUserPool(ctx context.Context, poolID string) error {
	_, err := call(ctx, c.sdk.DeleteUserPool, &cip.DeleteUserPoolInput{UserPoolId: aws.String(poolID)}, cognito.OpDeleteUserPool, "")
	return err
}

// CreateUserPoolClient creates an app client without a secret that allows
// the flows Login and Refresh use (USER_PASSWORD_AUTH, REFRESH_TOKEN_AUTH)
// and returns its id.
func (c *Client) CreateUserPoolClient(ctx context.Context, poolID, name string) (string, error) {
	out, err := call(ctx, c.sdk.CreateUserPoolClient, &cip.CreateUserPoolClientInput{
		UserPoolId: aws.String(poolID), ClientName: aws.String(name),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth},
	}, cognito.OpCreateUserPoolClient, "")
	if err != nil {
		return "", err
	}
	if out.UserPoolClient == nil || aws.ToString(out.UserPoolClient.ClientId) == "" {
		return "", &Error{Op: cognito.OpCreateUserPoolClient, Err: errNoID, text: "CreateUserPoolClient: " + errNoID.Error()}
	}
	return *out.UserPoolClient.ClientId, nil
}

// DeleteUserPoolClient deletes an app client.
func (c *Client) DeleteUserPoolClient(ctx context.Context, poolID, clientID string) error {
	_, err := call(ctx, c.sdk.DeleteUserPoolClient, &cip.DeleteUserPoolClientInput{UserPoolId: aws.String(poolID), ClientId: aws.String(clientID)},
		cognito.OpDeleteUserPoolClient, "")
	return err
}

// AdminCreateUser creates a user with attrs without sending an invitation
// (MessageAction SUPPRESS) and returns the username the service gave
// them: username itself, or a generated one in pools where users sign in
// with an email address or phone number (username is then that address).
// The user is in FORCE_CHANGE_PASSWORD with temporaryPassword (empty: one
// the service makes up) until AdminSetUserPassword sets a permanent one.
func (c *Client) AdminCreateUser(ctx context.Context, poolID, username, temporaryPassword string, attrs ...Attribute) (string, error) {
	in := &cip.AdminCreateUserInput{
		UserPoolId: aws.String(poolID), Username: aws.String(username), UserAttributes: attributeTypes(attrs),
		MessageAction: types.MessageActionTypeSuppress,
	}
	if temporaryPassword != "" {
		in.TemporaryPassword = aws.String(temporaryPassword)
	}
	out, err := call(ctx, c.sdk.AdminCreateUser, in, cognito.OpAdminCreateUser, username, temporaryPassword)
	if err != nil {
		return "", err
	}
	if out.User == nil || aws.ToString(out.User.Username) == "" {
		return username, nil
	}
	return *out.User.Username, nil
}

// AdminSetUserPassword sets a permanent password, which confirms a user
// created by AdminCreateUser so they can sign in.
func (c *Client) AdminSetUserPassword(ctx context.Context, poolID, username, password string) error {
	_, err := call(ctx, c.sdk.AdminSetUserPassword, &cip.AdminSetUserPasswordInput{
		UserPoolId: aws.String(poolID), Username: aws.String(username), Password: aws.String(password), Permanent: true,
	}, cognito.OpAdminSetUserPassword, username, password)
	return err
}

// AdminDeleteUser deletes a user.
func (c *Client) AdminDeleteUser(ctx context.Context, poolID, username string) error {
	_, err := call(ctx, c.sdk.AdminDeleteUser, &cip.AdminDeleteUserInput{UserPoolId: aws.String(poolID), Username: aws.String(username)},
		cognito.OpAdminDeleteUser, username)
	return err
}

// AdminDisableUser disables a user, which also revokes their tokens.
func (c *Client) AdminDisableUser(ctx context.Context, poolID, username string) error {
	_, err := call(ctx, c.sdk.AdminDisableUser, &cip.AdminDisableUserInput{UserPoolId: aws.String(poolID), Username: aws.String(username)},
		cognito.OpAdminDisableUser, username)
	return err
}

// AdminEnableUser enables a disabled user (their revoked tokens stay
// revoked).
func (c *Client) AdminEnableUser(ctx context.Context, poolID, username string) error {
	_, err := call(ctx, c.sdk.AdminEnableUser, &cip.AdminEnableUserInput{UserPoolId: aws.String(poolID), Username: aws.String(username)},
		cognito.OpAdminEnableUser, username)
	return err
}

// AdminUserGlobalSignOut revokes every token of a user.
func (c *Client) AdminUserGlobalSignOut(ctx context.Context, poolID, username string) error {
	_, err := call(ctx, c.sdk.AdminUserGlobalSignOut, &cip.AdminUserGlobalSignOutInput{UserPoolId: aws.String(poolID), Username: aws.String(username)},
		cognito.OpAdminUserGlobalSignOut, username)
	return err
}

// NotFound reports whether err says the pool, app client or user does not
// exist (ResourceNotFoundException, UserNotFoundException), which a
// cleanup treats as already done.
func NotFound(err error) bool {
	var nf *types.ResourceNotFoundException
	var unf *types.UserNotFoundException
	return errors.As(err, &nf) || errors.As(err, &unf)
}
