package conformance

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/cogload/cogload/cognito"
	"github.com/cogload/cogload/domain"
	"github.com/cogload/cogload/internal/input"
)

// Capability is something a target offers beyond plain user tokens.
type Capability string

// Capabilities a target may declare.
const (
	// CapAdmin: the admin API (SigV4) works against the target's pool.
	CapAdmin Capability = "admin"
	// CapMock: the mock's side doors under /_mock/ answer (outbox, special
	// tokens, user state, reset).
	CapMock Capability = "mock"
	// CapOutbox: delivered codes can be read (the mock's outbox).
	CapOutbox Capability = "outbox"
)

// Pool roles a target can fill besides its main pool. The catalog's
// trigger, delivery and limit cases need pools configured a certain way.
const (
	RoleTrigger                 = "trigger"                    // custom-message trigger that records what it saw
	RoleTriggerUserLambda       = "trigger-validation-failure" // trigger always throws UserLambdaValidationException
	RoleTriggerUnexpectedLambda = "trigger-unexpected-failure" // trigger invocation always fails (UnexpectedLambdaException)
	RoleTriggerInvalidResponse  = "trigger-invalid-response"   // trigger replies with emailMessage on COGNITO_DEFAULT email
	RoleDeliveryFailure         = "delivery-failure"           // every email/SMS delivery fails
	RoleDailyLimit              = "daily-email-limit"          // COGNITO_DEFAULT email, at least 11 users with an email
	RoleCategoryRate            = "category-rate"              // several users whose paced requests pass the category quota
	RoleOtherPool               = "other-pool"                 // a second pool of the same endpoint, whose tokens work for its own users
)

// Pool is one user pool of a target: where it is and who can sign in.
type Pool struct {
	// Endpoint defaults to the target's endpoint.
	Endpoint   string `yaml:"endpoint,omitempty" json:"endpoint,omitempty"`
	UserPoolID string `yaml:"userPoolId" json:"userPoolId"`
	ClientID   string `yaml:"clientId" json:"clientId"`
	// OtherClientID is a second app client of the same pool, if any.
	OtherClientID string              `yaml:"otherClientId,omitempty" json:"otherClientId,omitempty"`
	Users         []domain.Credential `yaml:"users" json:"users"`
}

// Target describes what the catalog runs against.
type Target struct {
	// Name labels reports ("mock", a file name, "provisioned").
	Name     string `yaml:"name,omitempty" json:"name,omitempty"`
	Endpoint string `yaml:"endpoint,omitempty" json:"endpoint,omitempty"`
	Region   string `yaml:"region,omitempty" json:"region,omitempty"`
	Pool     `yaml:",inline" json:",inline"`
	// StatusMode is the status-code expectation: observed (what the real
	// service sends), model (the API model's @httpError) or either.
	StatusMode   string       `yaml:"statusMode,omitempty" json:"statusMode,omitempty"`
	Capabilities []Capability `yaml:"capabilities,omitempty" json:"capabilities,omitempty"`
	// Pools fills roles (RoleTrigger, ...) with specially configured pools.
	Pools map[string]Pool `yaml:"pools,omitempty" json:"pools,omitempty"`
}

// Has reports whether the target declares c. The mock's side doors imply
// a readable outbox.
func (t *Target) Has(c Capability) bool {
	for _, x := range t.Capabilities {
		if x == c || (c == CapOutbox && x == CapMock) {
			return true
		}
	}
	return false
}

// RolePool returns the pool filling role, with the endpoint defaulted.
func (t *Target) RolePool(role string) (Pool, bool) {
	p, ok := t.Pools[role]
	if !ok {
		return Pool{}, false
	}
	if p.Endpoint == "" {
		p.Endpoint = t.Endpoint
	}
	return p, true
}

// LoadTarget reads a target file (YAML or JSON, at most
// input.MaxTargetBytes). Cancelling ctx stops the read.
func LoadTarget(ctx context.Context, path string) (*Target, error) {
	data, err := input.ReadFile(ctx, input.Target, path)
	if err != nil {
		return nil, err
	}
	return ParseTarget(path, data)
}

// ParseTarget decodes a target description strictly (unknown fields and
// values of the wrong type are errors) and checks it; every error is an
// *input.Error at its line and column that never quotes a password.
func ParseTarget(name string, data []byte) (*Target, error) {
	var t Target
	doc, err := input.DecodeYAML(input.Target, name, data, &t)
	if err != nil {
		return nil, err
	}
	if t.Name == "" {
		t.Name = name
	}
	if path, msg := t.problem(); msg != "" {
		return nil, doc.At(path, msg, "")
	}
	return &t, nil
}

// Validate checks that the target can be driven at all.
func (t *Target) Validate() error {
	if path, msg := t.problem(); msg != "" {
		var noFile *input.Doc // a Target built in Go has no lines to point at
		return noFile.At(path, msg, "")
	}
	return nil
}

// problem returns the first reason the target cannot be driven, at its
// YAMLPath, or an empty msg.
func (t *Target) problem() (path, msg string) {
	if t.Endpoint == "" && t.Region == "" {
		return "$.endpoint", "set an endpoint URL or a region"
	}
	if t.Endpoint != "" {
		if err := cognito.CheckEndpointURL(t.Endpoint); err != nil {
			return "$.endpoint", fmt.Sprintf("%s: the endpoint %v", cognito.ShownEndpoint(t.Endpoint), err)
		}
	}
	switch t.StatusMode {
	case "", "observed", "model", "either":
	default:
		return "$.statusMode", fmt.Sprintf("%q is not observed, model or either", t.StatusMode)
	}
	for i, c := range t.Capabilities {
		switch c {
		case CapAdmin, CapMock, CapOutbox:
		default:
			return fmt.Sprintf("$.capabilities[%d]", i), fmt.Sprintf("unknown capability %q (use admin, mock or outbox)", c)
		}
	}
	if path, msg := poolProblem("$", t.Pool); msg != "" {
		return path, msg
	}
	roles := make([]string, 0, len(t.Pools))
	for r := range t.Pools {
		roles = append(roles, r)
	}
	sort.Strings(roles)
	for _, r := range roles {
		if path, msg := poolProblem("$.pools."+r, t.Pools[r]); msg != "" {
			return path, msg
		}
	}
	return "", ""
}

func poolProblem(at string, p Pool) (path, msg string) {
	if p.Endpoint != "" {
		if err := cognito.CheckEndpointURL(p.Endpoint); err != nil {
			return at + ".endpoint", fmt.Sprintf("%s: the endpoint %v", cognito.ShownEndpoint(p.Endpoint), err)
		}
	}
	if p.UserPoolID == "" {
		return at + ".userPoolId", "required"
	}
	if p.ClientID == "" {
		return at + ".clientId", "required"
	}
	for i, u := range p.Users {
		if u.Username == "" {
			return fmt.Sprintf("%s.users[%d].username", at, i), "required"
		}
		if u.Password == "" {
			return fmt.Sprintf("%s.users[%d].password", at, i), "required to sign in"
		}
	}
	return "", ""
}

// endpointURL is where the SDK and raw requests go: the explicit endpoint,
// else the region's public endpoint.
func (t *Target) endpointURL() string {
	if t.Endpoint != "" {
		return strings.TrimRight(t.Endpoint, "/")
	}
	return cognito.Endpoint(t.Region)
}
