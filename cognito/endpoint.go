package cognito

import (
	"errors"
	"net/url"
	"strings"
)

// Reasons CheckEndpointURL refuses a URL.
var (
	ErrEndpointNotHTTP = errors.New("is not an absolute http or https URL")
	// ErrEndpointCredentials: the URL carries a user, a password, a query
	// or a fragment. Endpoint URLs are printed in reports, archives and
	// logs, so anything there would be a credential in the open; the
	// service takes none of them (the access token is the credential).
	ErrEndpointCredentials = errors.New("must not carry a user, password, query or fragment")
)

// CheckEndpointURL checks a user-given endpoint URL: absolute http or
// https, with a host, and nothing but scheme, host, port and path.
func CheckEndpointURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ErrEndpointNotHTTP
	}
	if u.User != nil || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.Contains(raw, "#") {
		return ErrEndpointCredentials
	}
	return nil
}

// ShownEndpoint is an endpoint URL as messages quote it: scheme, host and
// path only.
func ShownEndpoint(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(a URL that does not parse)"
	}
	return (&url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path}).String()
}
