package domain

import (
	"regexp"
	"strings"
)

// jwtLike matches anything shaped like a JWT (a base64url JSON header, a
// payload and an optional signature), so text from outside (a command's
// stderr, a server's answer) cannot smuggle a token into an error or a
// report.
var jwtLike = regexp.MustCompile(`eyJ[A-Za-z0-9_=-]*\.[A-Za-z0-9_=-]*\.?[A-Za-z0-9_=-]*`)

// Redact replaces every known secret and every JWT-shaped string in s with
// Redacted. Secrets shorter than 4 characters are left alone: replacing
// them would garble the text, and no Cognito password or token is that
// short.
func Redact(s string, secrets ...string) string {
	for _, sec := range secrets {
		if len(sec) >= 4 {
			s = strings.ReplaceAll(s, sec, Redacted)
		}
	}
	return jwtLike.ReplaceAllString(s, Redacted)
}
