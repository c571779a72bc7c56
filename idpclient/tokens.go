package idpclient

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cogload/cogload/cognito"
	"github.com/cogload/cogload/domain"
)

// Tokens is what a sign-in or a refresh returns. Its String, GoString and
// Format never print a token, so Tokens can be logged or wrapped in an
// error without leaking one.
type Tokens struct {
	Access  string
	ID      string
	Refresh string // empty after a refresh unless the pool rotates refresh tokens
	// ExpiresIn is the access token's lifetime as the service announced it.
	ExpiresIn time.Duration
}

func (t Tokens) String() string {
	return fmt.Sprintf("{Access:%s ID:%s Refresh:%s ExpiresIn:%s}", mask(t.Access), mask(t.ID), mask(t.Refresh), t.ExpiresIn)
}

// GoString is used by %#v.
func (t Tokens) GoString() string {
	return fmt.Sprintf("idpclient.Tokens{Access:%q, ID:%q, Refresh:%q, ExpiresIn:%d}", mask(t.Access), mask(t.ID), mask(t.Refresh), t.ExpiresIn)
}

// Format sends every verb (%v, %+v, %#v, %s, %q, %x, ...) through String
// or GoString.
func (t Tokens) Format(f fmt.State, verb rune) { format(f, verb, t.String(), t.GoString()) }

func mask(tok string) string {
	if tok == "" {
		return ""
	}
	return domain.Redacted
}

func tokensFrom(r *types.AuthenticationResultType) Tokens {
	return Tokens{
		Access:    aws.ToString(r.AccessToken),
		ID:        aws.ToString(r.IdToken),
		Refresh:   aws.ToString(r.RefreshToken),
		ExpiresIn: time.Duration(r.ExpiresIn) * time.Second,
	}
}

// Login signs user in through the app client clientID with
// USER_PASSWORD_AUTH. A user who must first change their password (or
// answer any other challenge) gets an *Error wrapping ErrNoTokens.
func (c *Client) Login(ctx context.Context, clientID string, user domain.Credential) (Tokens, error) {
	out, err := call(ctx, c.sdk.InitiateAuth, &cip.InitiateAuthInput{
		ClientId:       aws.String(clientID),
		AuthFlow:       types.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": user.Username, "PASSWORD": user.Password},
	}, cognito.OpInitiateAuth, user.Username, user.Password)
	if err != nil {
		return Tokens{}, err
	}
	r := out.AuthenticationResult
	if r == nil || aws.ToString(r.AccessToken) == "" {
		return Tokens{}, &Error{Op: cognito.OpInitiateAuth, User: user.Username, Err: ErrNoTokens,
			text: fmt.Sprintf("InitiateAuth answered challenge %q instead of tokens: set a permanent password for the user", out.ChallengeName)}
	}
	return tokensFrom(r), nil
}

// Refresh gets new tokens for a refresh token with REFRESH_TOKEN_AUTH.
// Tokens.Refresh is empty unless the pool rotates refresh tokens.
func (c *Client) Refresh(ctx context.Context, clientID, refreshToken string) (Tokens, error) {
	out, err := call(ctx, c.sdk.InitiateAuth, &cip.InitiateAuthInput{
		ClientId:       aws.String(clientID),
		AuthFlow:       types.AuthFlowTypeRefreshTokenAuth,
		AuthParameters: map[string]string{"REFRESH_TOKEN": refreshToken},
	}, cognito.OpInitiateAuth, "", refreshToken)
	if err != nil {
		return Tokens{}, err
	}
	r := out.AuthenticationResult
	if r == nil || aws.ToString(r.AccessToken) == "" {
		return Tokens{}, &Error{Op: cognito.OpInitiateAuth, Err: ErrNoTokens, text: "refresh answered no tokens"}
	}
	return tokensFrom(r), nil
}

// GlobalSignOut revokes every token of the access token's user.
func (c *Client) GlobalSignOut(ctx context.Context, accessToken string) error {
	_, err := call(ctx, c.sdk.GlobalSignOut, &cip.GlobalSignOutInput{AccessToken: aws.String(accessToken)},
		cognito.OpGlobalSignOut, "", accessToken)
	return err
}

// RevokeToken revokes a refresh token and the access and ID tokens issued
// with it.
func (c *Client) RevokeToken(ctx context.Context, clientID, refreshToken string) error {
	_, err := call(ctx, c.sdk.RevokeToken, &cip.RevokeTokenInput{ClientId: aws.String(clientID), Token: aws.String(refreshToken)},
		cognito.OpRevokeToken, "", refreshToken)
	return err
}

// GetUserAttributeVerificationCode asks the service to send a verification
// code for attribute. metadata nil leaves ClientMetadata out of the
// request; an empty non-nil map sends {} (a custom-message trigger sees
// the difference).
func (c *Client) GetUserAttributeVerificationCode(ctx context.Context, accessToken, attribute string, metadata map[string]string) (cognito.CodeDeliveryDetails, error) {
	out, err := call(ctx, c.sdk.GetUserAttributeVerificationCode, &cip.GetUserAttributeVerificationCodeInput{
		AccessToken: aws.String(accessToken), AttributeName: aws.String(attribute), ClientMetadata: metadata,
	}, cognito.OpGetUserAttributeVerificationCode, "", accessToken)
	if err != nil || out.CodeDeliveryDetails == nil {
		return cognito.CodeDeliveryDetails{}, err
	}
	d := out.CodeDeliveryDetails
	return cognito.CodeDeliveryDetails{AttributeName: aws.ToString(d.AttributeName), DeliveryMedium: string(d.DeliveryMedium), Destination: aws.ToString(d.Destination)}, nil
}

// VerifyUserAttribute confirms attribute with the code the service sent.
func (c *Client) VerifyUserAttribute(ctx context.Context, accessToken, attribute, code string) error {
	_, err := call(ctx, c.sdk.VerifyUserAttribute, &cip.VerifyUserAttributeInput{
		AccessToken: aws.String(accessToken), AttributeName: aws.String(attribute), Code: aws.String(code),
	}, cognito.OpVerifyUserAttribute, "", accessToken)
	return err
}

// User is a user as the service describes them. Status (CONFIRMED,
// FORCE_CHANGE_PASSWORD, ...) and Enabled come from the admin calls only.
type User struct {
	Username   string
	Attributes []Attribute
	Status     string
	Enabled    bool
}

// Attribute is one user attribute (email, phone_number, email_verified,
// custom:..., ...).
type Attribute struct {
	Name, Value string
}

// Attribute returns the value of the user's attribute name.
func (u User) Attribute(name string) (string, bool) {
	for _, a := range u.Attributes {
		if a.Name == name {
			return a.Value, true
		}
	}
	return "", false
}

// GetUser describes the access token's user.
func (c *Client) GetUser(ctx context.Context, accessToken string) (User, error) {
	out, err := call(ctx, c.sdk.GetUser, &cip.GetUserInput{AccessToken: aws.String(accessToken)},
		cognito.OpGetUser, "", accessToken)
	if err != nil {
		return User{}, err
	}
	return User{Username: aws.ToString(out.Username), Attributes: attributesFrom(out.UserAttributes)}, nil
}

func attributesFrom(in []types.AttributeType) []Attribute {
	out := make([]Attribute, 0, len(in))
	for _, a := range in {
		out = append(out, Attribute{Name: aws.ToString(a.Name), Value: aws.ToString(a.Value)})
	}
	return out
}

func attributeTypes(in []Attribute) []types.AttributeType {
	out := make([]types.AttributeType, 0, len(in))
	for _, a := range in {
		out = append(out, types.AttributeType{Name: aws.String(a.Name), Value: aws.String(a.Value)})
	}
	return out
}
