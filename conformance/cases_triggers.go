package conformance

import (
	"context"
	"fmt"
	"reflect"

	"github.com/cogload/cogload/cognito"
	"github.com/cogload/cogload/domain"
	"github.com/cogload/cogload/idpclient"
)

// TriggerSourceGUAVC is the custom-message trigger source for a code the
// user asked for with GetUserAttributeVerificationCode
// (https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-custom-message.html).
const TriggerSourceGUAVC = "CustomMessage_VerifyUserAttribute"

// triggerSaw sends GUAVC to the trigger pool with md and checks what the
// trigger recorded: the source and the ClientMetadata, verbatim.
func triggerSaw(md map[string]string) func(ctx context.Context, h *harness) (*Observation, error) {
	return func(ctx context.Context, h *harness) (*Observation, error) {
		c, err := h.role(RoleTrigger)
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
		var o *Observation
		if md != nil && len(md) == 0 {
			// Raw, so that {} is certainly on the wire.
			o, err = c.rawJSON(ctx, cognito.OpGetUserAttributeVerificationCode, map[string]any{"AccessToken": tk.Access, "AttributeName": "email", "ClientMetadata": map[string]string{}})
		} else {
			o, err = c.guavc(ctx, tk.Access, "email", md)
		}
		if err != nil || o.ErrType != "" {
			return o, err
		}
		ds, err := c.outbox(ctx, u.Username, "email")
		if err != nil {
			return nil, err
		}
		if len(ds) == 0 {
			return nil, failf("200 but nothing in the outbox")
		}
		d := ds[len(ds)-1]
		if d.TriggerSource != TriggerSourceGUAVC {
			return nil, failf("triggerSource %q, want %s", d.TriggerSource, TriggerSourceGUAVC)
		}
		if got := describeMetadata(d.ClientMetadata); got != describeMetadata(md) || (md != nil && !reflect.DeepEqual(d.ClientMetadata, md)) {
			return nil, failf("trigger saw clientMetadata %s, want %s", got, describeMetadata(md))
		}
		return o, nil
	}
}

// describeMetadata names what a trigger saw: decoded from the outbox, null
// is a nil map and {} an empty one.
func describeMetadata(m map[string]string) string {
	switch {
	case m == nil:
		return "absent (null)"
	case len(m) == 0:
		return "{}"
	}
	return fmt.Sprintf("%d entries", len(m))
}

func triggerCases() []Case {
	docs := ev("trigger.event")
	trig := []Need{NeedPool(RoleTrigger), NeedOutbox}
	ok := Expect{Shape: "200; the trigger saw source " + TriggerSourceGUAVC + " and the metadata verbatim", check: deliveryShape("email", cognito.MediumEmail)}
	failure := func(id, role, typ, message, rule string, checks []string) Case {
		return Case{
			ID: id, Area: AreaTriggers, Checks: checks,
			Rule: rule, Needs: []Need{NeedPool(role)},
			Requests: "in a pool whose custom-message trigger fails this way: GUAVC email",
			Expect:   Expect{ErrorType: typ, Message: message},
			run:      rolePoolGUAVC(role, nil),
		}
	}
	return []Case{
		{
			ID: "triggers.metadata-verbatim", Area: AreaTriggers, Checks: docs, Needs: trig,
			Rule:     "ClientMetadata reaches the custom-message trigger verbatim (unicode, empty values)",
			Requests: "GUAVC email with ClientMetadata {flow: conform, note: ünïcødé ✓, empty: \"\"}; read what the trigger saw",
			Expect:   ok,
			run:      triggerSaw(map[string]string{"flow": "conform", "note": "ünïcødé ✓", "empty": ""}),
		},
		{
			ID: "triggers.metadata-absent", Area: AreaTriggers, Checks: docs, Needs: trig,
			Rule:     "without ClientMetadata the trigger sees no metadata (null), not {}",
			Requests: "GUAVC email without ClientMetadata; read what the trigger saw",
			Expect:   ok,
			run:      triggerSaw(nil),
		},
		{
			ID: "triggers.metadata-empty", Area: AreaTriggers, Checks: docs, Needs: trig,
			Rule:     "with ClientMetadata {} the trigger sees an empty map, not null",
			Requests: "GUAVC (raw) email with ClientMetadata {}; read what the trigger saw",
			Expect:   ok,
			run:      triggerSaw(map[string]string{}),
		},
		failure("triggers.user-lambda-validation", RoleTriggerUserLambda, cognito.ErrUserLambdaValidation, `^CustomMessage failed with error .+\.$`,
			"a trigger that throws gives UserLambdaValidationException \"CustomMessage failed with error <its message>.\"", ev("trigger.validation")),
		failure("triggers.unexpected-lambda", RoleTriggerUnexpectedLambda, cognito.ErrUnexpectedLambda, `^CustomMessage invocation failed due to error .+\.$`,
			"a trigger that cannot be invoked gives UnexpectedLambdaException \"CustomMessage invocation failed due to error <reason>.\"", ev("trigger.unexpected")),
		failure("triggers.invalid-lambda-response", RoleTriggerInvalidResponse, cognito.ErrInvalidLambdaResponse, "^"+quoteMeta(cognito.MsgUnrecognizableLambda)+"$",
			"a trigger answering emailMessage on COGNITO_DEFAULT email gives InvalidLambdaResponseException \"Unrecognizable lambda output\"", ev("trigger.default-email", "trigger.invalid-output")),
	}
}

// verifyRoundTrip requests a code for attr, reads it from the outbox and
// verifies it; it returns the code.
func (h *harness) verifyRoundTrip(ctx context.Context, u domain.Credential, tk idpclient.Tokens, attr string) (string, error) {
	code, err := h.requestCode(ctx, u, tk, attr)
	if err != nil {
		return "", err
	}
	err = h.main.idp.VerifyUserAttribute(ctx, tk.Access, attr, code)
	h.main.rec.take()
	if err != nil {
		return "", failf("VerifyUserAttribute with the delivered code: %v", err)
	}
	return code, nil
}

// requestCode calls GUAVC for attr and returns the newest delivered code.
func (h *harness) requestCode(ctx context.Context, u domain.Credential, tk idpclient.Tokens, attr string) (string, error) {
	o, err := h.main.guavc(ctx, tk.Access, attr, nil)
	if err != nil {
		return "", err
	}
	if o.ErrType != "" {
		return "", failf("GUAVC %s: %s", attr, o)
	}
	ds, err := h.main.outbox(ctx, u.Username, attr)
	if err != nil {
		return "", err
	}
	if len(ds) == 0 || ds[len(ds)-1].Code == "" {
		return "", failf("GUAVC %s succeeded but no code in the outbox", attr)
	}
	return ds[len(ds)-1].Code, nil
}
