package conformance

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/cogload/cogload/cognito"
	"github.com/cogload/cogload/domain"
)

func deliveryCases() []Case {
	tok := []Need{NeedTokens}
	var email, phone string
	return []Case{
		{
			ID: "delivery.shape", Area: AreaDelivery, Checks: ev("delivery.details"), Needs: tok,
			Rule:     "the answer is exactly {CodeDeliveryDetails:{AttributeName, DeliveryMedium, Destination}} with DeliveryMedium EMAIL or SMS",
			Requests: "GUAVC email for a user with an email",
			Expect:   Expect{Shape: "only CodeDeliveryDetails, with exactly its three members", check: exactShape},
			run:      guavcUser("email", true, "email", nil),
		},
		{
			ID: "delivery.email-mask", Area: AreaDelivery, Checks: ev("delivery.mask"), Needs: tok,
			Rule:     "an email Destination is masked as first letter, ***@, first letter of the domain, *** (a***@e***)",
			Requests: "GUAVC email for a user with an email",
			Expect: Expect{Shape: "Destination ~ /^.\\*\\*\\*@.\\*\\*\\*$/ and == mask(email)",
				check: destination("email", cognito.MediumEmail, emailMaskRE, &email)},
			run: guavcUser("email", true, "email", func(u domain.Credential) { email = cognito.MaskEmail(u.Email) }),
		},
		{
			ID: "delivery.phone-mask", Area: AreaDelivery, Checks: ev("delivery.mask"), Needs: tok,
			Rule:     "a phone Destination is +, one * per digit but the last four, then the last four (+********8920)",
			Requests: "GUAVC phone_number for a user with a phone number",
			Expect: Expect{Shape: "Destination ~ /^\\+\\*+[0-9]{4}$/ and == mask(phone)",
				check: destination("phone_number", cognito.MediumSMS, phoneMaskRE, &phone)},
			run: guavcUser("phone_number", true, "phone_number", func(u domain.Credential) { phone = cognito.MaskPhone(u.PhoneNumber) }),
		},
		{
			ID: "delivery.sent-to-attribute", Area: AreaDelivery, Checks: ev("attr.current-value"),
			Rule:     "the code is sent to the user's current email address by EMAIL",
			Needs:    []Need{NeedTokens, NeedOutbox},
			Requests: "GUAVC email; read the outbox",
			Expect:   Expect{Shape: "one outbox delivery, medium EMAIL, destination == the user's email, a 6-digit code"},
			run: func(ctx context.Context, h *harness) (*Observation, error) {
				u, tk, err := h.signedIn(ctx)
				if err != nil {
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
				if len(ds) != 1 {
					return nil, failf("%d outbox deliveries, want 1", len(ds))
				}
				d := ds[0]
				if d.Medium != cognito.MediumEmail || (u.Email != "" && d.Destination != u.Email) || !sixDigits.MatchString(d.Code) {
					return nil, failf("delivery medium %s, destination match %t, 6-digit code %t", d.Medium, d.Destination == u.Email, sixDigits.MatchString(d.Code))
				}
				return o, nil
			},
		},
		{
			ID: "delivery.failure", Area: AreaDelivery, Checks: ev("delivery.failure"),
			Rule:     "a failed delivery gives CodeDeliveryFailureException",
			Needs:    []Need{NeedPool(RoleDeliveryFailure)},
			Requests: "in a pool whose email delivery fails: GUAVC email",
			Expect:   Expect{ErrorType: cognito.ErrCodeDeliveryFailure},
			run:      rolePoolGUAVC(RoleDeliveryFailure, nil),
		},
	}
}

// rolePoolGUAVC signs in the first user with an email of the role's pool and
// requests an email code with md.
func rolePoolGUAVC(role string, md map[string]string) func(ctx context.Context, h *harness) (*Observation, error) {
	return func(ctx context.Context, h *harness) (*Observation, error) {
		c, err := h.role(role)
		if err != nil {
			return nil, err
		}
		u, err := c.user("with an email address", hasEmail)
		if err != nil {
			return nil, err
		}
		tk, err := c.login(ctx, u)
		if err != nil {
			return nil, err
		}
		return c.guavc(ctx, tk.Access, "email", md)
	}
}

// exactShape demands a body with CodeDeliveryDetails and nothing else.
func exactShape(o *Observation) error {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(o.Body, &top); err != nil {
		return fmt.Errorf("success body is not a JSON object: %w", err)
	}
	for k := range top {
		if k != "CodeDeliveryDetails" {
			return fmt.Errorf("unexpected member %q in the answer", k)
		}
	}
	return deliveryShape("email", cognito.MediumEmail)(o)
}
