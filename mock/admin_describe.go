package mock

import (
	"time"

	"github.com/cogload/cogload/cognito"
)

// DescribeUserPool and DescribeUserPoolClient answer with the shapes of
// the API model (UserPoolType, UserPoolClientType in the cognito-idp
// 2016-04-18 model), filled from the pool configuration. The ARNs of the
// SES identity, the SNS role and the Lambda function are made up in the
// mock's account (mockAccount): the mock has no such resources.

// mockAccount is the AWS account id in the mock's ARNs.
const mockAccount = "000000000000"

// temporaryPasswordDays is the service's default validity of temporary
// passwords (PasswordPolicyType.TemporaryPasswordValidityDays).
const temporaryPasswordDays = 7

func (s *Server) describeUserPool(c *call) string {
	p, e := s.requestPool(c)
	if e != nil {
		return s.fail(c, e)
	}
	return s.ok(c, map[string]any{"UserPool": poolView(p)})
}

// poolView is UserPoolType for p.
func poolView(p *pool) map[string]any {
	c := p.cfg
	pp := c.passwordPolicy()
	email := map[string]any{"EmailSendingAccount": c.Delivery.Email.SendingAccount}
	if c.Delivery.Email.SendingAccount == SendingDeveloper {
		// DEVELOPER requires the SES identity to send from.
		email["SourceArn"] = "arn:aws:ses:" + p.region + ":" + mockAccount + ":identity/no-reply@example.com"
	}
	lambda := map[string]any{}
	if c.CustomMessageTrigger.Enabled {
		lambda["CustomMessage"] = "arn:aws:lambda:" + p.region + ":" + mockAccount + ":function:cogload-mock-custom-message"
	}
	v := map[string]any{
		"Id": p.id, "Name": p.name, "Arn": "arn:aws:cognito-idp:" + p.region + ":" + mockAccount + ":userpool/" + p.id,
		"CreationDate": epoch(p.created), "LastModifiedDate": epoch(p.created),
		"Policies": map[string]any{"PasswordPolicy": map[string]any{
			"MinimumLength": pp.minLength, "RequireUppercase": pp.upper, "RequireLowercase": pp.lower,
			"RequireNumbers": pp.numbers, "RequireSymbols": pp.symbols, "TemporaryPasswordValidityDays": temporaryPasswordDays,
		}},
		"LambdaConfig":           lambda,
		"MfaConfiguration":       "OFF",
		"EstimatedNumberOfUsers": len(p.users.all()),
		"EmailConfiguration":     email,
		"AdminCreateUserConfig":  map[string]any{"AllowAdminCreateUserOnly": false, "UnusedAccountValidityDays": temporaryPasswordDays},
		"DeletionProtection":     "INACTIVE",
		"UsernameConfiguration":  map[string]any{"CaseSensitive": false},
	}
	if len(c.UsernameAttributes) > 0 {
		v["UsernameAttributes"] = c.UsernameAttributes
	}
	if *c.Delivery.SMS.Enabled {
		v["SmsConfiguration"] = map[string]any{
			"SnsCallerArn": "arn:aws:iam::" + mockAccount + ":role/cogload-mock-sms", "ExternalId": "cogload-mock", "SnsRegion": p.region,
		}
	}
	return v
}

func (s *Server) describeUserPoolClient(c *call) string {
	var in struct {
		UserPoolId *string `json:"UserPoolId"`
		ClientId   *string `json:"ClientId"`
	}
	if e := decodeInto(c.body, &in); e != nil {
		return s.fail(c, e)
	}
	var vp cognito.ValidationProblems
	if in.UserPoolId == nil {
		vp.Null("userPoolId")
	}
	if in.ClientId == nil {
		vp.Null("clientId")
	}
	if e := vp.Err(); e != nil {
		return s.fail(c, e)
	}
	p, e := s.adminPool(in.UserPoolId)
	if e != nil {
		return s.fail(c, e)
	}
	cl := p.client(*in.ClientId)
	if cl == nil || cl.deleted.Load() {
		return s.fail(c, cognito.Errorf(cognito.ErrResourceNotFound, "User pool client %s does not exist.", sanitize(*in.ClientId)))
	}
	return s.ok(c, map[string]any{"UserPoolClient": clientView(p, cl)})
}

// clientView is UserPoolClientType for cl. Validities are given in
// minutes (access, ID) and days (refresh) when they divide evenly, as the
// console sets them, in seconds otherwise.
func clientView(p *pool, cl *client) map[string]any {
	created := cl.created
	if created.IsZero() {
		created = p.created
	}
	access, accessUnit := validityView(cl.accessValidity, time.Minute, "minutes")
	id, idUnit := validityView(cl.idValidity, time.Minute, "minutes")
	refresh, refreshUnit := validityView(cl.refreshValidity, 24*time.Hour, "days")
	return map[string]any{
		"UserPoolId": p.id, "ClientName": cl.name, "ClientId": cl.id, "ExplicitAuthFlows": cl.explicitFlows,
		"CreationDate": epoch(created), "LastModifiedDate": epoch(created),
		"AccessTokenValidity": access, "IdTokenValidity": id, "RefreshTokenValidity": refresh,
		"TokenValidityUnits":         map[string]string{"AccessToken": accessUnit, "IdToken": idUnit, "RefreshToken": refreshUnit},
		"EnableTokenRevocation":      true,
		"PreventUserExistenceErrors": "ENABLED",
		"AuthSessionValidity":        3,
	}
}

// validityView writes d in unit when it divides evenly, else in seconds.
func validityView(d, unit time.Duration, name string) (int64, string) {
	if d%unit == 0 {
		return int64(d / unit), name
	}
	return int64(d / time.Second), "seconds"
}
