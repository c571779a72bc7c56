package cognito

import (
	"errors"
	"strings"
	"testing"
)

func TestCheckEndpointURL(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		url  string
		want error
	}{
		{"https://cognito-idp.eu-central-1.amazonaws.com", nil},
		{"http://127.0.0.1:9229/", nil},
		{"https://proxy.example/cognito", nil},
		{"cognito-idp.eu-central-1.amazonaws.com", ErrEndpointNotHTTP},
		{"ftp://x", ErrEndpointNotHTTP},
		{"https://", ErrEndpointNotHTTP},
		{"https://user:pa55word@cognito.example", ErrEndpointCredentials},
		{"https://token@cognito.example", ErrEndpointCredentials},
		{"https://cognito.example/?key=abc", ErrEndpointCredentials},
		{"https://cognito.example/?", ErrEndpointCredentials},
		{"https://cognito.example/#v=1", ErrEndpointCredentials},
		{"https://cognito.example/#", ErrEndpointCredentials},
	} {
		if err := CheckEndpointURL(tc.url); !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
			t.Errorf("CheckEndpointURL(%q) = %v, want %v", tc.url, err, tc.want)
		}
	}
}

func TestShownEndpointDropsSecrets(t *testing.T) {
	t.Parallel()
	got := ShownEndpoint("https://admin:pa55word@cognito.example:8443/p?key=abc#frag")
	if got != "https://cognito.example:8443/p" {
		t.Errorf("ShownEndpoint = %q", got)
	}
	for _, s := range []string{"admin", "pa55word", "abc", "frag"} {
		if strings.Contains(got, s) {
			t.Errorf("ShownEndpoint keeps %q", s)
		}
	}
}
