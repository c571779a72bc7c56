package mock

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/cogload/cogload/cognito"
)

func TestGUAVCThenVerify(t *testing.T) {
	e := newEnv(t, nil)
	access, _, _ := e.login("alice")

	for _, tc := range []struct{ attr, medium, dest string }{
		{"email", "EMAIL", "a***@e***"},
		{"phone_number", "SMS", "+*******8920"},
	} {
		out, err := e.guavc(access, tc.attr, nil)
		if err != nil {
			t.Fatalf("GUAVC %s: %v", tc.attr, err)
		}
		d := out.CodeDeliveryDetails
		if d == nil || aws.ToString(d.AttributeName) != tc.attr || string(d.DeliveryMedium) != tc.medium || aws.ToString(d.Destination) != tc.dest {
			t.Fatalf("CodeDeliveryDetails = %+v, want %s %s %s", d, tc.attr, tc.medium, tc.dest)
		}
	}
	box := e.srv.Outbox()
	if len(box) != 2 || box[0].Username != "alice" || box[0].Attribute != "email" || box[0].Destination != "alice@example.com" || len(box[0].Code) != 6 {
		t.Fatalf("outbox = %+v", box)
	}
	code := box[0].Code
	verify := func(c string) error {
		_, err := e.c.VerifyUserAttribute(e.ctx(), &cip.VerifyUserAttributeInput{AccessToken: aws.String(access), AttributeName: aws.String("email"), Code: aws.String(c)})
		return err
	}
	wrong := "000000"
	if code == wrong {
		wrong = "111111"
	}
	wantAPIError(t, verify(wrong), cognito.ErrCodeMismatch, cognito.MsgCodeMismatch)
	if err := verify(code); err != nil {
		t.Fatalf("VerifyUserAttribute: %v", err)
	}
	wantAPIError(t, verify(code), cognito.ErrExpiredCode, cognito.MsgExpiredCode)

	got, err := e.c.GetUser(e.ctx(), &cip.GetUserInput{AccessToken: aws.String(access)})
	if err != nil {
		t.Fatalf("GetUser: %v", err)
	}
	attrs := map[string]string{}
	for _, a := range got.UserAttributes {
		attrs[aws.ToString(a.Name)] = aws.ToString(a.Value)
	}
	if aws.ToString(got.Username) != "alice" || attrs["email_verified"] != "true" || attrs["sub"] == "" {
		t.Fatalf("GetUser = %s %v", aws.ToString(got.Username), attrs)
	}

	// Already verified: a new code is still sent, and it verifies again.
	if _, err := e.guavc(access, "email", nil); err != nil {
		t.Fatalf("GUAVC on a verified attribute: %v", err)
	}
	// A code expires after 24 hours.
	box = e.srv.Outbox()
	latest := box[len(box)-1].Code
	e.clock.Advance(CodeValidity)
	e.srv.Reset()
	fresh, _, _ := e.login("alice")
	_, err = e.c.VerifyUserAttribute(e.ctx(), &cip.VerifyUserAttributeInput{AccessToken: aws.String(fresh), AttributeName: aws.String("email"), Code: aws.String(latest)})
	wantAPIError(t, err, cognito.ErrExpiredCode, cognito.MsgExpiredCode)
}

func TestRefreshAndRevoke(t *testing.T) {
	e := newEnv(t, nil)
	access, _, refresh := e.login("alice")
	out, err := e.c.InitiateAuth(e.ctx(), &cip.InitiateAuthInput{
		AuthFlow: "REFRESH_TOKEN_AUTH", ClientId: aws.String(e.info.ClientID),
		AuthParameters: map[string]string{"REFRESH_TOKEN": refresh},
	})
	if err != nil {
		t.Fatalf("refresh: %v", err)
	}
	r := out.AuthenticationResult
	if r.RefreshToken != nil || aws.ToString(r.AccessToken) == "" || aws.ToString(r.TokenType) != "Bearer" || r.ExpiresIn != 3600 {
		t.Fatalf("refresh result = %+v", r)
	}
	refreshed := aws.ToString(r.AccessToken)
	if _, err := e.guavc(refreshed, "email", nil); err != nil {
		t.Fatalf("GUAVC with refreshed token: %v", err)
	}
	// RevokeToken revokes the refresh token and every access token minted
	// from it.
	if _, err := e.c.RevokeToken(e.ctx(), &cip.RevokeTokenInput{Token: aws.String(refresh), ClientId: aws.String(e.info.ClientID)}); err != nil {
		t.Fatalf("RevokeToken: %v", err)
	}
	for _, tok := range []string{access, refreshed} {
		_, err := e.guavc(tok, "email", nil)
		wantAPIError(t, err, cognito.ErrNotAuthorized, cognito.MsgAccessTokenRevoked)
	}
	_, err = e.c.InitiateAuth(e.ctx(), &cip.InitiateAuthInput{
		AuthFlow: "REFRESH_TOKEN", ClientId: aws.String(e.info.ClientID),
		AuthParameters: map[string]string{"REFRESH_TOKEN": refresh},
	})
	wantAPIError(t, err, cognito.ErrNotAuthorized, "")

	// GlobalSignOut revokes every session of the user, not only this one.
	a1, _, _ := e.login("bob")
	a2, _, _ := e.login("bob")
	if _, err := e.c.GlobalSignOut(e.ctx(), &cip.GlobalSignOutInput{AccessToken: aws.String(a1)}); err != nil {
		t.Fatalf("GlobalSignOut: %v", err)
	}
	for _, tok := range []string{a1, a2} {
		_, err := e.guavc(tok, "email", nil)
		wantAPIError(t, err, cognito.ErrNotAuthorized, cognito.MsgAccessTokenRevoked)
	}
	a3, _, _ := e.login("bob")
	if _, err := e.guavc(a3, "email", nil); err != nil {
		t.Fatalf("GUAVC after a new login: %v", err)
	}
}

func TestTokenExpiry(t *testing.T) {
	e := newEnv(t, nil)
	access, _, _ := e.login("alice")
	e.clock.Advance(59 * time.Minute)
	if _, err := e.guavc(access, "email", nil); err != nil {
		t.Fatalf("GUAVC before expiry: %v", err)
	}
	e.clock.Advance(time.Minute)
	_, err := e.guavc(access, "email", nil)
	wantAPIError(t, err, cognito.ErrNotAuthorized, cognito.MsgAccessTokenExpired)
}
