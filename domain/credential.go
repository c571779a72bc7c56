package domain

import (
	"fmt"
	"io"
)

// Credential is a user who can sign in: a username, a password and, where
// known, the user's verifiable attributes. Its String, GoString and Format
// methods never print the password, so a Credential can be logged or
// wrapped in an error without leaking it.
//
// Encoders do write the password: a Credential is encoded only where the
// password is the point (a users file, the mock's contract line).
type Credential struct {
	Username    string `json:"username" yaml:"username"`
	Password    string `json:"password" yaml:"password"`
	Email       string `json:"email,omitempty" yaml:"email,omitempty"`
	PhoneNumber string `json:"phoneNumber,omitempty" yaml:"phone_number,omitempty"`
}

// Redacted stands in for a secret wherever one would be printed.
const Redacted = "[REDACTED]"

// String returns the username with the password Redacted.
func (c Credential) String() string { return c.Username + ":" + Redacted }

// GoString is used by %#v.
func (c Credential) GoString() string {
	return fmt.Sprintf("domain.Credential{Username:%q, Password:%q}", c.Username, Redacted)
}

// Format makes every verb (%v, %+v, %#v, %s, %q, %x, ...) go through the
// Redacted forms; without it %+v or %x would print the fields themselves.
func (c Credential) Format(f fmt.State, verb rune) {
	switch {
	case verb == 'v' && f.Flag('#'):
		_, _ = io.WriteString(f, c.GoString())
	case verb == 'v' && f.Flag('+'):
		fmt.Fprintf(f, "{Username:%s Password:%s}", c.Username, Redacted)
	case verb == 'q':
		fmt.Fprintf(f, "%q", c.String())
	default:
		_, _ = io.WriteString(f, c.String())
	}
}
