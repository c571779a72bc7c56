package scenarios

import (
	"time"

	"github.com/cogload/cogload/internal/input"
)

// Scenario is a scenario file as written: the YAML shape, before defaults
// and validation. Compile turns it into a Plan. Pointer fields are nil
// when the file leaves them out, so defaults can tell "absent" from zero.
type Scenario struct {
	Name        string          `yaml:"name,omitempty"`
	Description string          `yaml:"description,omitempty"`
	Target      *TargetSpec     `yaml:"target,omitempty"`
	TokenPools  []PoolSpec      `yaml:"tokenPools,omitempty"`
	Attributes  []AttributeSpec `yaml:"attributes,omitempty"`
	Metadata    []MetadataSpec  `yaml:"metadata,omitempty"`
	Load        *LoadSpec       `yaml:"load,omitempty"`
	Expect      []ExpectRule    `yaml:"expect,omitempty"`
	Thresholds  []string        `yaml:"thresholds,omitempty"`

	// source is where the scenario came from ("builtin:smoke" or a path);
	// dir resolves relative file references; data and doc keep the bytes
	// and the syntax tree so later checks can point at a line and column.
	source string
	dir    string
	data   []byte
	doc    *input.Doc
}

// TargetSpec is where requests go: the embedded mock (default) or an
// endpoint. Quota overrides the quota model the plan text uses.
type TargetSpec struct {
	Mock     *MockSpec     `yaml:"mock,omitempty"`
	Endpoint *EndpointSpec `yaml:"endpoint,omitempty"`
	Quota    *QuotaSpec    `yaml:"quota,omitempty"`
}

// MockSpec lists the mock's pool configurations (built-in names or files).
type MockSpec struct {
	Pools []string `yaml:"pools,omitempty"`
}

// EndpointSpec is a real or external Cognito-compatible endpoint.
type EndpointSpec struct {
	Region     string   `yaml:"region,omitempty"`
	URL        string   `yaml:"url,omitempty"`
	UserPoolID string   `yaml:"userPoolId,omitempty"`
	ClientID   string   `yaml:"clientId,omitempty"`
	MaxRate    *float64 `yaml:"maxRate,omitempty"`
}

// QuotaSpec overrides the quota model used to predict throttling.
type QuotaSpec struct {
	CategoryRPS      *float64 `yaml:"categoryRps,omitempty"`
	CodesPerUserHour *int     `yaml:"codesPerUserHour,omitempty"`
	EmailsPerDay     *int     `yaml:"emailsPerDay,omitempty"`
	Users            *int     `yaml:"users,omitempty"`
}

// PoolSpec is one token pool as written.
type PoolSpec struct {
	Name     string      `yaml:"name"`
	Weight   *float64    `yaml:"weight,omitempty"`
	Size     *int        `yaml:"size,omitempty"`
	Kind     string      `yaml:"kind,omitempty"`
	Checkout string      `yaml:"checkout,omitempty"`
	Source   *SourceSpec `yaml:"source,omitempty"`
}

// SourceSpec names exactly one token source.
type SourceSpec struct {
	Mint   *MintSpec `yaml:"mint,omitempty"`
	File   string    `yaml:"file,omitempty"`
	Env    string    `yaml:"env,omitempty"`
	Exec   []string  `yaml:"exec,omitempty"`
	Inline []string  `yaml:"inline,omitempty"`
}

// MintSpec mints tokens with InitiateAuth: from the mock's users when
// Users is empty, else from a CSV file of username,password lines.
type MintSpec struct {
	Users string `yaml:"users,omitempty"`
}

// AttributeSpec is a weighted attribute name.
type AttributeSpec struct {
	Name   string   `yaml:"name"`
	Weight *float64 `yaml:"weight,omitempty"`
}

// MetadataSpec is one ClientMetadata variant: exactly one of Absent,
// Values (may be empty: sent as {}) and Generate.
type MetadataSpec struct {
	Name     string            `yaml:"name"`
	Weight   *float64          `yaml:"weight,omitempty"`
	Absent   bool              `yaml:"absent,omitempty"`
	Values   map[string]string `yaml:"values,omitempty"`
	Generate *GenerateSpec     `yaml:"generate,omitempty"`
}

// GenerateSpec makes Keys random entries, deterministic from the seed.
type GenerateSpec struct {
	Keys      int `yaml:"keys"`
	KeySize   int `yaml:"keySize,omitempty"`
	ValueSize int `yaml:"valueSize"`
}

// LoadSpec is how much load, for how long.
type LoadSpec struct {
	Seed         *int64         `yaml:"seed,omitempty"`
	Timeout      *time.Duration `yaml:"timeout,omitempty"`
	Connections  *int           `yaml:"connections,omitempty"`
	MaxWorkers   *uint64        `yaml:"maxWorkers,omitempty"`
	MaxInFlight  *int           `yaml:"maxInFlight,omitempty"`
	TokenRefresh time.Duration  `yaml:"tokenRefresh,omitempty"`
	Stages       []StageSpec    `yaml:"stages"`
}

// StageSpec is one stage: exactly one of Rate, Ramp and Steps.
type StageSpec struct {
	Name     string        `yaml:"name,omitempty"`
	Duration time.Duration `yaml:"duration,omitempty"`
	Rate     *float64      `yaml:"rate,omitempty"`
	Ramp     *RampSpec     `yaml:"ramp,omitempty"`
	Steps    *StepsSpec    `yaml:"steps,omitempty"`
}

// RampSpec is a linear ramp in requests/s.
type RampSpec struct {
	From *float64 `yaml:"from"`
	To   *float64 `yaml:"to"`
}

// StepsSpec climbs From, From+Step, ... To, holding each for Every.
type StepsSpec struct {
	From  *float64      `yaml:"from"`
	To    *float64      `yaml:"to"`
	Step  *float64      `yaml:"step"`
	Every time.Duration `yaml:"every"`
}

// ExpectRule overrides the derived expectation of matching variants.
type ExpectRule struct {
	Match    ExpectMatch `yaml:"match"`
	Outcomes []string    `yaml:"outcomes"`
}

// ExpectMatch selects variants; empty fields match anything.
type ExpectMatch struct {
	TokenPool string `yaml:"tokenPool,omitempty"`
	Kind      string `yaml:"kind,omitempty"`
	Attribute string `yaml:"attribute,omitempty"`
	Metadata  string `yaml:"metadata,omitempty"`
}

// Source returns where the scenario came from: a path or "builtin:NAME".
func (s *Scenario) Source() string { return s.source }

// MarshalYAML keeps an empty Values map (sent as {}) distinct from an
// absent one, which omitempty alone would merge.
func (m MetadataSpec) MarshalYAML() (any, error) {
	type out struct {
		Name     string             `yaml:"name"`
		Weight   *float64           `yaml:"weight,omitempty"`
		Absent   bool               `yaml:"absent,omitempty"`
		Values   *map[string]string `yaml:"values,omitempty"`
		Generate *GenerateSpec      `yaml:"generate,omitempty"`
	}
	o := out{Name: m.Name, Weight: m.Weight, Absent: m.Absent, Generate: m.Generate}
	if m.Values != nil {
		o.Values = &m.Values
	}
	return o, nil
}
