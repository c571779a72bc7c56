package mock

import (
	"strings"

	"github.com/cogload/cogload/cognito"
)

// checkAttributeFormats refuses values of email and phone_number that the
// service would not store, with its SignUp messages (attr.email-format in
// docs/fidelity.md). An empty value deletes the attribute and passes.
func checkAttributeFormats(attrs []attrKV) *cognito.Error {
	for _, a := range attrs {
		switch {
		case a.Value == "":
		case a.Name == cognito.AttributeEmail && !plausibleEmail(a.Value):
			return cognito.NewError(cognito.ErrInvalidParameter, cognito.MsgInvalidEmailFormat)
		case a.Name == cognito.AttributePhoneNumber && !phoneRE.MatchString(a.Value):
			return cognito.NewError(cognito.ErrInvalidParameter, cognito.MsgInvalidPhoneFormat)
		}
	}
	return nil
}

// plausibleEmail is one @ between a non-empty local part and a dotted
// domain, without whitespace: the shape every captured refusal broke.
func plausibleEmail(s string) bool {
	local, domain, ok := strings.Cut(s, "@")
	return ok && local != "" && !strings.Contains(domain, "@") && strings.Contains(strings.Trim(domain, "."), ".") &&
		!strings.ContainsAny(s, " \t\r\n")
}
