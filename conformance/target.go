package conformance

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/cogload/cogload/cognito"
	"github.com/cogload/cogload/domain"
	"github.com/goccy/go-yaml"
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
	RoleDailyLimit              = "daily-email-limit"          // COGNITO_DEFAULT email, per-user and rate limits off
	RoleOtherPool               = "other-pool"                 // any second pool whose tokens must not work in the main one
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

// LoadTarget reads a target file (YAML or JSON).
func LoadTarget(path string) (*Target, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read target file: %w", err)
	}
	return ParseTarget(path, data)
}

// ParseTarget decodes a target description strictly (unknown fields are
// errors, reported with line:col) and checks it.
func ParseTarget(name string, data []byte) (*Target, error) {
	t, err := decodeTarget(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %s", name, err)
	}
	if t.Name == "" {
		t.Name = name
	}
	if err := t.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return &t, nil
}

// decodeTarget shields callers from decoder panics: goccy/go-yaml v1.19.2
// panics on some tagged sequences (found by FuzzParseTarget).
func decodeTarget(data []byte) (t Target, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("not a valid YAML or JSON target description (the decoder failed: %v)", r)
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data), yaml.DisallowUnknownField())
	if derr := dec.Decode(&t); derr != nil {
		return t, errors.New(strings.TrimSpace(yaml.FormatError(derr, false, false)))
	}
	return t, nil
}

// Validate checks that the target can be driven at all.
func (t *Target) Validate() error {
	if t.Endpoint == "" && t.Region == "" {
		return fmt.Errorf("endpoint: set an endpoint URL or a region")
	}
	switch t.StatusMode {
	case "", "observed", "model", "either":
	default:
		return fmt.Errorf("statusMode: %q is not observed, model or either", t.StatusMode)
	}
	for _, c := range t.Capabilities {
		switch c {
		case CapAdmin, CapMock, CapOutbox:
		default:
			return fmt.Errorf("capabilities: unknown capability %q (use admin, mock or outbox)", c)
		}
	}
	if err := checkPool("", t.Pool); err != nil {
		return err
	}
	roles := make([]string, 0, len(t.Pools))
	for r := range t.Pools {
		roles = append(roles, r)
	}
	sort.Strings(roles)
	for _, r := range roles {
		if err := checkPool("pools."+r+".", t.Pools[r]); err != nil {
			return err
		}
	}
	return nil
}

func checkPool(prefix string, p Pool) error {
	if p.UserPoolID == "" {
		return fmt.Errorf("%suserPoolId: required", prefix)
	}
	if p.ClientID == "" {
		return fmt.Errorf("%sclientId: required", prefix)
	}
	for i, u := range p.Users {
		if u.Username == "" {
			return fmt.Errorf("%susers[%d].username: required", prefix, i)
		}
		if u.Password == "" {
			return fmt.Errorf("%susers[%d].password: required to sign in", prefix, i)
		}
	}
	return nil
}

// endpointURL is where the SDK and raw requests go: the explicit endpoint,
// else the region's public endpoint.
func (t *Target) endpointURL() string {
	if t.Endpoint != "" {
		return strings.TrimRight(t.Endpoint, "/")
	}
	return cognito.Endpoint(t.Region)
}
