package cognito

import (
	"regexp"
	"strings"
	"testing"
)

func TestValidateGUAVC(t *testing.T) {
	long := strings.Repeat("a", ClientMetadataMaxLen)
	tests := []struct {
		name    string
		in      GetUserAttributeVerificationCodeInput
		token   bool
		attr    bool
		wantMsg string // "" = valid
	}{
		{"valid", GetUserAttributeVerificationCodeInput{AccessToken: "a.b-c_d=e", AttributeName: "email"}, true, true, ""},
		{"custom attribute passes the model", GetUserAttributeVerificationCodeInput{AccessToken: "t", AttributeName: "custom:tier"}, true, true, ""},
		{"unicode attribute", GetUserAttributeVerificationCodeInput{AccessToken: "t", AttributeName: "ü<>/"}, true, true, ""},
		{"32 chars", GetUserAttributeVerificationCodeInput{AccessToken: "t", AttributeName: strings.Repeat("x", 32)}, true, true, ""},
		{"metadata at limit", GetUserAttributeVerificationCodeInput{AccessToken: "t", AttributeName: "email", ClientMetadata: map[string]string{long: long}}, true, true, ""},
		{"missing token", GetUserAttributeVerificationCodeInput{AttributeName: "email"}, false, true,
			"1 validation error detected: Value at 'accessToken' failed to satisfy constraint: Member must not be null"},
		{"token pattern, value not echoed", GetUserAttributeVerificationCodeInput{AccessToken: "se/cret+", AttributeName: "email"}, true, true,
			"1 validation error detected: Value at 'accessToken' failed to satisfy constraint: Member must satisfy regular expression pattern: [A-Za-z0-9-_=.]+"},
		{"33 chars", GetUserAttributeVerificationCodeInput{AccessToken: "t", AttributeName: strings.Repeat("x", 33)}, true, true,
			"1 validation error detected: Value '" + strings.Repeat("x", 33) + "' at 'attributeName' failed to satisfy constraint: Member must have length less than or equal to 32"},
		// The 2026-02-27 model allows whitespace: the attribute rule answers.
		{"whitespace passes the model", GetUserAttributeVerificationCodeInput{AccessToken: "t", AttributeName: "e mail\t"}, true, true, ""},
		{"control character", GetUserAttributeVerificationCodeInput{AccessToken: "t", AttributeName: "a\x00b"}, true, true,
			"1 validation error detected: Value 'a\x00b' at 'attributeName' failed to satisfy constraint: Member must satisfy regular expression pattern: " + AttributeNamePattern},
		{"empty name breaks length and pattern", GetUserAttributeVerificationCodeInput{AccessToken: "t", AttributeName: ""}, true, true,
			"2 validation errors detected: Value '' at 'attributeName' failed to satisfy constraint: Member must have length greater than or equal to 1; " +
				"Value '' at 'attributeName' failed to satisfy constraint: Member must satisfy regular expression pattern: " + AttributeNamePattern},
		{"two errors", GetUserAttributeVerificationCodeInput{AccessToken: "a b"}, true, false,
			"2 validation errors detected: Value at 'accessToken' failed to satisfy constraint: Member must satisfy regular expression pattern: [A-Za-z0-9-_=.]+; Value null at 'attributeName' failed to satisfy constraint: Member must not be null"},
		{"metadata value too long", GetUserAttributeVerificationCodeInput{AccessToken: "t", AttributeName: "email", ClientMetadata: map[string]string{"k": long + "a"}}, true, true,
			"1 validation error detected: Value at 'clientMetadata' failed to satisfy constraint: Map value must satisfy constraint: [Member must have length less than or equal to 131072, Member must have length greater than or equal to 0]"},
		{"metadata key too long", GetUserAttributeVerificationCodeInput{AccessToken: "t", AttributeName: "email", ClientMetadata: map[string]string{long + "a": "v"}}, true, true,
			"1 validation error detected: Value at 'clientMetadata' failed to satisfy constraint: Map keys must satisfy constraint: [Member must have length less than or equal to 131072, Member must have length greater than or equal to 0]"},
	}
	for _, tt := range tests {
		err := ValidateGUAVC(tt.in, tt.token, tt.attr)
		switch {
		case tt.wantMsg == "" && err != nil:
			t.Errorf("%s: unexpected error %v", tt.name, err)
		case tt.wantMsg != "" && err == nil:
			t.Errorf("%s: accepted, want %q", tt.name, tt.wantMsg)
		case err != nil && (err.Type != ErrInvalidParameter || err.Message != tt.wantMsg):
			t.Errorf("%s:\n got %s: %s\nwant InvalidParameterException: %s", tt.name, err.Type, err.Message, tt.wantMsg)
		}
	}
}

func TestMasks(t *testing.T) {
	for in, want := range map[string]string{
		"zoe@bigcorp.example": "z***@b***",
		"alice@example.com":   "a***@e***",
		"ünï@ßtraße.de":       "ü***@ß***",
	} {
		if got := MaskEmail(in); got != want {
			t.Errorf("MaskEmail(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{
		"+491512348920": "+********8920",
		"+14155550100":  "+*******0100",
		"+123":          "+123",
	} {
		if got := MaskPhone(in); got != want {
			t.Errorf("MaskPhone(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzValidateGUAVC(f *testing.F) {
	f.Add("a.b.c", "email", "k", "v")
	f.Add("", "", "", "")
	f.Add("x y", "a b", "\xff", "\x00")
	f.Fuzz(func(t *testing.T, token, attr, k, v string) {
		err := ValidateGUAVC(GetUserAttributeVerificationCodeInput{AccessToken: token, AttributeName: attr, ClientMetadata: map[string]string{k: v}}, true, true)
		// The token is @sensitive: a message may name the member, never its value.
		if err != nil && strings.Contains(err.Message, "'"+token+"' at 'accessToken'") {
			t.Fatalf("token echoed in %q", err.Message)
		}
		if err == nil && !ValidAccessTokenSyntax(token) {
			t.Fatalf("token %q outside the model's pattern was accepted", token)
		}
	})
}

// FuzzTokenSyntaxMatchesPattern keeps the fast character table equal to the
// model's regular expression.
func FuzzTokenSyntaxMatchesPattern(f *testing.F) {
	re := regexp.MustCompile(`^` + AccessTokenPattern + `$`)
	for _, s := range []string{"", "a.b.c", "a b", "é", "-_=.", "a/b+c", "\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := ValidAccessTokenSyntax(s), re.MatchString(s); got != want {
			t.Fatalf("ValidAccessTokenSyntax(%q) = %v, regexp says %v", s, got, want)
		}
	})
}

func TestValidateGUAVCDoesNotAllocateWhenValid(t *testing.T) {
	in := GetUserAttributeVerificationCodeInput{AccessToken: "a.b.c", AttributeName: "email", ClientMetadata: map[string]string{"k": "v"}}
	if n := testing.AllocsPerRun(100, func() { _ = ValidateGUAVC(in, true, true) }); n != 0 {
		t.Errorf("ValidateGUAVC of a valid request allocates %v times; it runs on every mock request", n)
	}
}
