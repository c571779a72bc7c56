package mock

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/cogload/cogload/cognito"
	"github.com/cogload/cogload/mock/sidedoor"
)

func TestInfoJSONContract(t *testing.T) {
	e := newEnv(t, nil)
	b, err := json.Marshal(e.srv.Info("http://127.0.0.1:9229"))
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for _, want := range []string{`"endpoint":"http://127.0.0.1:9229"`, `"region":"us-east-1"`, `"userPoolId":"us-east-1_`, `"clientId":"`,
		`"users":[{"username":"alice","password":"Passw0rd!","email":"alice@example.com","phoneNumber":"+14155558920"}`} {
		if !strings.Contains(s, want) {
			t.Fatalf("info %s lacks %s", s, want)
		}
	}
}

func TestSeedMakesCodesDeterministic(t *testing.T) {
	codes := func() []string {
		e := newEnv(t, func(c *Config) { c.Delivery.Email.SendingAccount = SendingDeveloper })
		tok := e.mint("alice", "")
		for range 3 {
			if _, err := e.guavc(tok, "email", nil); err != nil {
				t.Fatal(err)
			}
		}
		var out []string
		for _, d := range e.srv.Outbox() {
			out = append(out, d.Code)
		}
		return out
	}
	a, b := codes(), codes()
	if strings.Join(a, ",") != strings.Join(b, ",") || a[0] == a[1] && a[1] == a[2] {
		t.Fatalf("codes %v and %v", a, b)
	}
}

func TestOutboxIsBounded(t *testing.T) {
	o := newOutbox(3)
	for i := range 5 {
		o.add(sidedoor.Delivery{Code: string(rune('a' + i))})
	}
	got := ""
	for _, d := range o.list(func(*sidedoor.Delivery) bool { return true }, 0) {
		got += d.Code
	}
	if got != "cde" {
		t.Fatalf("outbox = %q, want the newest three oldest first (cde)", got)
	}
	if l := o.list(func(*sidedoor.Delivery) bool { return true }, 2); len(l) != 2 || l[0].Code != "d" {
		t.Fatalf("limit 2 = %+v", l)
	}
}

func TestSupersededCodeAndPhoneVerification(t *testing.T) {
	e := newEnv(t, nil)
	tok, _, _ := e.login("alice")
	for range 2 {
		if _, err := e.guavc(tok, "phone_number", nil); err != nil {
			t.Fatal(err)
		}
	}
	box := e.srv.Outbox()
	older, newer := box[0].Code, box[1].Code
	verify := func(code string) error {
		_, err := e.c.VerifyUserAttribute(e.ctx(), &cip.VerifyUserAttributeInput{AccessToken: aws.String(tok), AttributeName: aws.String("phone_number"), Code: aws.String(code)})
		return err
	}
	if older != newer {
		wantAPIError(t, verify(older), cognito.ErrCodeMismatch, cognito.MsgCodeMismatch)
	}
	if err := verify(newer); err != nil {
		t.Fatal(err)
	}
	got := getBody(t, e.ts.URL+"/_mock/users/alice")
	if !strings.Contains(got, `"phone_number_verified":"true"`) || !strings.Contains(got, `"email_verified":"false"`) {
		t.Fatalf("user = %s", got)
	}
	// A code never requested for the attribute does not match.
	_, err := e.c.VerifyUserAttribute(e.ctx(), &cip.VerifyUserAttributeInput{AccessToken: aws.String(tok), AttributeName: aws.String("email"), Code: aws.String("123456")})
	wantAPIError(t, err, cognito.ErrCodeMismatch, cognito.MsgCodeMismatch)
	// Missing members are validation errors.
	_, err = e.c.VerifyUserAttribute(e.ctx(), &cip.VerifyUserAttributeInput{AccessToken: aws.String(tok), AttributeName: aws.String("email"), Code: aws.String("")})
	wantAPIError(t, err, cognito.ErrInvalidParameter, "")
}
