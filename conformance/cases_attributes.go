package conformance

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"

	"github.com/cogload/cogload/cognito"
	"github.com/cogload/cogload/domain"
)

// cdd decodes CodeDeliveryDetails from a success body.
func cdd(o *Observation) (map[string]any, error) {
	var out struct {
		CodeDeliveryDetails map[string]any `json:"CodeDeliveryDetails"`
	}
	if err := json.Unmarshal(o.Body, &out); err != nil {
		return nil, fmt.Errorf("success body is not JSON: %w", err)
	}
	if out.CodeDeliveryDetails == nil {
		return nil, fmt.Errorf("no CodeDeliveryDetails in %s", clip(string(o.Body), 120))
	}
	return out.CodeDeliveryDetails, nil
}

// deliveryShape demands CodeDeliveryDetails with exactly AttributeName
// (echoing attr), DeliveryMedium (medium) and a non-empty Destination.
func deliveryShape(attr, medium string) func(o *Observation) error {
	return func(o *Observation) error {
		d, err := cdd(o)
		if err != nil {
			return err
		}
		for k := range d {
			if k != "AttributeName" && k != "DeliveryMedium" && k != "Destination" {
				return fmt.Errorf("unexpected CodeDeliveryDetails member %q", k)
			}
		}
		if d["AttributeName"] != attr {
			return fmt.Errorf("AttributeName %v, want %s", d["AttributeName"], attr)
		}
		if d["DeliveryMedium"] != medium {
			return fmt.Errorf("DeliveryMedium %v, want %s", d["DeliveryMedium"], medium)
		}
		if s, _ := d["Destination"].(string); s == "" {
			return fmt.Errorf("empty Destination")
		}
		return nil
	}
}

// destination demands deliveryShape plus a Destination matching re and, when
// want is known, equal to it.
func destination(attr, medium string, re *regexp.Regexp, want *string) func(o *Observation) error {
	return func(o *Observation) error {
		if err := deliveryShape(attr, medium)(o); err != nil {
			return err
		}
		d, _ := cdd(o)
		got := d["Destination"].(string)
		if !re.MatchString(got) {
			return fmt.Errorf("Destination %q does not match %s", got, re)
		}
		if *want != "" && got != *want {
			return fmt.Errorf("Destination %q, want %q", got, *want)
		}
		return nil
	}
}

// guavcUser signs in a user who has (want) or lacks the attribute has and
// requests a code for attr.
func guavcUser(has string, want bool, attr string, remember func(domain.Credential)) func(ctx context.Context, h *harness) (*Observation, error) {
	return func(ctx context.Context, h *harness) (*Observation, error) {
		u, err := h.userFor(ctx, has, want)
		if err != nil {
			return nil, err
		}
		if remember != nil {
			remember(u)
		}
		tk, err := h.main.login(ctx, u)
		if err != nil {
			return nil, err
		}
		return h.main.guavc(ctx, tk.Access, attr, nil)
	}
}

var (
	emailMaskRE = regexp.MustCompile(`^[^*@]\*\*\*@[^*@]\*\*\*$`)
	phoneMaskRE = regexp.MustCompile(`^\+\*+[0-9]{4}$`)
)

func attributeCases() []Case {
	tok := []Need{NeedTokens}
	invalidName := Expect{ErrorType: cognito.ErrInvalidParameter, Message: "^" + quoteMeta(cognito.MsgInvalidAttributeName) + "$"}
	return []Case{
		{
			ID: "attributes.email", Area: AreaAttributes, Checks: ev("attr.verifiable", "delivery.details"), Needs: tok,
			Rule:     "email can be verified: 200 with CodeDeliveryDetails for email",
			Requests: "sign in a user with an email; GUAVC email",
			Expect:   Expect{Shape: "CodeDeliveryDetails{AttributeName email, DeliveryMedium EMAIL, Destination}", check: deliveryShape("email", cognito.MediumEmail)},
			run:      guavcUser("email", true, "email", nil),
		},
		{
			ID: "attributes.phone-number", Area: AreaAttributes, Checks: ev("attr.verifiable", "delivery.details"), Needs: tok,
			Rule:     "phone_number can be verified: 200 with CodeDeliveryDetails for phone_number",
			Requests: "sign in a user with a phone number; GUAVC phone_number",
			Expect:   Expect{Shape: "CodeDeliveryDetails{AttributeName phone_number, DeliveryMedium SMS, Destination}", check: deliveryShape("phone_number", cognito.MediumSMS)},
			run:      guavcUser("phone_number", true, "phone_number", nil),
		},
		{
			ID: "attributes.custom", Area: AreaAttributes, Checks: ev("attr.verifiable"), Needs: tok,
			Rule:     "a custom attribute cannot be verified",
			Requests: "GUAVC custom:department",
			Expect:   invalidName,
			run:      guavcWith("custom:department", nil),
		},
		{
			ID: "attributes.other-standard", Area: AreaAttributes, Checks: ev("attr.verifiable"), Needs: tok,
			Rule:     "another standard attribute (name) cannot be verified",
			Requests: "GUAVC name",
			Expect:   invalidName,
			run:      guavcWith("name", nil),
		},
		{
			ID: "attributes.verified-flag", Area: AreaAttributes, Checks: ev("attr.verifiable"), Needs: tok,
			Rule:     "email_verified is an attribute but not a verifiable one",
			Requests: "GUAVC email_verified",
			Expect:   invalidName,
			run:      guavcWith("email_verified", nil),
		},
		{
			ID: "attributes.missing-email", Area: AreaAttributes, Checks: ev("attr.missing"), Needs: tok,
			Rule:     "a user without an email gets \"User does not have a valid registered email address\"",
			Requests: "sign in a user without an email; GUAVC email",
			Expect:   Expect{ErrorType: cognito.ErrInvalidParameter, Message: "^" + quoteMeta(cognito.MsgNoEmail) + "$"},
			run:      guavcUser("email", false, "email", nil),
		},
		{
			ID: "attributes.missing-phone", Area: AreaAttributes, Checks: ev("attr.missing"), Needs: tok,
			Rule:     "a user without a phone number gets \"User does not have a valid registered phone number\"",
			Requests: "sign in a user without a phone number; GUAVC phone_number",
			Expect:   Expect{ErrorType: cognito.ErrInvalidParameter, Message: "^" + quoteMeta(cognito.MsgNoPhone) + "$"},
			run:      guavcUser("phone_number", false, "phone_number", nil),
		},
		{
			ID: "attributes.already-verified", Area: AreaAttributes, Checks: ev("attr.already-verified"),
			Rule:     "an already verified email still gets a fresh code",
			Needs:    []Need{NeedTokens, NeedOutbox},
			Requests: "GUAVC email; VerifyUserAttribute with the delivered code; GUAVC email again",
			Expect:   Expect{Shape: "CodeDeliveryDetails for email and a second delivery in the outbox", check: deliveryShape("email", cognito.MediumEmail)},
			run: func(ctx context.Context, h *harness) (*Observation, error) {
				u, tk, err := h.signedIn(ctx)
				if err != nil {
					return nil, err
				}
				if _, err := h.verifyRoundTrip(ctx, u, tk, "email"); err != nil {
					return nil, err
				}
				o, err := h.main.guavc(ctx, tk.Access, "email", nil)
				if err != nil || o.ErrType != "" {
					return o, err
				}
				ds, err := h.main.outbox(ctx, u.Username, "email")
				if err != nil {
					return nil, err
				}
				if len(ds) < 2 {
					return nil, failf("200 but %d deliveries in the outbox, want 2", len(ds))
				}
				return o, nil
			},
		},
	}
}
