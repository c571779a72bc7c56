// Package awsenv builds an AWS configuration (region and credentials) the
// way the SDK's default chain does, but from an injected environment
// instead of the process's: commands are tested in-process, and a test
// must never pick up the machine's real credentials.
//
// The chain, first match wins: access keys in the environment; a web
// identity token (EKS service accounts: AWS_ROLE_ARN and
// AWS_WEB_IDENTITY_TOKEN_FILE); container credentials (ECS task roles,
// EKS Pod Identity: AWS_CONTAINER_CREDENTIALS_FULL_URI or _RELATIVE_URI);
// a profile of the shared config and credentials files (AWS_PROFILE,
// default "default"; the files from AWS_CONFIG_FILE and
// AWS_SHARED_CREDENTIALS_FILE or under HOME/.aws), resolved by the SDK's
// config loader so SSO, assume-role and credential_process profiles work;
// the EC2 instance metadata service unless AWS_EC2_METADATA_DISABLED=true.
package awsenv

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/credentials/ec2rolecreds"
	"github.com/aws/aws-sdk-go-v2/credentials/endpointcreds"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// ecsHost is where ECS serves the relative container credentials URI
// (documented by the AWS SDKs' container credential provider).
const ecsHost = "http://169.254.170.2"

// Env looks up an environment variable ("" when unset).
type Env func(key string) string

// DefaultRegion is the region when neither the caller nor the environment
// names one.
const DefaultRegion = "us-east-1"

// RegionOr is region when given, else the environment's (Region), else
// DefaultRegion.
func (e Env) RegionOr(region string) string {
	if region != "" {
		return region
	}
	if r := e.Region(); r != "" {
		return r
	}
	return DefaultRegion
}

// Region is the region the environment names: AWS_REGION, then
// AWS_DEFAULT_REGION.
func (e Env) Region() string {
	if r := e("AWS_REGION"); r != "" {
		return r
	}
	return e("AWS_DEFAULT_REGION")
}

// Config returns a configuration for region (the environment's when
// empty) whose credentials come from the environment's chain. hc sends the
// credential requests (nil: the SDK's default client).
func Config(ctx context.Context, env Env, region string, hc *http.Client) (aws.Config, error) {
	if region == "" {
		region = env.Region()
	}
	if region == "" {
		return aws.Config{}, errors.New("no AWS region: pass one, or set AWS_REGION")
	}
	cfg := aws.Config{Region: region}
	if hc != nil {
		cfg.HTTPClient = hc
	}
	creds, err := credentialsFor(ctx, env, region, hc)
	if err != nil {
		return aws.Config{}, err
	}
	cfg.Credentials = aws.NewCredentialsCache(creds)
	return cfg, nil
}

func credentialsFor(ctx context.Context, env Env, region string, hc *http.Client) (aws.CredentialsProvider, error) {
	if id, secret := env("AWS_ACCESS_KEY_ID"), env("AWS_SECRET_ACCESS_KEY"); id != "" || secret != "" {
		if id == "" || secret == "" {
			return nil, errors.New("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set together")
		}
		return credentials.NewStaticCredentialsProvider(id, secret, env("AWS_SESSION_TOKEN")), nil
	}
	if role, file := env("AWS_ROLE_ARN"), env("AWS_WEB_IDENTITY_TOKEN_FILE"); role != "" && file != "" {
		opts := sts.Options{Region: region}
		if hc != nil {
			opts.HTTPClient = hc
		}
		if u := env("AWS_ENDPOINT_URL_STS"); u != "" {
			opts.BaseEndpoint = aws.String(u)
		}
		return stscreds.NewWebIdentityRoleProvider(sts.New(opts), role, stscreds.IdentityTokenFile(file), func(o *stscreds.WebIdentityRoleOptions) {
			o.RoleSessionName = env("AWS_ROLE_SESSION_NAME")
		}), nil
	}
	if uri := containerURI(env); uri != "" {
		return endpointcreds.New(uri, func(o *endpointcreds.Options) {
			if hc != nil {
				o.HTTPClient = hc
			}
			o.AuthorizationTokenProvider = endpointcreds.TokenProviderFunc(func() (string, error) {
				if f := env("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"); f != "" {
					b, err := os.ReadFile(f)
					return strings.TrimSpace(string(b)), err
				}
				return env("AWS_CONTAINER_AUTHORIZATION_TOKEN"), nil
			})
		}), nil
	}
	if p, ok, err := profile(ctx, env, region, hc); ok || err != nil {
		return p, err
	}
	if strings.EqualFold(env("AWS_EC2_METADATA_DISABLED"), "true") {
		return nil, errors.New("no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE, a web identity (AWS_ROLE_ARN, AWS_WEB_IDENTITY_TOKEN_FILE) or container credentials")
	}
	return ec2rolecreds.New(), nil
}

func containerURI(env Env) string {
	if u := env("AWS_CONTAINER_CREDENTIALS_FULL_URI"); u != "" {
		return u
	}
	if rel := env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"); rel != "" {
		return ecsHost + rel
	}
	return ""
}

// profile resolves a profile of the shared files the environment points
// at, if it exists there.
func profile(ctx context.Context, env Env, region string, hc *http.Client) (aws.CredentialsProvider, bool, error) {
	name := env("AWS_PROFILE")
	if name == "" {
		name = "default"
	}
	home := env("HOME")
	configFile, credFile := env("AWS_CONFIG_FILE"), env("AWS_SHARED_CREDENTIALS_FILE")
	if configFile == "" && home != "" {
		configFile = filepath.Join(home, ".aws", "config")
	}
	if credFile == "" && home != "" {
		credFile = filepath.Join(home, ".aws", "credentials")
	}
	var files, credFiles []string
	for _, f := range []string{configFile} {
		if exists(f) {
			files = append(files, f)
		}
	}
	if exists(credFile) {
		credFiles = append(credFiles, credFile)
	}
	if len(files)+len(credFiles) == 0 {
		if env("AWS_PROFILE") != "" {
			return nil, false, fmt.Errorf("AWS_PROFILE %q: no shared config or credentials file (looked for %s and %s)", name, configFile, credFile)
		}
		return nil, false, nil
	}
	opts := func(o *config.LoadSharedConfigOptions) {
		o.ConfigFiles, o.CredentialsFiles = files, credFiles
	}
	if _, err := config.LoadSharedConfigProfile(ctx, name, opts); err != nil {
		if env("AWS_PROFILE") != "" {
			return nil, false, fmt.Errorf("AWS_PROFILE %q: %w", name, err)
		}
		return nil, false, nil
	}
	load := []func(*config.LoadOptions) error{
		config.WithRegion(region), config.WithSharedConfigProfile(name),
		config.WithSharedConfigFiles(files), config.WithSharedCredentialsFiles(credFiles),
	}
	if hc != nil {
		load = append(load, config.WithHTTPClient(hc))
	}
	cfg, err := config.LoadDefaultConfig(ctx, load...)
	if err != nil {
		return nil, false, fmt.Errorf("AWS profile %q: %w", name, err)
	}
	return cfg.Credentials, true, nil
}

func exists(path string) bool {
	if path == "" {
		return false
	}
	fi, err := os.Stat(path)
	return err == nil && !fi.IsDir()
}
