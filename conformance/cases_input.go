package conformance

import (
	"context"
	"regexp"
	"strings"

	"github.com/cogload/cogload/cognito"
)

// guavcWith signs a user in and calls GUAVC through the SDK with attr and md.
func guavcWith(attr string, md func() map[string]string) func(ctx context.Context, h *harness) (*Observation, error) {
	return func(ctx context.Context, h *harness) (*Observation, error) {
		tok, err := h.accessToken(ctx)
		if err != nil {
			return nil, err
		}
		var m map[string]string
		if md != nil {
			m = md()
		}
		return h.main.guavc(ctx, tok, attr, m)
	}
}

func validationMsg(member, constraint string) string {
	return `validation errors? detected: .*'` + member + `' failed to satisfy constraint: ` + constraint
}

func inputCases() []Case {
	lenMax := `Member must have length less than or equal to 32`
	invalidName := Expect{ErrorType: cognito.ErrInvalidParameter, Message: "^" + quoteMeta(cognito.MsgInvalidAttributeName) + "$"}
	metaOK := Expect{Shape: "CodeDeliveryDetails for email", check: deliveryShape("email", cognito.MediumEmail)}
	metaTooLong := func(what string) Expect {
		return Expect{ErrorType: cognito.ErrInvalidParameter, Message: validationMsg("clientMetadata",
			`Map `+what+` must satisfy constraint: \[Member must have length less than or equal to 131072, Member must have length greater than or equal to 0\]`)}
	}
	big := func(n int) string { return strings.Repeat("x", n) }
	return []Case{
		{
			ID: "input.access-token-pattern", Area: AreaInput, Checks: ev("validate.constraints", "validate.message"),
			Rule:     "an AccessToken with characters outside [A-Za-z0-9-_=.] fails model validation",
			Requests: "GUAVC with AccessToken \"abc+def/ghi\"",
			Expect:   Expect{ErrorType: cognito.ErrInvalidParameter, Message: validationMsg("accessToken", `Member must satisfy regular expression pattern`)},
			run: func(ctx context.Context, h *harness) (*Observation, error) {
				return h.main.guavc(ctx, "abc+def/ghi", "email", nil)
			},
		},
		{
			ID: "input.access-token-missing", Area: AreaInput, Checks: ev("validate.constraints", "validate.message"),
			Rule:      "a request without AccessToken fails model validation (the SDK would refuse to send it)",
			Uncertain: "whether the message says \"Value null at\" or, the token being sensitive, \"Value at\" is open; both are accepted",
			Requests:  "GUAVC (raw HTTP) with body {\"AttributeName\":\"email\"}",
			Expect:    Expect{ErrorType: cognito.ErrInvalidParameter, Message: validationMsg("accessToken", `Member must not be null`)},
			run: func(ctx context.Context, h *harness) (*Observation, error) {
				return h.main.rawJSON(ctx, cognito.OpGetUserAttributeVerificationCode, map[string]any{"AttributeName": "email"})
			},
		},
		{
			ID: "input.attribute-name-missing", Area: AreaInput, Checks: ev("validate.constraints", "validate.message"),
			Rule:     "a request without AttributeName fails model validation",
			Needs:    []Need{NeedTokens},
			Requests: "GUAVC (raw HTTP) with a valid AccessToken and no AttributeName",
			Expect:   Expect{ErrorType: cognito.ErrInvalidParameter, Message: validationMsg("attributeName", `Member must not be null`)},
			run: func(ctx context.Context, h *harness) (*Observation, error) {
				tok, err := h.accessToken(ctx)
				if err != nil {
					return nil, err
				}
				return h.main.rawJSON(ctx, cognito.OpGetUserAttributeVerificationCode, map[string]any{"AccessToken": tok})
			},
		},
		{
			ID: "input.attribute-name-empty", Area: AreaInput, Checks: ev("validate.constraints", "validate.empty-name"),
			Rule:     "an empty AttributeName breaks both the length (1..32) and the pattern: two validation errors",
			Needs:    []Need{NeedTokens},
			Requests: "GUAVC with AttributeName \"\"",
			Expect: Expect{ErrorType: cognito.ErrInvalidParameter, Message: `^2 validation errors detected: .*'attributeName' failed to satisfy constraint: Member must have length greater than or equal to 1` +
				`.*'attributeName' failed to satisfy constraint: Member must satisfy regular expression pattern`},
			run: guavcWith("", nil),
		},
		{
			ID: "input.attribute-name-32", Area: AreaInput, Checks: ev("validate.constraints", "attr.verifiable"),
			Rule:     "a 32-character AttributeName passes model validation (then fails the verifiable-attribute rule)",
			Needs:    []Need{NeedTokens},
			Requests: "GUAVC with AttributeName custom: + 25 × a (32 characters)",
			Expect:   invalidName,
			run:      guavcWith("custom:"+strings.Repeat("a", 25), nil),
		},
		{
			ID: "input.attribute-name-33", Area: AreaInput, Checks: ev("validate.constraints", "validate.message"),
			Rule:     "a 33-character AttributeName fails model validation",
			Needs:    []Need{NeedTokens},
			Requests: "GUAVC with AttributeName custom: + 26 × a (33 characters)",
			Expect:   Expect{ErrorType: cognito.ErrInvalidParameter, Message: validationMsg("attributeName", lenMax)},
			run:      guavcWith("custom:"+strings.Repeat("a", 26), nil),
		},
		{
			ID: "input.attribute-name-pattern", Area: AreaInput, Checks: ev("validate.constraints", "attr.verifiable"),
			Rule:     "since the model revision of 2026-02-27 an AttributeName with a space matches the pattern, so the verifiable-attribute rule answers",
			Needs:    []Need{NeedTokens},
			Requests: "GUAVC with AttributeName \"e mail\"",
			Expect:   invalidName,
			run:      guavcWith("e mail", nil),
		},
		{
			ID: "input.attribute-name-control", Area: AreaInput, Checks: ev("validate.constraints", "validate.message"),
			Rule:     "a control character other than tab, newline and carriage return fails the AttributeName pattern",
			Needs:    []Need{NeedTokens},
			Requests: "GUAVC with AttributeName \"e\\u0000mail\"",
			Expect:   Expect{ErrorType: cognito.ErrInvalidParameter, Message: validationMsg("attributeName", `Member must satisfy regular expression pattern`)},
			run:      guavcWith("e\x00mail", nil),
		},
		{
			ID: "input.attribute-name-unicode", Area: AreaInput, Checks: ev("validate.constraints", "attr.verifiable"),
			Rule:     "a non-ASCII letter matches the model pattern, so the verifiable-attribute rule answers",
			Needs:    []Need{NeedTokens},
			Requests: "GUAVC with AttributeName \"ü\"",
			Expect:   invalidName,
			run:      guavcWith("ü", nil),
		},
		{
			ID: "input.metadata-absent", Area: AreaInput, Checks: ev("validate.constraints", "delivery.details"),
			Rule:     "a request without ClientMetadata is valid",
			Needs:    []Need{NeedTokens},
			Requests: "GUAVC, attribute email, ClientMetadata left out",
			Expect:   metaOK,
			run:      guavcWith("email", nil),
		},
		{
			ID: "input.metadata-empty", Area: AreaInput, Checks: ev("validate.constraints", "delivery.details"),
			Rule:     "an empty ClientMetadata map {} is valid",
			Needs:    []Need{NeedTokens},
			Requests: "GUAVC, attribute email, ClientMetadata {}",
			Expect:   metaOK,
			run: func(ctx context.Context, h *harness) (*Observation, error) {
				tok, err := h.accessToken(ctx)
				if err != nil {
					return nil, err
				}
				return h.main.rawJSON(ctx, cognito.OpGetUserAttributeVerificationCode, map[string]any{"AccessToken": tok, "AttributeName": "email", "ClientMetadata": map[string]string{}})
			},
		},
		{
			ID: "input.metadata-value-131072", Area: AreaInput, Checks: ev("validate.constraints", "delivery.details"),
			Rule:     "a ClientMetadata value of exactly 131072 characters is valid",
			Needs:    []Need{NeedTokens},
			Requests: "GUAVC, attribute email, ClientMetadata {\"k\": 131072 × x}",
			Expect:   metaOK,
			run:      guavcWith("email", func() map[string]string { return map[string]string{"k": big(131072)} }),
		},
		{
			ID: "input.metadata-value-131073", Area: AreaInput, Checks: ev("validate.constraints", "validate.map-message"),
			Rule:     "a ClientMetadata value of 131073 characters fails model validation",
			Needs:    []Need{NeedTokens},
			Requests: "GUAVC, attribute email, ClientMetadata {\"k\": 131073 × x}",
			Expect:   metaTooLong("value"),
			run:      guavcWith("email", func() map[string]string { return map[string]string{"k": big(131073)} }),
		},
		{
			ID: "input.metadata-key-131072", Area: AreaInput, Checks: ev("validate.constraints", "delivery.details"),
			Rule:     "a ClientMetadata key of exactly 131072 characters is valid",
			Needs:    []Need{NeedTokens},
			Requests: "GUAVC, attribute email, ClientMetadata {131072 × x: \"v\"}",
			Expect:   metaOK,
			run:      guavcWith("email", func() map[string]string { return map[string]string{big(131072): "v"} }),
		},
		{
			ID: "input.metadata-key-131073", Area: AreaInput, Checks: ev("validate.constraints", "validate.map-message"),
			Rule:     "a ClientMetadata key of 131073 characters fails model validation",
			Needs:    []Need{NeedTokens},
			Requests: "GUAVC, attribute email, ClientMetadata {131073 × x: \"v\"}",
			Expect:   metaTooLong("keys"),
			run:      guavcWith("email", func() map[string]string { return map[string]string{big(131073): "v"} }),
		},
	}
}

// quoteMeta escapes a literal message for use in a pattern.
func quoteMeta(s string) string { return regexp.QuoteMeta(s) }
