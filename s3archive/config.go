package s3archive

import (
	"bytes"
	"context"
	"fmt"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// DefaultRegion is the region when the environment names none.
const DefaultRegion = "us-east-1"

// Config builds the AWS configuration from the environment getenv reads
// (the process's, injected) with the SDK's default credential chain, in
// the SDK's order:
//
//   - AWS_PROFILE: that profile of the shared files (AWS_CONFIG_FILE,
//     AWS_SHARED_CREDENTIALS_FILE, or ~/.aws/config and ~/.aws/credentials);
//   - AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN);
//   - AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN (AWS_ROLE_SESSION_NAME
//     optional): a web identity, as EKS's IAM roles for service accounts
//     give a pod;
//   - otherwise the rest of the SDK's chain: the default profile,
//     container credentials (ECS, EKS Pod Identity) and the instance role,
//     which the SDK looks up itself.
//
// The region is AWS_REGION, else AWS_DEFAULT_REGION, else DefaultRegion;
// AWS_CA_BUNDLE adds trusted certificates. The SDK builds its own HTTP
// client (its timeouts, and the only kind it can add a CA bundle to).
func Config(ctx context.Context, getenv func(string) string) (aws.Config, error) {
	opts := []func(*config.LoadOptions) error{config.WithRegion(firstOf(getenv("AWS_REGION"), getenv("AWS_DEFAULT_REGION"), DefaultRegion))}
	if f := getenv("AWS_CA_BUNDLE"); f != "" {
		pem, err := os.ReadFile(f)
		if err != nil {
			return aws.Config{}, fmt.Errorf("AWS_CA_BUNDLE: %w", err)
		}
		opts = append(opts, config.WithCustomCABundle(bytes.NewReader(pem)))
	}
	if f := getenv("AWS_CONFIG_FILE"); f != "" {
		opts = append(opts, config.WithSharedConfigFiles([]string{f}))
	}
	if f := getenv("AWS_SHARED_CREDENTIALS_FILE"); f != "" {
		opts = append(opts, config.WithSharedCredentialsFiles([]string{f}))
	}
	profile := getenv("AWS_PROFILE")
	keyID, secret := getenv("AWS_ACCESS_KEY_ID"), getenv("AWS_SECRET_ACCESS_KEY")
	tokenFile, role := getenv("AWS_WEB_IDENTITY_TOKEN_FILE"), getenv("AWS_ROLE_ARN")
	switch {
	case profile != "":
		opts = append(opts, config.WithSharedConfigProfile(profile))
	case keyID != "" && secret != "":
		opts = append(opts, config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider(keyID, secret, getenv("AWS_SESSION_TOKEN"))))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return aws.Config{}, fmt.Errorf("AWS configuration: %w", err)
	}
	if profile == "" && (keyID == "" || secret == "") && tokenFile != "" && role != "" {
		cfg.Credentials = aws.NewCredentialsCache(stscreds.NewWebIdentityRoleProvider(sts.NewFromConfig(cfg), role, stscreds.IdentityTokenFile(tokenFile),
			func(o *stscreds.WebIdentityRoleOptions) { o.RoleSessionName = getenv("AWS_ROLE_SESSION_NAME") }))
	}
	return cfg, nil
}

func firstOf(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}
