package idpclient

import (
	"context"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cogload/cogload/cognito"
)

// The read-only admin calls: what a pool and an app client are set up to
// do, and its users. They need SigV4 and cognito-idp:DescribeUserPool,
// DescribeUserPoolClient, AdminGetUser or ListUsers on the pool.

// Email sending accounts (EmailConfigurationType.EmailSendingAccount).
const (
	EmailCognitoDefault = "COGNITO_DEFAULT"
	EmailDeveloper      = "DEVELOPER"
)

// Pool is a user pool as DescribeUserPool describes it, reduced to what
// creating users for it and loading it depend on.
type Pool struct {
	ID, Name string
	// UsernameAttributes are email and/or phone_number when users sign in
	// with them as their username; empty for free-form usernames.
	UsernameAttributes []string
	PasswordPolicy     PasswordPolicy
	// EmailSendingAccount is COGNITO_DEFAULT (Cognito's own sender and its
	// daily limit) or DEVELOPER (the pool's Amazon SES identity,
	// EmailSourceARN).
	EmailSendingAccount string
	EmailSourceARN      string
	// SMSRoleARN is the IAM role Cognito sends SMS with through Amazon
	// SNS; empty when the pool has no SMS configuration.
	SMSRoleARN string
	// SMSConfigurationFailure is the service's reason SMS does not work
	// (e.g. the SNS sandbox), if any.
	SMSConfigurationFailure string
	// CustomMessageTrigger, CustomEmailSender and CustomSMSSender are the
	// ARNs of the Lambda triggers that shape or send codes; empty when
	// not set.
	CustomMessageTrigger string
	CustomEmailSender    string
	CustomSMSSender      string
	EstimatedUsers       int
}

// PasswordPolicy is a pool's password policy.
type PasswordPolicy struct {
	MinimumLength                                                      int
	RequireUppercase, RequireLowercase, RequireNumbers, RequireSymbols bool
}

// DefaultPasswordPolicy is the policy of a pool created without one: 8
// characters with an upper-case and a lower-case letter, a number and a
// symbol (https://docs.aws.amazon.com/cognito/latest/developerguide/managing-users-passwords.html).
var DefaultPasswordPolicy = PasswordPolicy{MinimumLength: 8, RequireUppercase: true, RequireLowercase: true, RequireNumbers: true, RequireSymbols: true}

// RegionOf is the region a user pool id names (eu-west-1_AbC123 is in
// eu-west-1), or "" when the id names none.
func RegionOf(poolID string) string {
	region, _, ok := strings.Cut(poolID, "_")
	if !ok {
		return ""
	}
	return region
}

// RegionFor is the region of a pool's calls: region when given, else the
// one poolID names, else "" (the caller's default: the environment's, or
// us-east-1).
func RegionFor(region, poolID string) string {
	if region != "" {
		return region
	}
	return RegionOf(poolID)
}

// DescribeUserPool describes a user pool.
func (c *Client) DescribeUserPool(ctx context.Context, poolID string) (Pool, error) {
	out, err := call(ctx, c.sdk.DescribeUserPool, &cip.DescribeUserPoolInput{UserPoolId: aws.String(poolID)}, cognito.OpDescribeUserPool, "")
	if err != nil {
		return Pool{}, err
	}
	if out.UserPool == nil {
		return Pool{}, &Error{Op: cognito.OpDescribeUserPool, Err: errNoID, text: "DescribeUserPool: the answer describes no pool"}
	}
	return poolFrom(out.UserPool), nil
}

func poolFrom(up *types.UserPoolType) Pool {
	p := Pool{ID: aws.ToString(up.Id), Name: aws.ToString(up.Name), EmailSendingAccount: EmailCognitoDefault,
		PasswordPolicy: DefaultPasswordPolicy, EstimatedUsers: int(up.EstimatedNumberOfUsers),
		SMSConfigurationFailure: aws.ToString(up.SmsConfigurationFailure)}
	for _, a := range up.UsernameAttributes {
		p.UsernameAttributes = append(p.UsernameAttributes, string(a))
	}
	if pol := up.Policies; pol != nil && pol.PasswordPolicy != nil {
		pp := pol.PasswordPolicy
		p.PasswordPolicy = PasswordPolicy{MinimumLength: int(aws.ToInt32(pp.MinimumLength)), RequireUppercase: pp.RequireUppercase,
			RequireLowercase: pp.RequireLowercase, RequireNumbers: pp.RequireNumbers, RequireSymbols: pp.RequireSymbols}
	}
	if e := up.EmailConfiguration; e != nil {
		if e.EmailSendingAccount != "" {
			p.EmailSendingAccount = string(e.EmailSendingAccount)
		}
		p.EmailSourceARN = aws.ToString(e.SourceArn)
	}
	if s := up.SmsConfiguration; s != nil {
		p.SMSRoleARN = aws.ToString(s.SnsCallerArn)
	}
	if l := up.LambdaConfig; l != nil {
		p.CustomMessageTrigger = aws.ToString(l.CustomMessage)
		if l.CustomEmailSender != nil {
			p.CustomEmailSender = aws.ToString(l.CustomEmailSender.LambdaArn)
		}
		if l.CustomSMSSender != nil {
			p.CustomSMSSender = aws.ToString(l.CustomSMSSender.LambdaArn)
		}
	}
	return p
}

// AppClient is an app client as DescribeUserPoolClient describes it. Its
// secret, if it has one, is never kept.
type AppClient struct {
	ID, Name          string
	ExplicitAuthFlows []string
	// HasSecret: sign-ins through the client must carry a SECRET_HASH.
	HasSecret                                                  bool
	AccessTokenValidity, IDTokenValidity, RefreshTokenValidity time.Duration
}

// DescribeUserPoolClient describes an app client of a pool.
func (c *Client) DescribeUserPoolClient(ctx context.Context, poolID, clientID string) (AppClient, error) {
	out, err := call(ctx, c.sdk.DescribeUserPoolClient, &cip.DescribeUserPoolClientInput{UserPoolId: aws.String(poolID), ClientId: aws.String(clientID)},
		cognito.OpDescribeUserPoolClient, "")
	if err != nil {
		return AppClient{}, err
	}
	if out.UserPoolClient == nil {
		return AppClient{}, &Error{Op: cognito.OpDescribeUserPoolClient, Err: errNoID, text: "DescribeUserPoolClient: the answer describes no client"}
	}
	return clientFrom(out.UserPoolClient), nil
}

// The validities of a client that sets none, and the units of one that
// gives no TokenValidityUnits (UserPoolClientType in the API model).
const (
	defaultTokenValidity   = time.Hour
	defaultRefreshValidity = 30 * 24 * time.Hour
)

func clientFrom(cl *types.UserPoolClientType) AppClient {
	a := AppClient{ID: aws.ToString(cl.ClientId), Name: aws.ToString(cl.ClientName), HasSecret: aws.ToString(cl.ClientSecret) != ""}
	for _, f := range cl.ExplicitAuthFlows {
		a.ExplicitAuthFlows = append(a.ExplicitAuthFlows, string(f))
	}
	var units types.TokenValidityUnitsType
	if cl.TokenValidityUnits != nil {
		units = *cl.TokenValidityUnits
	}
	a.AccessTokenValidity = validity(int64(aws.ToInt32(cl.AccessTokenValidity)), units.AccessToken, time.Hour, defaultTokenValidity)
	a.IDTokenValidity = validity(int64(aws.ToInt32(cl.IdTokenValidity)), units.IdToken, time.Hour, defaultTokenValidity)
	a.RefreshTokenValidity = validity(int64(cl.RefreshTokenValidity), units.RefreshToken, 24*time.Hour, defaultRefreshValidity)
	return a
}

// validity converts a token validity in unit (unit "": defaultUnit); 0
// means the service's default.
func validity(v int64, unit types.TimeUnitsType, defaultUnit, def time.Duration) time.Duration {
	if v <= 0 {
		return def
	}
	u := defaultUnit
	switch unit {
	case types.TimeUnitsTypeSeconds:
		u = time.Second
	case types.TimeUnitsTypeMinutes:
		u = time.Minute
	case types.TimeUnitsTypeHours:
		u = time.Hour
	case types.TimeUnitsTypeDays:
		u = 24 * time.Hour
	}
	return time.Duration(v) * u
}

// AdminGetUser describes a user by username or, in pools that sign in
// with them, by email address or phone number.
func (c *Client) AdminGetUser(ctx context.Context, poolID, username string) (User, error) {
	out, err := call(ctx, c.sdk.AdminGetUser, &cip.AdminGetUserInput{UserPoolId: aws.String(poolID), Username: aws.String(username)},
		cognito.OpAdminGetUser, username)
	if err != nil {
		return User{}, err
	}
	return User{Username: aws.ToString(out.Username), Attributes: attributesFrom(out.UserAttributes),
		Status: string(out.UserStatus), Enabled: out.Enabled}, nil
}

// ListUsers returns one page of the users filter matches (ListUsers'
// Filter, e.g. `email ^= "success+cogload"`; empty: every user), starting
// at page (empty: the first), and the token of the next page (empty after
// the last).
func (c *Client) ListUsers(ctx context.Context, poolID, filter, page string) ([]User, string, error) {
	in := &cip.ListUsersInput{UserPoolId: aws.String(poolID)}
	if filter != "" {
		in.Filter = aws.String(filter)
	}
	if page != "" {
		in.PaginationToken = aws.String(page)
	}
	out, err := call(ctx, c.sdk.ListUsers, in, cognito.OpListUsers, "")
	if err != nil {
		return nil, "", err
	}
	users := make([]User, 0, len(out.Users))
	for _, u := range out.Users {
		users = append(users, User{Username: aws.ToString(u.Username), Attributes: attributesFrom(u.Attributes),
			Status: string(u.UserStatus), Enabled: u.Enabled})
	}
	return users, aws.ToString(out.PaginationToken), nil
}
