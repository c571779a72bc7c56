package domain

import (
	"strings"
	"testing"
)

func TestRedact(t *testing.T) {
	const tok = "eyJraWQiOiJrMSJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"
	tests := []struct {
		name, in string
		secrets  []string
		want     string
	}{
		{"token", "a " + tok + " b", nil, "a " + Redacted + " b"},
		{"unsigned token", "x eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0. y", nil, "x " + Redacted + " y"},
		{"encrypted token, five segments", "refresh eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIn0.ZW5jcnlwdGVka2V5.aXZpdml2.Y2lwaGVydGV4dC1zZWNyZXQ.dGFn done", nil, "refresh " + Redacted + " done"},
		{"token in a sentence", "Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln, then", nil, "Bearer " + Redacted + ", then"},
		{"secret", "password Pw-1-sEcReT! refused", []string{"Pw-1-sEcReT!"}, "password " + Redacted + " refused"},
		{"short secret kept", "a b c", []string{"b"}, "a b c"},
		{"nothing", "plain text", []string{""}, "plain text"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Redact(tt.in, tt.secrets...)
			if got != tt.want {
				t.Errorf("Redact(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if strings.Contains(got, "eyJ") || strings.Contains(got, "Y2lwaGVydGV4dC1zZWNyZXQ") {
				t.Errorf("Redact(%q) keeps a token: %q", tt.in, got)
			}
		})
	}
}
