package mock

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/lexer"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"
)

// Config is a pool configuration: one user pool with its clients, users,
// delivery, trigger, quotas, latency model and faults. The zero value (with
// defaults applied by New) is a pool that behaves like a freshly created real
// one with COGNITO_DEFAULT email and the service's default quotas.
type Config struct {
	Name        string `yaml:"name,omitempty"`
	Description string `yaml:"description,omitempty"`
	// Region defaults to us-east-1.
	Region string `yaml:"region,omitempty"`
	// UserPoolID is derived from the region, the name and the seed when empty.
	UserPoolID string `yaml:"userPoolId,omitempty"`
	// StatusMode is observed (default) or model.
	StatusMode string `yaml:"statusMode,omitempty"`
	// Clients defaults to one client allowing USER_PASSWORD_AUTH and
	// REFRESH_TOKEN_AUTH.
	Clients              []ClientConfig `yaml:"clients,omitempty"`
	Delivery             DeliveryConfig `yaml:"delivery,omitempty"`
	CustomMessageTrigger TriggerConfig  `yaml:"customMessageTrigger,omitempty"`
	Quotas               QuotaConfig    `yaml:"quotas,omitempty"`
	Latency              LatencyConfig  `yaml:"latency,omitempty"`
	// Faults maps a GUAVC error type to the probability of answering with it.
	Faults map[string]float64 `yaml:"faults,omitempty"`
	// OutboxSize bounds the outbox ring (default 1000).
	OutboxSize int         `yaml:"outboxSize,omitempty"`
	Users      UsersConfig `yaml:"users,omitempty"`
}

// ClientConfig is an app client of the pool.
type ClientConfig struct {
	Name string `yaml:"name,omitempty"`
	// ID is derived deterministically when empty.
	ID string `yaml:"id,omitempty"`
	// ExplicitAuthFlows as in CreateUserPoolClient (ALLOW_USER_PASSWORD_AUTH,
	// ALLOW_REFRESH_TOKEN_AUTH, ...). Empty means both of those.
	ExplicitAuthFlows    []string      `yaml:"explicitAuthFlows,omitempty"`
	AccessTokenValidity  time.Duration `yaml:"accessTokenValidity,omitempty"`
	IDTokenValidity      time.Duration `yaml:"idTokenValidity,omitempty"`
	RefreshTokenValidity time.Duration `yaml:"refreshTokenValidity,omitempty"`
}

// DeliveryConfig says how codes are sent.
type DeliveryConfig struct {
	Email EmailDelivery `yaml:"email,omitempty"`
	SMS   SMSDelivery   `yaml:"sms,omitempty"`
}

// EmailDelivery configures email delivery.
type EmailDelivery struct {
	// SendingAccount is COGNITO_DEFAULT (default) or DEVELOPER (SES).
	SendingAccount string `yaml:"sendingAccount,omitempty"`
	// DailyLimit applies to COGNITO_DEFAULT only; nil means 50, 0 means off.
	DailyLimit  *int    `yaml:"dailyLimit,omitempty"`
	FailureRate float64 `yaml:"failureRate,omitempty"`
	// RoleError, when set, is returned for every email delivery
	// (InvalidEmailRoleAccessPolicyException).
	RoleError string `yaml:"roleError,omitempty"`
}

// SMSDelivery configures SMS delivery.
type SMSDelivery struct {
	// Enabled defaults to true. A disabled SMS configuration answers
	// phone_number requests with InvalidSmsRoleAccessPolicyException.
	Enabled     *bool   `yaml:"enabled,omitempty"`
	FailureRate float64 `yaml:"failureRate,omitempty"`
	// RoleError is InvalidSmsRoleAccessPolicyException or
	// InvalidSmsRoleTrustRelationshipException.
	RoleError string `yaml:"roleError,omitempty"`
}

// TriggerConfig configures the simulated CustomMessage Lambda trigger.
type TriggerConfig struct {
	Enabled bool          `yaml:"enabled,omitempty"`
	Latency LatencyConfig `yaml:"latency,omitempty"`
	// Failures maps UserLambdaValidationException, UnexpectedLambdaException
	// or InvalidLambdaResponseException to a probability.
	Failures map[string]float64 `yaml:"failures,omitempty"`
	// Capture records the ClientMetadata the trigger saw in the outbox
	// (default true).
	Capture *bool `yaml:"capture,omitempty"`
	// ReturnsEmailMessage makes the trigger answer with emailMessage, which
	// the service refuses (InvalidLambdaResponseException) when the pool
	// sends email with COGNITO_DEFAULT.
	ReturnsEmailMessage bool `yaml:"returnsEmailMessage,omitempty"`
}

// QuotaConfig configures the request-rate and attempt limits. Nil means the
// real service's default; 0 switches a limit off.
type QuotaConfig struct {
	// Category is the account-wide quota category GUAVC counts against
	// (default UserAccountRecovery).
	Category string   `yaml:"category,omitempty"`
	RPS      *float64 `yaml:"rps,omitempty"`
	// Burst defaults to the RPS rounded up.
	Burst               *int     `yaml:"burst,omitempty"`
	PerUserRPS          *float64 `yaml:"perUserRps,omitempty"`
	CodesPerUserPerHour *int     `yaml:"codesPerUserPerHour,omitempty"`
	// Window is sliding (default) or fixed, for codesPerUserPerHour.
	Window string `yaml:"window,omitempty"`
}

// LatencyConfig is a latency model in one of two forms: a lognormal given
// by two percentiles (p50, p99), or an empirical quantile table
// (quantiles), such as `cogload calibrate` reads off the latency
// histograms of runs against a real pool. The pool's own latency may also
// hold outcomes: GetUserAttributeVerificationCode's latency per outcome
// ("ok" or an error type), each a model of either form that replaces the
// pool's model for answers with that outcome.
type LatencyConfig struct {
	P50       time.Duration   `yaml:"p50,omitempty"`
	P99       time.Duration   `yaml:"p99,omitempty"`
	Quantiles []QuantilePoint `yaml:"quantiles,omitempty"`
	// Outcomes is the whole time of an answer with that outcome: time the
	// custom-message trigger's latency already took counts towards it.
	Outcomes map[string]LatencyConfig `yaml:"outcomes,omitempty"`
}

// QuantilePoint is one entry of a quantile table: the latency at or below
// which a fraction Q of answers come back. A table runs from q 0 (the
// fastest answer) to q 1 (the slowest); the mock interpolates linearly
// between entries.
type QuantilePoint struct {
	Q       float64       `yaml:"q"`
	Latency time.Duration `yaml:"latency"`
}

// UsersConfig lists users and/or generates a population.
type UsersConfig struct {
	Generate *GenerateConfig `yaml:"generate,omitempty"`
	List     []UserConfig    `yaml:"list,omitempty"`
}

// GenerateConfig describes a generated population. Shares are fractions in
// [0,1] and are assigned deterministically from the seed.
type GenerateConfig struct {
	Count int `yaml:"count,omitempty"`
	// UsernamePattern is a fmt pattern taking the index (default user%05d).
	UsernamePattern string `yaml:"usernamePattern,omitempty"`
	// Password is shared by every generated user (default Passw0rd!).
	Password           string  `yaml:"password,omitempty"`
	EmailDomain        string  `yaml:"emailDomain,omitempty"`
	PhoneShare         float64 `yaml:"phoneShare,omitempty"`
	NoEmailShare       float64 `yaml:"noEmailShare,omitempty"`
	UnconfirmedShare   float64 `yaml:"unconfirmedShare,omitempty"`
	DisabledShare      float64 `yaml:"disabledShare,omitempty"`
	ResetRequiredShare float64 `yaml:"resetRequiredShare,omitempty"`
	VerifiedShare      float64 `yaml:"verifiedShare,omitempty"`
}

// UserConfig is one listed user.
type UserConfig struct {
	Username    string `yaml:"username,omitempty"`
	Password    string `yaml:"password,omitempty"`
	Email       string `yaml:"email,omitempty"`
	PhoneNumber string `yaml:"phone_number,omitempty"`
	// Status is CONFIRMED (default), UNCONFIRMED or RESET_REQUIRED.
	Status  string `yaml:"status,omitempty"`
	Enabled *bool  `yaml:"enabled,omitempty"`
	// Attributes holds further attributes (custom:*, email_verified, ...).
	Attributes map[string]string `yaml:"attributes,omitempty"`
}

// ConfigError is an invalid pool configuration, positioned in its file.
type ConfigError struct {
	File      string
	Line, Col int
	Field     string
	Msg       string
}

// Error renders file:line:col: field: message.
func (e *ConfigError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d:%d", e.Line, e.Col)
	}
	b.WriteString(": ")
	if e.Field != "" {
		b.WriteString(e.Field + ": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// LoadConfig reads and validates a pool configuration file.
func LoadConfig(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read pool configuration: %w", err)
	}
	return ParseConfig(path, data)
}

// ParseConfig decodes strictly (unknown fields are errors) and validates a
// pool configuration; name labels errors (usually the file name).
func ParseConfig(name string, data []byte) (*Config, error) {
	var cfg Config
	dec := yaml.NewDecoder(bytes.NewReader(data), yaml.DisallowUnknownField())
	if err := dec.Decode(&cfg); err != nil && !errors.Is(err, io.EOF) {
		return nil, yamlError(name, data, err)
	}
	problems := cfg.validate()
	if len(problems) == 0 {
		return &cfg, nil
	}
	file, _ := parser.ParseBytes(data, 0)
	p := problems[0]
	e := &ConfigError{File: name, Field: p.field(), Msg: p.msg}
	e.Line, e.Col = locate(file, p.path)
	if len(problems) > 1 {
		e.Msg += fmt.Sprintf(" (and %d more problems)", len(problems)-1)
	}
	return nil, e
}

// problem is a semantic error at a path of keys and indexes.
type problem struct {
	path []any // string keys and int indexes
	msg  string
}

func (p problem) field() string {
	var b strings.Builder
	for _, s := range p.path {
		switch v := s.(type) {
		case string:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(v)
		case int:
			fmt.Fprintf(&b, "[%d]", v)
		}
	}
	return b.String()
}

// locate finds the line and column of path in file, falling back to the
// nearest ancestor that exists.
func locate(file *ast.File, path []any) (int, int) {
	if file == nil {
		return 0, 0
	}
	for n := len(path); n > 0; n-- {
		b := (&yaml.PathBuilder{}).Root()
		for _, s := range path[:n] {
			switch v := s.(type) {
			case string:
				b = b.Child(v)
			case int:
				b = b.Index(uint(v))
			}
		}
		node, err := b.Build().FilterFile(file)
		if err == nil && node != nil && node.GetToken() != nil {
			pos := node.GetToken().Position
			return pos.Line, pos.Column
		}
	}
	return 1, 1
}

func yamlError(name string, data []byte, err error) error {
	var yerr interface {
		error
		GetMessage() string
	}
	if errors.As(err, &yerr) {
		if tk, ok := yerr.(interface{ GetToken() *token.Token }); ok && tk.GetToken() != nil {
			pos := tk.GetToken().Position
			return &ConfigError{File: name, Line: pos.Line, Col: pos.Column, Msg: yerr.GetMessage()}
		}
		return &ConfigError{File: name, Msg: yerr.GetMessage()}
	}
	// Errors of TextUnmarshalers such as time.Duration carry no position:
	// find the offending value in the source.
	e := &ConfigError{File: name, Msg: err.Error()}
	if m := quotedRE.FindStringSubmatch(err.Error()); m != nil {
		for _, tk := range lexer.Tokenize(string(data)) {
			if tk.Value == m[1] && tk.Position != nil {
				e.Line, e.Col = tk.Position.Line, tk.Position.Column
				break
			}
		}
	}
	if strings.Contains(e.Msg, "time: invalid duration") {
		e.Msg += ": use a Go duration such as 250ms or 1h"
	}
	return e
}

var quotedRE = regexp.MustCompile(`"([^"]+)"`)

// MarshalYAML writes a table entry on one line, {q: 0.5, latency: 61ms},
// so a calibrated table reads as a table.
func (p QuantilePoint) MarshalYAML() ([]byte, error) {
	return []byte("{q: " + strconv.FormatFloat(p.Q, 'g', -1, 64) + ", latency: " + p.Latency.String() + "}"), nil
}
