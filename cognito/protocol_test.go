package cognito

import "testing"

func TestEndpointAndIssuer(t *testing.T) {
	if got, want := Endpoint("eu-central-1"), "https://cognito-idp.eu-central-1.amazonaws.com"; got != want {
		t.Errorf("Endpoint = %q, want %q", got, want)
	}
	if got, want := Issuer("us-east-1", "us-east-1_AbC123"), "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC123"; got != want {
		t.Errorf("Issuer = %q, want %q", got, want)
	}
}
