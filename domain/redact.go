package domain

import (
	"regexp"
	"strings"
)

// jwtLike matches anything shaped like a JWT: a base64url JSON header and
// every dot-separated segment after it, so a signed token (three
// segments) and an encrypted one (five, as Cognito's refresh tokens) go
// whole. Text from outside (a server's answer, a user's file) cannot
// smuggle a token into an error or a report.
var jwtLike = regexp.MustCompile(`eyJ[A-Za-z0-9_=-]*(?:\.[A-Za-z0-9_=-]*)+`)

// HasToken reports whether s holds a JWT-shaped string.
func HasToken(s string) bool { return jwtLike.MatchString(s) }

// ReplaceTokens replaces every JWT-shaped string in s with with.
func ReplaceTokens(s, with string) string { return jwtLike.ReplaceAllLiteralString(s, with) }

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
	return ReplaceTokens(s, Redacted)
}
