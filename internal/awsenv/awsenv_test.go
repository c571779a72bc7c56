package awsenv

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func envOf(kv ...string) Env {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) string { return m[k] }
}

func retrieve(t *testing.T, env Env) (id, secret, token string, err error) {
	t.Helper()
	cfg, err := Config(context.Background(), env, "", nil)
	if err != nil {
		return "", "", "", err
	}
	c, err := cfg.Credentials.Retrieve(context.Background())
	return c.AccessKeyID, c.SecretAccessKey, c.SessionToken, err
}

// TestNeverReadsTheProcessEnvironment: keys in the real environment are
// ignored when the injected one has none.
func TestNeverReadsTheProcessEnvironment(t *testing.T) {
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIAREALPROCESSKEY")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "real-process-secret")
	t.Setenv("AWS_REGION", "eu-west-1")
	_, err := Config(context.Background(), envOf("HOME", t.TempDir(), "AWS_EC2_METADATA_DISABLED", "true"), "", nil)
	if err == nil || !strings.Contains(err.Error(), "no AWS region") {
		t.Errorf("region from the process environment? err = %v", err)
	}
	_, _, _, err = retrieve(t, envOf("AWS_REGION", "eu-west-1", "HOME", t.TempDir(), "AWS_EC2_METADATA_DISABLED", "true"))
	if err == nil || !strings.Contains(err.Error(), "no AWS credentials") {
		t.Errorf("credentials from the process environment? err = %v", err)
	}
}

func TestStaticKeys(t *testing.T) {
	t.Parallel()
	id, secret, token, err := retrieve(t, envOf("AWS_REGION", "us-east-1", "AWS_ACCESS_KEY_ID", "AKIATEST", "AWS_SECRET_ACCESS_KEY", "s3cr3t", "AWS_SESSION_TOKEN", "tok"))
	if err != nil || id != "AKIATEST" || secret != "s3cr3t" || token != "tok" {
		t.Errorf("got %q %q %q, %v", id, secret, token, err)
	}
	if _, _, _, err := retrieve(t, envOf("AWS_REGION", "us-east-1", "AWS_ACCESS_KEY_ID", "AKIATEST")); err == nil || !strings.Contains(err.Error(), "together") {
		t.Errorf("half a key pair: %v", err)
	}
}

func TestProfileFromInjectedHome(t *testing.T) {
	// The SDK's loader gives keys in the process environment precedence
	// over a profile; clear them so the profile is what is tested.
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "")
	home := t.TempDir()
	if err := os.MkdirAll(filepath.Join(home, ".aws"), 0o700); err != nil {
		t.Fatal(err)
	}
	creds := "[loadtest]\naws_access_key_id = AKIAPROFILE\naws_secret_access_key = profile-secret\n"
	if err := os.WriteFile(filepath.Join(home, ".aws", "credentials"), []byte(creds), 0o600); err != nil {
		t.Fatal(err)
	}
	id, secret, _, err := retrieve(t, envOf("AWS_REGION", "us-east-1", "HOME", home, "AWS_PROFILE", "loadtest"))
	if err != nil || id != "AKIAPROFILE" || secret != "profile-secret" {
		t.Errorf("profile: %q %q, %v", id, secret, err)
	}
	if _, _, _, err := retrieve(t, envOf("AWS_REGION", "us-east-1", "HOME", home, "AWS_PROFILE", "nope")); err == nil || !strings.Contains(err.Error(), `"nope"`) {
		t.Errorf("missing profile: %v", err)
	}
}

func TestWebIdentity(t *testing.T) {
	t.Parallel()
	var gotToken string
	sts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		gotToken = r.Form.Get("WebIdentityToken")
		exp := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
		w.Header().Set("Content-Type", "text/xml")
		_, _ = w.Write([]byte(`<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleWithWebIdentityResult>` +
			`<Credentials><AccessKeyId>ASIAWEB</AccessKeyId><SecretAccessKey>web-secret</SecretAccessKey><SessionToken>web-session</SessionToken><Expiration>` + exp + `</Expiration></Credentials>` +
			`</AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>`))
	}))
	defer sts.Close()
	tokenFile := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(tokenFile, []byte("projected-sa-token"), 0o600); err != nil {
		t.Fatal(err)
	}
	id, secret, session, err := retrieve(t, envOf("AWS_REGION", "us-east-1", "AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/cogload",
		"AWS_WEB_IDENTITY_TOKEN_FILE", tokenFile, "AWS_ENDPOINT_URL_STS", sts.URL))
	if err != nil || id != "ASIAWEB" || secret != "web-secret" || session != "web-session" || gotToken != "projected-sa-token" {
		t.Errorf("web identity: %q %q %q (token sent %q), %v", id, secret, session, gotToken, err)
	}
}

func TestContainerCredentials(t *testing.T) {
	t.Parallel()
	var auth string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth = r.Header.Get("Authorization")
		exp := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
		_, _ = w.Write([]byte(`{"AccessKeyId":"ASIACONTAINER","SecretAccessKey":"container-secret","Token":"container-session","Expiration":"` + exp + `"}`))
	}))
	defer srv.Close()
	id, _, _, err := retrieve(t, envOf("AWS_REGION", "us-east-1", "AWS_CONTAINER_CREDENTIALS_FULL_URI", srv.URL+"/creds",
		"AWS_CONTAINER_AUTHORIZATION_TOKEN", "pod-identity-token"))
	if err != nil || id != "ASIACONTAINER" || auth != "pod-identity-token" {
		t.Errorf("container credentials: %q (auth %q), %v", id, auth, err)
	}
}

func TestRegionOr(t *testing.T) {
	if got := envOf("AWS_REGION", "eu-west-1").RegionOr("ap-south-1"); got != "ap-south-1" {
		t.Errorf("given region: %q", got)
	}
	if got := envOf("AWS_REGION", "eu-west-1").RegionOr(""); got != "eu-west-1" {
		t.Errorf("environment's region: %q", got)
	}
	if got := envOf().RegionOr(""); got != DefaultRegion {
		t.Errorf("default region: %q", got)
	}
}
