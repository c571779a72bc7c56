package cognito

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Model constraints on GetUserAttributeVerificationCode's input (Smithy
// model cognito-identity-provider 2016-04-18, revision 2026-02-27, which
// added whitespace to AttributeNameType). Patterns are shown in messages
// without their anchors, as the service's validation messages show them.
const (
	AccessTokenPattern   = `[A-Za-z0-9-_=.]+`
	AttributeNamePattern = `[\p{L}\p{M}\p{S}\p{N}\p{P}\t\n\r ]+`
	AttributeNameMaxLen  = 32
	// ClientMetadataMaxLen bounds each key and each value (StringType).
	ClientMetadataMaxLen = 131072
)

var (
	attributeNameRE = regexp.MustCompile(`^` + AttributeNamePattern + `$`)
)

// tokenChars is TokenModelType's character class, [A-Za-z0-9-_=.], as a
// table: tokens are ~1 KB and checked on every request, where a regexp
// costs a fifth of the mock's CPU.
var tokenChars = func() (t [256]bool) {
	for c := 'A'; c <= 'Z'; c++ {
		t[c] = true
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c] = true
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for _, c := range "-_=." {
		t[c] = true
	}
	return t
}()

// ValidAccessTokenSyntax reports whether s matches TokenModelType's pattern.
func ValidAccessTokenSyntax(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !tokenChars[s[i]] {
			return false
		}
	}
	return true
}

// ValidationProblems collects model violations and renders them in the
// service's "N validation error(s) detected: ..." form.
type ValidationProblems []string

// Null records a missing required member.
func (p *ValidationProblems) Null(member string) {
	*p = append(*p, fmt.Sprintf("Value null at '%s' failed to satisfy constraint: Member must not be null", member))
}

// nullSensitive records a missing required sensitive member: even "null"
// is not echoed.
func (p *ValidationProblems) nullSensitive(member string) {
	p.Add(member, "", true, "Member must not be null")
}

// Add records a violated constraint. A sensitive member's value is never
// echoed, as on the real service.
func (p *ValidationProblems) Add(member, value string, sensitive bool, constraint string) {
	if sensitive {
		*p = append(*p, fmt.Sprintf("Value at '%s' failed to satisfy constraint: %s", member, constraint))
		return
	}
	*p = append(*p, fmt.Sprintf("Value '%s' at '%s' failed to satisfy constraint: %s", value, member, constraint))
}

// Err returns nil when nothing was recorded, else InvalidParameterException
// with the service's message.
func (p ValidationProblems) Err() *Error {
	if len(p) == 0 {
		return nil
	}
	noun := "errors"
	if len(p) == 1 {
		noun = "error"
	}
	return &Error{Type: ErrInvalidParameter, Message: fmt.Sprintf("%d validation %s detected: %s", len(p), noun, strings.Join(p, "; "))}
}

// ValidateAccessToken checks a required AccessToken member (TokenModelType).
func (p *ValidationProblems) ValidateAccessToken(member, token string, present bool) {
	switch {
	case !present:
		p.nullSensitive(member)
	case !ValidAccessTokenSyntax(token):
		p.Add(member, "", true, "Member must satisfy regular expression pattern: "+AccessTokenPattern)
	}
}

// ValidateAttributeName checks a required AttributeName member
// (AttributeNameType: 1..32 characters of the pattern). Length and pattern
// are separate constraints, so an empty name breaks both.
func (p *ValidationProblems) ValidateAttributeName(member, name string, present bool) {
	if !present {
		p.Null(member)
		return
	}
	if IsVerifiable(name) {
		return // the common case, on every request: skip the regexp
	}
	n := utf8.RuneCountInString(name)
	if n > AttributeNameMaxLen {
		p.Add(member, name, false, fmt.Sprintf("Member must have length less than or equal to %d", AttributeNameMaxLen))
	}
	if n < 1 {
		p.Add(member, name, false, "Member must have length greater than or equal to 1")
	}
	if !attributeNameRE.MatchString(name) {
		p.Add(member, name, false, "Member must satisfy regular expression pattern: "+AttributeNamePattern)
	}
}

// ValidateClientMetadata checks ClientMetadataType: every key and value at
// most ClientMetadataMaxLen characters.
func (p *ValidationProblems) ValidateClientMetadata(member string, md map[string]string) {
	// The byte length bounds the character count from above, so only
	// long strings are counted.
	tooLong := func(s string) bool {
		return len(s) > ClientMetadataMaxLen && utf8.RuneCountInString(s) > ClientMetadataMaxLen
	}
	var keyTooLong, valueTooLong bool
	for k, v := range md {
		keyTooLong = keyTooLong || tooLong(k)
		valueTooLong = valueTooLong || tooLong(v)
	}
	if !keyTooLong && !valueTooLong {
		return
	}
	// A map constraint lists every constraint of the key or value shape
	// (StringType: length 0..131072) and echoes no value.
	limits := fmt.Sprintf("[Member must have length less than or equal to %d, Member must have length greater than or equal to 0]", ClientMetadataMaxLen)
	if keyTooLong {
		p.Add(member, "", true, "Map keys must satisfy constraint: "+limits)
	}
	if valueTooLong {
		p.Add(member, "", true, "Map value must satisfy constraint: "+limits)
	}
}

// ValidateGUAVC checks a GetUserAttributeVerificationCode request against
// the model. present reports which required members were in the body (a
// JSON null or a missing member is "not present"). It returns nil when the
// request is valid.
func ValidateGUAVC(in GetUserAttributeVerificationCodeInput, tokenPresent, namePresent bool) *Error {
	var p ValidationProblems
	p.ValidateAccessToken("accessToken", in.AccessToken, tokenPresent)
	p.ValidateAttributeName("attributeName", in.AttributeName, namePresent)
	p.ValidateClientMetadata("clientMetadata", in.ClientMetadata)
	return p.Err()
}

// IsVerifiable reports whether the service can verify an attribute.
func IsVerifiable(attribute string) bool {
	return attribute == AttributeEmail || attribute == AttributePhoneNumber
}

// MaskEmail masks an address the way the real service does: the first
// character of the local part and of the domain, each followed by "***"
// ("alice@example.com" → "a***@e***"; the TLD is hidden too).
func MaskEmail(addr string) string {
	local, domain, ok := strings.Cut(addr, "@")
	if !ok {
		return firstRune(addr) + "***"
	}
	return firstRune(local) + "***@" + firstRune(domain) + "***"
}

// MaskPhone masks a phone number the way the real service does: "+", one
// "*" for every digit but the last four, then the last four
// ("+14155558920" → "+*******8920").
func MaskPhone(phone string) string {
	digits := make([]byte, 0, len(phone))
	for i := 0; i < len(phone); i++ {
		if phone[i] >= '0' && phone[i] <= '9' {
			digits = append(digits, phone[i])
		}
	}
	if len(digits) <= 4 {
		return "+" + string(digits)
	}
	return "+" + strings.Repeat("*", len(digits)-4) + string(digits[len(digits)-4:])
}

func firstRune(s string) string {
	if s == "" {
		return ""
	}
	_, n := utf8.DecodeRuneInString(s)
	return s[:n]
}
