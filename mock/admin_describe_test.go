package mock

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/cogload/cogload/cognito"
)

// The pool as DescribeUserPool shows it, for each way the configuration
// can set it, decoded by the SDK.
func TestDescribeUserPool(t *testing.T) {
	for _, tc := range []struct {
		name   string
		mutate func(*Config)
		check  func(t *testing.T, p *types.UserPoolType)
	}{
		{"defaults", nil, func(t *testing.T, p *types.UserPoolType) {
			if p.EmailConfiguration.EmailSendingAccount != types.EmailSendingAccountTypeCognitoDefault || p.EmailConfiguration.SourceArn != nil {
				t.Errorf("email = %+v, want COGNITO_DEFAULT without an SES identity", p.EmailConfiguration)
			}
			pp := p.Policies.PasswordPolicy
			if aws.ToInt32(pp.MinimumLength) != 8 || !pp.RequireUppercase || !pp.RequireLowercase || !pp.RequireNumbers || !pp.RequireSymbols {
				t.Errorf("password policy = %+v, want the service's default", pp)
			}
			if p.LambdaConfig == nil || p.LambdaConfig.CustomMessage != nil {
				t.Errorf("lambda config = %+v, want none", p.LambdaConfig)
			}
			if p.SmsConfiguration == nil || aws.ToString(p.SmsConfiguration.SnsCallerArn) == "" {
				t.Errorf("SMS configuration = %+v, want a role", p.SmsConfiguration)
			}
			if len(p.UsernameAttributes) != 0 || p.EstimatedNumberOfUsers != int32(len(testUsers().List)) {
				t.Errorf("username attributes %v, %d users", p.UsernameAttributes, p.EstimatedNumberOfUsers)
			}
			if !strings.HasPrefix(aws.ToString(p.Arn), "arn:aws:cognito-idp:us-east-1:") || p.CreationDate == nil {
				t.Errorf("arn %q, created %v", aws.ToString(p.Arn), p.CreationDate)
			}
		}},
		{"SES, trigger, no SMS, own policy, email usernames", func(c *Config) {
			c.Delivery.Email.SendingAccount = SendingDeveloper
			c.Delivery.SMS.Enabled = ptr(false)
			c.CustomMessageTrigger.Enabled = true
			c.PasswordPolicy = PasswordPolicyConfig{MinimumLength: ptr(12), RequireSymbols: ptr(false)}
			c.UsernameAttributes = []string{"email"}
		}, func(t *testing.T, p *types.UserPoolType) {
			if p.EmailConfiguration.EmailSendingAccount != types.EmailSendingAccountTypeDeveloper || !strings.HasPrefix(aws.ToString(p.EmailConfiguration.SourceArn), "arn:aws:ses:") {
				t.Errorf("email = %+v, want DEVELOPER with an SES identity", p.EmailConfiguration)
			}
			if !strings.Contains(aws.ToString(p.LambdaConfig.CustomMessage), ":function:") {
				t.Errorf("custom message trigger = %v", p.LambdaConfig.CustomMessage)
			}
			if p.SmsConfiguration != nil {
				t.Errorf("SMS configuration = %+v, want none", p.SmsConfiguration)
			}
			if pp := p.Policies.PasswordPolicy; aws.ToInt32(pp.MinimumLength) != 12 || pp.RequireSymbols || !pp.RequireNumbers {
				t.Errorf("password policy = %+v", pp)
			}
			if !slices.Equal(p.UsernameAttributes, []types.UsernameAttributeType{types.UsernameAttributeTypeEmail}) {
				t.Errorf("username attributes = %v", p.UsernameAttributes)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, tc.mutate)
			out, err := e.c.DescribeUserPool(e.ctx(), &cip.DescribeUserPoolInput{UserPoolId: aws.String(e.info.UserPoolID)})
			if err != nil {
				t.Fatal(err)
			}
			if aws.ToString(out.UserPool.Id) != e.info.UserPoolID || aws.ToString(out.UserPool.Name) != "test" {
				t.Fatalf("pool %v %v", out.UserPool.Id, out.UserPool.Name)
			}
			tc.check(t, out.UserPool)
		})
	}
	e := newEnv(t, nil)
	_, err := e.c.DescribeUserPool(e.ctx(), &cip.DescribeUserPoolInput{UserPoolId: aws.String("us-east-1_nope")})
	wantAPIError(t, err, cognito.ErrResourceNotFound, "User pool us-east-1_nope does not exist.")
}

func TestDescribeUserPoolClient(t *testing.T) {
	e := newEnv(t, func(c *Config) {
		c.Clients = []ClientConfig{{Name: "web", ExplicitAuthFlows: []string{"ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"},
			AccessTokenValidity: 15 * time.Minute, IDTokenValidity: 330 * time.Second, RefreshTokenValidity: 2 * 24 * time.Hour}}
	})
	out, err := e.c.DescribeUserPoolClient(e.ctx(), &cip.DescribeUserPoolClientInput{UserPoolId: aws.String(e.info.UserPoolID), ClientId: aws.String(e.info.ClientID)})
	if err != nil {
		t.Fatal(err)
	}
	cl := out.UserPoolClient
	if aws.ToString(cl.ClientName) != "web" || !slices.Equal(cl.ExplicitAuthFlows, []types.ExplicitAuthFlowsType{"ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}) {
		t.Errorf("client %v flows %v", aws.ToString(cl.ClientName), cl.ExplicitAuthFlows)
	}
	u := cl.TokenValidityUnits
	if aws.ToInt32(cl.AccessTokenValidity) != 15 || u.AccessToken != types.TimeUnitsTypeMinutes ||
		aws.ToInt32(cl.IdTokenValidity) != 330 || u.IdToken != types.TimeUnitsTypeSeconds ||
		cl.RefreshTokenValidity != 2 || u.RefreshToken != types.TimeUnitsTypeDays {
		t.Errorf("validities %d %s, %d %s, %d %s", aws.ToInt32(cl.AccessTokenValidity), u.AccessToken, aws.ToInt32(cl.IdTokenValidity), u.IdToken, cl.RefreshTokenValidity, u.RefreshToken)
	}
	_, err = e.c.DescribeUserPoolClient(e.ctx(), &cip.DescribeUserPoolClientInput{UserPoolId: aws.String(e.info.UserPoolID), ClientId: aws.String("nope")})
	wantAPIError(t, err, cognito.ErrResourceNotFound, "User pool client nope does not exist.")
}

// adminClient is an SDK client signing with dummy keys, as the admin
// calls are signed on the real service.
func (e *env) adminClient() *cip.Client {
	return cip.New(cip.Options{
		Region: "us-east-1", BaseEndpoint: aws.String(e.ts.URL), Retryer: aws.NopRetryer{}, HTTPClient: e.ts.Client(),
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "secret"}, nil
		}),
	})
}

func TestListUsers(t *testing.T) {
	e := newEnv(t, nil)
	admin := e.adminClient()
	pool := aws.String(e.info.UserPoolID)
	list := func(in cip.ListUsersInput) ([]string, error) {
		in.UserPoolId = pool
		var names []string
		for {
			out, err := admin.ListUsers(e.ctx(), &in)
			if err != nil {
				return nil, err
			}
			for _, u := range out.Users {
				names = append(names, aws.ToString(u.Username))
			}
			if out.PaginationToken == nil {
				return names, nil
			}
			in.PaginationToken = out.PaginationToken
		}
	}
	all, err := list(cip.ListUsersInput{Limit: aws.Int32(3)})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"alice", "bob", "carol", "nina", "uma", "rita", "dave", "fay"}
	if !slices.Equal(all, want) {
		t.Fatalf("paged listing = %v, want %v", all, want)
	}
	if _, err := admin.AdminDeleteUser(e.ctx(), &cip.AdminDeleteUserInput{UserPoolId: pool, Username: aws.String("carol")}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		filter string
		want   []string
	}{
		{`username = "bob"`, []string{"bob"}},
		{`email ^= "alice@"`, []string{"alice"}},
		{`email^="nobody"`, nil},
		{`cognito:user_status = "unconfirmed"`, []string{"uma"}},
		{`status = "Disabled"`, []string{"dave"}},
		{`phone_number ^= "+44"`, nil}, // carol was deleted
		{`username = "a \"quoted\" name"`, nil},
	} {
		got, err := list(cip.ListUsersInput{Filter: aws.String(tc.filter)})
		if err != nil {
			t.Fatalf("%s: %v", tc.filter, err)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.filter, got, tc.want)
		}
	}
	out, err := admin.ListUsers(e.ctx(), &cip.ListUsersInput{UserPoolId: pool, Filter: aws.String(`username = "alice"`), AttributesToGet: []string{"email"}})
	if err != nil {
		t.Fatal(err)
	}
	if u := out.Users[0]; len(u.Attributes) != 1 || aws.ToString(u.Attributes[0].Value) != "alice@example.com" || u.UserStatus != types.UserStatusTypeConfirmed || !u.Enabled || u.UserCreateDate == nil {
		t.Errorf("alice = %+v", u)
	}
	_, err = list(cip.ListUsersInput{Limit: aws.Int32(61)})
	wantAPIError(t, err, cognito.ErrInvalidParameter, "1 validation error detected: Value '61' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 60")
	_, err = list(cip.ListUsersInput{Filter: aws.String(`custom:team = "blue"`)})
	wantAPIError(t, err, cognito.ErrInvalidParameter, "Invalid search attribute: custom:team")
	_, err = list(cip.ListUsersInput{Filter: aws.String(`email is bob`)})
	wantAPIError(t, err, cognito.ErrInvalidParameter, "")
	_, err = list(cip.ListUsersInput{PaginationToken: aws.String("bm90LWEtdG9rZW4")})
	wantAPIError(t, err, cognito.ErrInvalidParameter, "")
}

// A pool whose users sign in with their email address: the username is a
// UUID, the address finds the user everywhere a username is taken.
func TestEmailUsernames(t *testing.T) {
	e := newEnv(t, func(c *Config) {
		c.UsernameAttributes = []string{"email"}
		c.Users = UsersConfig{}
	})
	admin := e.adminClient()
	pool := aws.String(e.info.UserPoolID)
	_, err := admin.AdminCreateUser(e.ctx(), &cip.AdminCreateUserInput{UserPoolId: pool, Username: aws.String("pat"), MessageAction: types.MessageActionTypeSuppress})
	wantAPIError(t, err, cognito.ErrInvalidParameter, "Username should be an email.")
	// An address the email attribute would refuse is no email username.
	_, err = admin.AdminCreateUser(e.ctx(), &cip.AdminCreateUserInput{UserPoolId: pool, Username: aws.String("pat@localhost"), MessageAction: types.MessageActionTypeSuppress})
	wantAPIError(t, err, cognito.ErrInvalidParameter, "Username should be an email.")

	created, err := admin.AdminCreateUser(e.ctx(), &cip.AdminCreateUserInput{UserPoolId: pool, Username: aws.String("pat@example.net"), MessageAction: types.MessageActionTypeSuppress})
	if err != nil {
		t.Fatal(err)
	}
	name := aws.ToString(created.User.Username)
	if len(name) != 36 || strings.Contains(name, "@") {
		t.Fatalf("username %q, want a generated UUID", name)
	}
	var email, sub string
	for _, a := range created.User.Attributes {
		switch aws.ToString(a.Name) {
		case "email":
			email = aws.ToString(a.Value)
		case "sub":
			sub = aws.ToString(a.Value)
		}
	}
	if email != "pat@example.net" || sub != name {
		t.Errorf("email %q, sub %q (username %q)", email, sub, name)
	}
	_, err = admin.AdminCreateUser(e.ctx(), &cip.AdminCreateUserInput{UserPoolId: pool, Username: aws.String("pat@example.net")})
	wantAPIError(t, err, cognito.ErrUsernameExists, "An account with the given email already exists.")

	if _, err := admin.AdminSetUserPassword(e.ctx(), &cip.AdminSetUserPasswordInput{UserPoolId: pool, Username: aws.String("pat@example.net"), Password: aws.String(testPassword), Permanent: true}); err != nil {
		t.Fatal(err)
	}
	got, err := admin.AdminGetUser(e.ctx(), &cip.AdminGetUserInput{UserPoolId: pool, Username: aws.String("pat@example.net")})
	if err != nil || aws.ToString(got.Username) != name || got.UserStatus != types.UserStatusTypeConfirmed {
		t.Fatalf("AdminGetUser by email: %+v %v", got, err)
	}
	access, _, _ := e.login("pat@example.net")
	if _, err := e.guavc(access, "email", nil); err != nil {
		t.Fatalf("GUAVC for the email user: %v", err)
	}
	listed, err := admin.ListUsers(e.ctx(), &cip.ListUsersInput{UserPoolId: pool, Filter: aws.String(`email = "pat@example.net"`)})
	if err != nil || len(listed.Users) != 1 || aws.ToString(listed.Users[0].Username) != name {
		t.Fatalf("ListUsers by email: %+v %v", listed, err)
	}

	if _, err := admin.AdminDeleteUser(e.ctx(), &cip.AdminDeleteUserInput{UserPoolId: pool, Username: aws.String("pat@example.net")}); err != nil {
		t.Fatal(err)
	}
	_, err = admin.AdminGetUser(e.ctx(), &cip.AdminGetUserInput{UserPoolId: pool, Username: aws.String("pat@example.net")})
	wantAPIError(t, err, cognito.ErrUserNotFound, cognito.MsgUserDoesNotExist)
	again, err := admin.AdminCreateUser(e.ctx(), &cip.AdminCreateUserInput{UserPoolId: pool, Username: aws.String("pat@example.net")})
	if err != nil || aws.ToString(again.User.Username) == name {
		t.Fatalf("re-creating a deleted address: %v, username %v", err, again)
	}
}

func TestPasswordPolicyEnforced(t *testing.T) {
	e := newEnv(t, func(c *Config) {
		c.PasswordPolicy = PasswordPolicyConfig{MinimumLength: ptr(10), RequireSymbols: ptr(false)}
	})
	admin := e.adminClient()
	pool := aws.String(e.info.UserPoolID)
	for _, tc := range []struct{ pw, msg string }{
		{"Short1a", "Password not long enough"},
		{"NOLOWERCASE1", "Password must have lowercase characters"},
		{"nouppercase1", "Password must have uppercase characters"},
		{"NoNumbersHere", "Password must have numeric characters"},
	} {
		_, err := admin.AdminCreateUser(e.ctx(), &cip.AdminCreateUserInput{UserPoolId: pool, Username: aws.String("weak"), TemporaryPassword: aws.String(tc.pw)})
		wantAPIError(t, err, cognito.ErrInvalidPassword, "Password did not conform with password policy: "+tc.msg)
		_, err = admin.AdminSetUserPassword(e.ctx(), &cip.AdminSetUserPasswordInput{UserPoolId: pool, Username: aws.String("alice"), Password: aws.String(tc.pw), Permanent: true})
		wantAPIError(t, err, cognito.ErrInvalidPassword, "Password did not conform with password policy: "+tc.msg)
	}
	if _, err := admin.AdminCreateUser(e.ctx(), &cip.AdminCreateUserInput{UserPoolId: pool, Username: aws.String("strong"), TemporaryPassword: aws.String("NoSymbols123")}); err != nil {
		t.Errorf("a password meeting the policy: %v", err)
	}
	// The default policy wants a symbol.
	d := newEnv(t, nil)
	_, err := d.adminClient().AdminSetUserPassword(d.ctx(), &cip.AdminSetUserPasswordInput{UserPoolId: aws.String(d.info.UserPoolID), Username: aws.String("alice"), Password: aws.String("NoSymbols123"), Permanent: true})
	wantAPIError(t, err, cognito.ErrInvalidPassword, "Password did not conform with password policy: Password must have symbol characters")
}

// CreateUserPool takes the username attributes and password policy, and
// answers with the pool as DescribeUserPool does.
func TestCreateUserPoolSettings(t *testing.T) {
	e := newEnv(t, nil)
	admin := e.adminClient()
	out, err := admin.CreateUserPool(e.ctx(), &cip.CreateUserPoolInput{PoolName: aws.String("phones"),
		UsernameAttributes: []types.UsernameAttributeType{types.UsernameAttributeTypePhoneNumber},
		Policies:           &types.UserPoolPolicyType{PasswordPolicy: &types.PasswordPolicyType{MinimumLength: aws.Int32(6)}}})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToInt32(out.UserPool.Policies.PasswordPolicy.MinimumLength) != 6 || len(out.UserPool.UsernameAttributes) != 1 {
		t.Errorf("created pool %+v", out.UserPool)
	}
	_, err = admin.AdminCreateUser(e.ctx(), &cip.AdminCreateUserInput{UserPoolId: out.UserPool.Id, Username: aws.String("pat@example.net")})
	wantAPIError(t, err, cognito.ErrInvalidParameter, "Username should be a phone number.")
	_, err = admin.CreateUserPool(e.ctx(), &cip.CreateUserPoolInput{PoolName: aws.String("bad"),
		Policies: &types.UserPoolPolicyType{PasswordPolicy: &types.PasswordPolicyType{MinimumLength: aws.Int32(200)}}})
	wantAPIError(t, err, cognito.ErrInvalidParameter, "")
}
