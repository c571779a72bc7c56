package mock

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
)

// PasswordPolicyConfig is the pool's password policy, as CreateUserPool's
// Policies.PasswordPolicy. Nil fields take the service's defaults: at
// least 8 characters with an upper-case letter, a lower-case letter, a
// number and a symbol (documented:
// https://docs.aws.amazon.com/cognito/latest/developerguide/managing-users-passwords.html).
type PasswordPolicyConfig struct {
	MinimumLength    *int  `yaml:"minimumLength,omitempty"`
	RequireUppercase *bool `yaml:"requireUppercase,omitempty"`
	RequireLowercase *bool `yaml:"requireLowercase,omitempty"`
	RequireNumbers   *bool `yaml:"requireNumbers,omitempty"`
	RequireSymbols   *bool `yaml:"requireSymbols,omitempty"`
}

// DefaultPasswordMinLength is the service's default minimum password
// length.
const DefaultPasswordMinLength = 8

// Username attributes (UsernameAttributes of CreateUserPool).
const (
	UsernameEmail = "email"
	UsernamePhone = "phone_number"
)

// passwordPolicy is a password policy with every default applied.
type passwordPolicy struct {
	minLength                      int
	upper, lower, numbers, symbols bool
}

func (c *Config) passwordPolicy() passwordPolicy {
	pp := c.PasswordPolicy
	or := func(b *bool) bool { return b == nil || *b }
	p := passwordPolicy{minLength: DefaultPasswordMinLength,
		upper: or(pp.RequireUppercase), lower: or(pp.RequireLowercase), numbers: or(pp.RequireNumbers), symbols: or(pp.RequireSymbols)}
	if pp.MinimumLength != nil {
		p.minLength = *pp.MinimumLength
	}
	return p
}

// passwordSymbols are the characters the service counts as symbols
// (documented on the page cited at PasswordPolicyConfig).
const passwordSymbols = "^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+-"

// violation returns the reason pw breaks the policy, or "". The service
// names the first unmet rule after a common prefix: "Password did not
// conform with password policy: Password must have numeric characters" is
// observed (data-dot-all/dataall#690, AdminCreateUser); the other reasons
// follow its pattern (inferred).
func (p passwordPolicy) violation(pw string) string {
	has := func(f func(rune) bool) bool { return strings.IndexFunc(pw, f) >= 0 }
	switch {
	case len([]rune(pw)) < p.minLength:
		return "Password not long enough"
	case p.lower && !has(unicode.IsLower):
		return "Password must have lowercase characters"
	case p.upper && !has(unicode.IsUpper):
		return "Password must have uppercase characters"
	case p.numbers && !has(unicode.IsDigit):
		return "Password must have numeric characters"
	case p.symbols && !has(func(r rune) bool { return strings.ContainsRune(passwordSymbols, r) }):
		return "Password must have symbol characters"
	}
	return ""
}

// passwordProblem is the InvalidPasswordException message for pw, or "".
func (p passwordPolicy) passwordProblem(pw string) string {
	if v := p.violation(pw); v != "" {
		return "Password did not conform with password policy: " + v
	}
	return ""
}

// usernameIs reports whether the pool signs users in with attr as their
// username.
func (c *Config) usernameIs(attr string) bool { return slices.Contains(c.UsernameAttributes, attr) }

// validatePool checks the pool-level settings: password policy and
// username attributes.
func (c *Config) validatePool() []problem {
	var ps []problem
	add := func(msg string, path ...any) { ps = append(ps, problem{path: path, msg: msg}) }
	// PasswordPolicyMinLengthType: 6 to 99 (API model).
	if n := c.PasswordPolicy.MinimumLength; n != nil && (*n < 6 || *n > 99) {
		add(fmt.Sprintf("minimum length %d out of range: use 6 to 99", *n), "passwordPolicy", "minimumLength")
	}
	seen := map[string]bool{}
	for i, a := range c.UsernameAttributes {
		switch {
		case a != UsernameEmail && a != UsernamePhone:
			add(fmt.Sprintf("unknown username attribute %q: use email or phone_number", a), "usernameAttributes", i)
		case seen[a]:
			add(fmt.Sprintf("username attribute %q is listed twice", a), "usernameAttributes", i)
		}
		seen[a] = true
	}
	return ps
}
