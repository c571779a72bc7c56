package s3archive

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
)

// TestConfigFromInjectedEnvironment: credentials and region come from the
// environment Config is given, in the SDK's order.
func TestConfigFromInjectedEnvironment(t *testing.T) {
	dir := t.TempDir()
	creds := filepath.Join(dir, "credentials")
	if err := os.WriteFile(creds, []byte("[load]\naws_access_key_id = AKIDFROMFILE\naws_secret_access_key = file-secret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	conf := filepath.Join(dir, "config")
	if err := os.WriteFile(conf, []byte("[profile load]\nregion = eu-north-1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	token := filepath.Join(dir, "token")
	if err := os.WriteFile(token, []byte("eyJhbGciOiJub25lIn0.e30."), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name       string
		env        map[string]string
		keyID      string
		region     string
		webIdenity bool
	}{
		{name: "static keys", env: map[string]string{"AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "s", "AWS_REGION": "eu-west-1"}, keyID: "AKIDENV", region: "eu-west-1"},
		{name: "default region", env: map[string]string{"AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "s", "AWS_DEFAULT_REGION": "ap-south-1"}, keyID: "AKIDENV", region: "ap-south-1"},
		{name: "profile wins over keys", env: map[string]string{"AWS_PROFILE": "load", "AWS_SHARED_CREDENTIALS_FILE": creds, "AWS_CONFIG_FILE": conf,
			"AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "s", "AWS_REGION": "eu-west-1"}, keyID: "AKIDFROMFILE", region: "eu-west-1"},
		{name: "web identity", env: map[string]string{"AWS_WEB_IDENTITY_TOKEN_FILE": token, "AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/cogload"}, region: DefaultRegion, webIdenity: true},
		{name: "keys win over web identity", env: map[string]string{"AWS_WEB_IDENTITY_TOKEN_FILE": token, "AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/cogload",
			"AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "s"}, keyID: "AKIDENV", region: DefaultRegion},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := Config(context.Background(), func(k string) string { return tc.env[k] })
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Region != tc.region {
				t.Errorf("region %q, want %q", cfg.Region, tc.region)
			}
			if tc.webIdenity {
				if !aws.IsCredentialsProvider(cfg.Credentials, (*stscreds.WebIdentityRoleProvider)(nil)) {
					t.Errorf("credentials %T, want a web identity role provider", cfg.Credentials)
				}
				return
			}
			c, err := cfg.Credentials.Retrieve(context.Background())
			if err != nil || c.AccessKeyID != tc.keyID {
				t.Errorf("access key %q (%v), want %q", c.AccessKeyID, err, tc.keyID)
			}
		})
	}
	_, err := Config(context.Background(), func(k string) string {
		if k == "AWS_CA_BUNDLE" {
			return filepath.Join(dir, "missing.pem")
		}
		return ""
	})
	if err == nil || !strings.Contains(err.Error(), "AWS_CA_BUNDLE") {
		t.Errorf("unreadable CA bundle: %v", err)
	}
}
