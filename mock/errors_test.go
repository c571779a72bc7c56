package mock

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/cogload/cogload/cognito"
	"github.com/cogload/cogload/mock/sidedoor"
)

// TestGUAVCNaturalErrors drives every error the mock produces without fault
// injection through the SDK and checks type and message.
func TestGUAVCNaturalErrors(t *testing.T) {
	type tc struct {
		name    string
		mutate  func(*Config)
		token   func(e *env) string
		attr    string
		md      map[string]string
		code    string
		msg     string
		prepare func(e *env)
	}
	access := func(user string) func(*env) string {
		return func(e *env) string { return e.mint(user, sidedoor.KindAccess) }
	}
	kind := func(k string) func(*env) string {
		return func(e *env) string { return e.mint("alice", k) }
	}
	tooLong := strings.Repeat("a", 33)
	cases := []tc{
		{name: "bad token pattern", token: func(*env) string { return "a+b/c" }, attr: "email", code: cognito.ErrInvalidParameter,
			msg: "1 validation error detected: Value at 'accessToken' failed to satisfy constraint: Member must satisfy regular expression pattern: [A-Za-z0-9-_=.]+"},
		{name: "attribute too long", token: access("alice"), attr: tooLong, code: cognito.ErrInvalidParameter,
			msg: "1 validation error detected: Value '" + tooLong + "' at 'attributeName' failed to satisfy constraint: Member must have length less than or equal to 32"},
		{name: "garbage token", token: func(*env) string { return "garbage" }, attr: "email", code: cognito.ErrNotAuthorized, msg: cognito.MsgInvalidAccessToken},
		{name: "expired", token: kind(sidedoor.KindExpired), attr: "email", code: cognito.ErrNotAuthorized, msg: cognito.MsgAccessTokenExpired},
		{name: "wrong scope", token: kind(sidedoor.KindWrongScope), attr: "email", code: cognito.ErrNotAuthorized, msg: cognito.MsgAccessTokenScopes},
		{name: "id token", token: kind(sidedoor.KindIDToken), attr: "email", code: cognito.ErrNotAuthorized, msg: cognito.MsgInvalidAccessToken},
		{name: "other pool", token: kind(sidedoor.KindOtherPool), attr: "email", code: cognito.ErrNotAuthorized, msg: cognito.MsgInvalidAccessToken},
		{name: "other client", token: kind(sidedoor.KindOtherClient), attr: "email", code: cognito.ErrNotAuthorized, msg: cognito.MsgInvalidAccessToken},
		{name: "unknown kid", token: kind(sidedoor.KindUnknownKid), attr: "email", code: cognito.ErrNotAuthorized, msg: cognito.MsgInvalidAccessToken},
		{name: "hs256 with public key", token: kind(sidedoor.KindHS256), attr: "email", code: cognito.ErrNotAuthorized, msg: cognito.MsgInvalidAccessToken},
		{name: "alg none", token: kind(sidedoor.KindAlgNone), attr: "email", code: cognito.ErrNotAuthorized, msg: cognito.MsgInvalidAccessToken},
		{name: "tampered signature", token: func(e *env) string {
			tok := e.mint("alice", sidedoor.KindAccess)
			last := tok[len(tok)-2]
			repl := byte('A')
			if last == 'A' {
				repl = 'B'
			}
			return tok[:len(tok)-2] + string(repl) + tok[len(tok)-1:]
		}, attr: "email", code: cognito.ErrNotAuthorized, msg: cognito.MsgInvalidAccessToken},
		{name: "tampered payload", token: func(e *env) string {
			tok := e.mint("alice", sidedoor.KindAccess)
			parts := strings.Split(tok, ".")
			other := strings.Split(e.mint("bob", sidedoor.KindAccess), ".")
			return parts[0] + "." + other[1] + "." + parts[2]
		}, attr: "email", code: cognito.ErrNotAuthorized, msg: cognito.MsgInvalidAccessToken},
		{name: "unconfirmed", token: access("uma"), attr: "email", code: cognito.ErrUserNotConfirmed, msg: cognito.MsgUserNotConfirmed},
		{name: "reset required", token: access("rita"), attr: "email", code: cognito.ErrPasswordResetRequired, msg: cognito.MsgPasswordResetRequired},
		{name: "disabled", token: access("dave"), attr: "email", code: cognito.ErrNotAuthorized, msg: cognito.MsgAccessTokenRevoked},
		{name: "deleted user", token: func(e *env) string {
			tok := e.mint("bob", sidedoor.KindAccess)
			u := e.srv.def.users.get("bob")
			u.mu.Lock()
			u.deleted = true
			u.mu.Unlock()
			return tok
		}, attr: "email", code: cognito.ErrUserNotFound, msg: cognito.MsgUserDoesNotExist},
		{name: "deleted client", token: func(e *env) string {
			tok := e.mint("alice", sidedoor.KindAccess)
			e.srv.def.firstClient().deleted.Store(true)
			return tok
		}, attr: "email", code: cognito.ErrResourceNotFound},
		{name: "custom attribute", token: access("nina"), attr: "custom:team", code: cognito.ErrInvalidParameter, msg: cognito.MsgInvalidAttributeName},
		{name: "standard attribute", token: access("alice"), attr: "name", code: cognito.ErrInvalidParameter, msg: cognito.MsgInvalidAttributeName},
		{name: "no email", token: access("carol"), attr: "email", code: cognito.ErrInvalidParameter, msg: cognito.MsgNoEmail},
		{name: "no phone", token: access("bob"), attr: "phone_number", code: cognito.ErrInvalidParameter, msg: cognito.MsgNoPhone},
		{name: "category rate", mutate: func(c *Config) { c.Quotas.RPS = ptr(1.0); c.Quotas.Burst = ptr(1) },
			prepare: func(e *env) { _, _ = e.guavc(e.mint("bob", sidedoor.KindAccess), "email", nil) },
			token:   access("alice"), attr: "email", code: cognito.ErrTooManyRequests, msg: cognito.MsgRateExceeded},
		{name: "per-user rate", mutate: func(c *Config) { c.Quotas.PerUserRPS = ptr(1.0) },
			prepare: func(e *env) { _, _ = e.guavc(e.mint("alice", sidedoor.KindAccess), "email", nil) },
			token:   access("alice"), attr: "email", code: cognito.ErrTooManyRequests, msg: cognito.MsgRateExceeded},
		{name: "codes per hour", mutate: func(c *Config) { c.Quotas.CodesPerUserPerHour = ptr(1) },
			prepare: func(e *env) { _, _ = e.guavc(e.mint("alice", sidedoor.KindAccess), "email", nil) },
			token:   access("alice"), attr: "email", code: cognito.ErrLimitExceeded, msg: cognito.MsgAttemptLimit},
		{name: "daily email limit", mutate: func(c *Config) { c.Delivery.Email.DailyLimit = ptr(1) },
			prepare: func(e *env) { _, _ = e.guavc(e.mint("bob", sidedoor.KindAccess), "email", nil) },
			token:   access("alice"), attr: "email", code: cognito.ErrLimitExceeded, msg: cognito.MsgDailyEmailLimit},
		{name: "email delivery failure", mutate: func(c *Config) { c.Delivery.Email.FailureRate = 1 },
			token: access("alice"), attr: "email", code: cognito.ErrCodeDeliveryFailure},
		{name: "sms delivery failure", mutate: func(c *Config) { c.Delivery.SMS.FailureRate = 1 },
			token: access("alice"), attr: "phone_number", code: cognito.ErrCodeDeliveryFailure},
		{name: "email role", mutate: func(c *Config) { c.Delivery.Email.RoleError = cognito.ErrInvalidEmailRoleAccessPolicy },
			token: access("alice"), attr: "email", code: cognito.ErrInvalidEmailRoleAccessPolicy},
		{name: "sms role", mutate: func(c *Config) { c.Delivery.SMS.RoleError = cognito.ErrInvalidSmsRoleTrustRelationship },
			token: access("alice"), attr: "phone_number", code: cognito.ErrInvalidSmsRoleTrustRelationship},
		{name: "sms disabled", mutate: func(c *Config) { c.Delivery.SMS.Enabled = ptr(false) },
			token: access("alice"), attr: "phone_number", code: cognito.ErrInvalidParameter, msg: cognito.MsgNoSMSConfiguration},
		{name: "trigger validation", mutate: func(c *Config) {
			c.CustomMessageTrigger = TriggerConfig{Enabled: true, Failures: map[string]float64{cognito.ErrUserLambdaValidation: 1}}
		}, token: access("alice"), attr: "email", code: cognito.ErrUserLambdaValidation, msg: "CustomMessage failed with error The trigger refused the message."},
		{name: "trigger unexpected", mutate: func(c *Config) {
			c.CustomMessageTrigger = TriggerConfig{Enabled: true, Failures: map[string]float64{cognito.ErrUnexpectedLambda: 1}}
		}, token: access("alice"), attr: "email", code: cognito.ErrUnexpectedLambda, msg: "CustomMessage invocation failed due to error Socket timeout while invoking Lambda function."},
		{name: "trigger email message with default sender", mutate: func(c *Config) {
			c.CustomMessageTrigger = TriggerConfig{Enabled: true, ReturnsEmailMessage: true}
		}, token: access("alice"), attr: "email", code: cognito.ErrInvalidLambdaResponse, msg: cognito.MsgUnrecognizableLambda},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, tc.mutate)
			tok := tc.token(e)
			if tc.prepare != nil {
				tc.prepare(e)
			}
			_, err := e.guavc(tok, tc.attr, tc.md)
			wantAPIError(t, err, tc.code, tc.msg)
		})
	}
}

// TestGUAVCEveryCatalogError injects each GUAVC error of the catalog and
// checks it arrives as its typed SDK error with the catalog's message, in
// both status modes.
func TestGUAVCEveryCatalogError(t *testing.T) {
	for _, mode := range []cognito.StatusMode{cognito.StatusObserved, cognito.StatusModel} {
		for _, spec := range cognito.GUAVCErrors() {
			t.Run(mode.String()+"/"+spec.Name, func(t *testing.T) {
				e := newEnv(t, func(c *Config) { c.Faults = map[string]float64{spec.Name: 1} }, WithStatusMode(mode))
				_, err := e.guavc(e.mint("alice", sidedoor.KindAccess), "email", nil)
				wantAPIError(t, err, spec.Name, spec.Message)
				var re *awshttp.ResponseError
				if !errors.As(err, &re) {
					t.Fatalf("no HTTP response in %v", err)
				}
				if got, want := re.HTTPStatusCode(), spec.Status(mode); got != want {
					t.Fatalf("status = %d, want %d", got, want)
				}
				if re.ServiceRequestID() == "" {
					t.Fatal("no x-amzn-RequestId")
				}
			})
		}
	}
}

func TestNoLimitsSwitchesOffFaultsAndQuotas(t *testing.T) {
	e := newEnv(t, func(c *Config) {
		c.Faults = map[string]float64{cognito.ErrInternalError: 1}
		c.Quotas.RPS, c.Quotas.Burst, c.Quotas.CodesPerUserPerHour = ptr(1.0), ptr(1), ptr(1)
		c.Delivery.Email.DailyLimit = ptr(1)
		c.Latency = LatencyConfig{P50: 50 * 1e6, P99: 100 * 1e6}
	}, WithNoLimits())
	tok := e.mint("alice", sidedoor.KindAccess)
	for i := range 20 {
		if _, err := e.guavc(tok, "email", nil); err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
	}
	if s := e.sleeps.all(); len(s) != 0 {
		t.Fatalf("latency model slept %v with no limits", s)
	}
	// The signature is still checked.
	_, err := e.guavc(e.mint("alice", sidedoor.KindHS256), "email", nil)
	wantAPIError(t, err, cognito.ErrNotAuthorized, cognito.MsgInvalidAccessToken)
}

func TestInitiateAuthErrors(t *testing.T) {
	e := newEnv(t, func(c *Config) {
		c.Clients = []ClientConfig{{Name: "web"}, {Name: "srp-only", ID: "srponly", ExplicitAuthFlows: []string{"ALLOW_USER_SRP_AUTH"}}}
	})
	auth := func(client, user, password string) error {
		_, err := e.c.InitiateAuth(e.ctx(), &cip.InitiateAuthInput{
			AuthFlow: "USER_PASSWORD_AUTH", ClientId: aws.String(client),
			AuthParameters: map[string]string{"USERNAME": user, "PASSWORD": password},
		})
		return err
	}
	for _, tc := range []struct {
		name, client, user, password, code, msg string
	}{
		{"flow not enabled", "srponly", "alice", testPassword, cognito.ErrInvalidParameter, "USER_PASSWORD_AUTH flow not enabled for this client"},
		{"unknown client", "nosuchclient", "alice", testPassword, cognito.ErrResourceNotFound, ""},
		{"wrong password", e.info.ClientID, "alice", "nope", cognito.ErrNotAuthorized, cognito.MsgIncorrectCredentials},
		{"missing user", e.info.ClientID, "zed", testPassword, cognito.ErrUserNotFound, cognito.MsgUserDoesNotExist},
		{"unconfirmed", e.info.ClientID, "uma", testPassword, cognito.ErrUserNotConfirmed, cognito.MsgUserNotConfirmed},
		{"reset required", e.info.ClientID, "rita", testPassword, cognito.ErrPasswordResetRequired, cognito.MsgPasswordResetRequired},
		{"disabled", e.info.ClientID, "dave", testPassword, cognito.ErrNotAuthorized, cognito.MsgUserDisabled},
	} {
		t.Run(tc.name, func(t *testing.T) { wantAPIError(t, auth(tc.client, tc.user, tc.password), tc.code, tc.msg) })
	}
	out, err := e.c.InitiateAuth(e.ctx(), &cip.InitiateAuthInput{
		AuthFlow: "USER_PASSWORD_AUTH", ClientId: aws.String(e.info.ClientID),
		AuthParameters: map[string]string{"USERNAME": "fay", "PASSWORD": testPassword},
	})
	if err != nil || out.ChallengeName != "NEW_PASSWORD_REQUIRED" {
		t.Fatalf("FORCE_CHANGE_PASSWORD login = %v, %v", out, err)
	}
}

func TestStatusModes(t *testing.T) {
	for _, tc := range []struct {
		mode cognito.StatusMode
		want int
	}{{cognito.StatusObserved, http.StatusBadRequest}, {cognito.StatusModel, http.StatusForbidden}} {
		e := newEnv(t, nil, WithStatusMode(tc.mode))
		_, err := e.guavc("garbage", "email", nil)
		var re *awshttp.ResponseError
		if !errors.As(err, &re) || re.HTTPStatusCode() != tc.want {
			t.Fatalf("%s: err %v, want status %d", tc.mode, err, tc.want)
		}
	}
	// The configuration's statusMode is honoured too.
	e := newEnv(t, func(c *Config) { c.StatusMode = "model" })
	_, err := e.guavc("garbage", "email", nil)
	var re *awshttp.ResponseError
	if !errors.As(err, &re) || re.HTTPStatusCode() != http.StatusForbidden {
		t.Fatalf("config model mode: %v", err)
	}
}
