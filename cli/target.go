package cli

import (
	"context"
	"flag"
	"fmt"

	"github.com/cogload/cogload/preflight"
	"github.com/cogload/cogload/scenarios"
	"github.com/cogload/cogload/users"
)

// targetFlags send a plan to a real or external endpoint from the command
// line (run, validate), so a built-in scenario runs against a team's pool
// unchanged.
type targetFlags struct {
	endpoint, region, poolID, clientID, users, manifest string
}

func addTargetFlags(fs *flag.FlagSet) *targetFlags {
	t := &targetFlags{}
	fs.StringVar(&t.endpoint, "endpoint", "", "send the plan to this endpoint `URL` instead of the scenario's target (a real pool's API, or cogload mock)")
	fs.StringVar(&t.region, "region", "", "send the plan to this `region`'s public Cognito endpoint instead of the scenario's target")
	fs.StringVar(&t.poolID, "user-pool-id", "", "the endpoint's user pool `id`")
	fs.StringVar(&t.clientID, "client-id", "", "the app client `id` tokens are minted through")
	fs.StringVar(&t.users, "users", "", "users `file` (username,password) to mint tokens from, as cogload users create writes it")
	fs.StringVar(&t.manifest, "manifest", "", "a cogload users create manifest `file`: its pool, endpoint, app client and users file stand in for the flags not given")
	return t
}

// override is the endpoint the flags name, nil when none is given.
func (t *targetFlags) override(ctx context.Context) (*scenarios.EndpointOverride, error) {
	o := scenarios.EndpointOverride{URL: t.endpoint, Region: t.region, UserPoolID: t.poolID, ClientID: t.clientID, Users: t.users}
	if t.manifest != "" {
		m, err := users.LoadManifest(ctx, t.manifest)
		if err != nil {
			return nil, usagef("--manifest: %v", err)
		}
		if o.URL == "" && o.Region == "" {
			o.URL, o.Region = m.Target.Endpoint, m.Target.Region
		}
		if o.UserPoolID == "" {
			o.UserPoolID = m.Target.UserPoolID
		}
		if o.ClientID == "" {
			o.ClientID = m.Target.ClientID
		}
		if o.Users == "" {
			o.Users = m.UsersFile
		}
	}
	if o == (scenarios.EndpointOverride{}) {
		return nil, nil
	}
	return &o, nil
}

// checkOptions are the pre-flight check's options for plan: the AWS
// credentials of the injected environment, for the region the plan names
// (see poolRegion).
func (s Stdio) checkOptions(ctx context.Context, plan *scenarios.Plan) (*preflight.Options, error) {
	region := s.poolRegion(plan.Target.Region, plan.Target.UserPoolID)
	cfg, err := s.awsConfig(ctx, region)
	if err != nil {
		return nil, fmt.Errorf("load AWS configuration for the pre-flight check of the pool: %w", err)
	}
	return &preflight.Options{Region: region, Credentials: cfg.Credentials, HTTPClient: s.HTTPClient}, nil
}
