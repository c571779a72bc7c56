package mock

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
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
	Name        string `yaml:"name"`
	Description string `yaml:"description"`
	// Region defaults to us-east-1.
	Region string `yaml:"region"`
	// UserPoolID is derived from the region, the name and the seed when empty.
	UserPoolID string `yaml:"userPoolId"`
	// StatusMode is observed (default) or model.
	StatusMode string `yaml:"statusMode"`
	// Clients defaults to one client allowing USER_PASSWORD_AUTH and
	// REFRESH_TOKEN_AUTH.
	Clients              []ClientConfig `yaml:"clients"`
	Delivery             DeliveryConfig `yaml:"delivery"`
	CustomMessageTrigger TriggerConfig  `yaml:"customMessageTrigger"`
	Quotas               QuotaConfig    `yaml:"quotas"`
	Latency              LatencyConfig  `yaml:"latency"`
	// Faults maps a GUAVC error type to the probability of answering with it.
	Faults map[string]float64 `yaml:"faults"`
	// OutboxSize bounds the outbox ring (default 1000).
	OutboxSize int         `yaml:"outboxSize"`
	Users      UsersConfig `yaml:"users"`
}

// ClientConfig is an app client of the pool.
type ClientConfig struct {
	Name string `yaml:"name"`
	// ID is derived deterministically when empty.
	ID string `yaml:"id"`
	// ExplicitAuthFlows as in CreateUserPoolClient (ALLOW_USER_PASSWORD_AUTH,
	// ALLOW_REFRESH_TOKEN_AUTH, ...). Empty means both of those.
	ExplicitAuthFlows    []string      `yaml:"explicitAuthFlows"`
	AccessTokenValidity  time.Duration `yaml:"accessTokenValidity"`
	IDTokenValidity      time.Duration `yaml:"idTokenValidity"`
	RefreshTokenValidity time.Duration `yaml:"refreshTokenValidity"`
}

// DeliveryConfig says how codes are sent.
type DeliveryConfig struct {
	Email EmailDelivery `yaml:"email"`
	SMS   SMSDelivery   `yaml:"sms"`
}

// EmailDelivery configures email delivery.
type EmailDelivery struct {
	// SendingAccount is COGNITO_DEFAULT (default) or DEVELOPER (SES).
	SendingAccount string `yaml:"sendingAccount"`
	// DailyLimit applies to COGNITO_DEFAULT only; nil means 50, 0 means off.
	DailyLimit  *int    `yaml:"dailyLimit"`
	FailureRate float64 `yaml:"failureRate"`
	// RoleError, when set, is returned for every email delivery
	// (InvalidEmailRoleAccessPolicyException).
	RoleError string `yaml:"roleError"`
}

// SMSDelivery configures SMS delivery.
type SMSDelivery struct {
	// Enabled defaults to true. A disabled SMS configuration answers
	// phone_number requests with InvalidSmsRoleAccessPolicyException.
	Enabled     *bool   `yaml:"enabled"`
	FailureRate float64 `yaml:"failureRate"`
	// RoleError is InvalidSmsRoleAccessPolicyException or
	// InvalidSmsRoleTrustRelationshipException.
	RoleError string `yaml:"roleError"`
}

// TriggerConfig configures the simulated CustomMessage Lambda trigger.
type TriggerConfig struct {
	Enabled bool          `yaml:"enabled"`
	Latency LatencyConfig `yaml:"latency"`
	// Failures maps UserLambdaValidationException, UnexpectedLambdaException
	// or InvalidLambdaResponseException to a probability.
	Failures map[string]float64 `yaml:"failures"`
	// Capture records the ClientMetadata the trigger saw in the outbox
	// (default true).
	Capture *bool `yaml:"capture"`
	// ReturnsEmailMessage makes the trigger answer with emailMessage, which
	// the service refuses (InvalidLambdaResponseException) when the pool
	// sends email with COGNITO_DEFAULT.
	ReturnsEmailMessage bool `yaml:"returnsEmailMessage"`
}

// QuotaConfig configures the request-rate and attempt limits. Nil means the
// real service's default; 0 switches a limit off.
type QuotaConfig struct {
	// Category is the account-wide quota category GUAVC counts against
	// (default UserAccountRecovery).
	Category string   `yaml:"category"`
	RPS      *float64 `yaml:"rps"`
	// Burst defaults to the RPS rounded up.
	Burst               *int     `yaml:"burst"`
	PerUserRPS          *float64 `yaml:"perUserRps"`
	CodesPerUserPerHour *int     `yaml:"codesPerUserPerHour"`
	// Window is sliding (default) or fixed, for codesPerUserPerHour.
	Window string `yaml:"window"`
}

// LatencyConfig is a lognormal latency model given by two percentiles.
type LatencyConfig struct {
	P50 time.Duration `yaml:"p50"`
	P99 time.Duration `yaml:"p99"`
}

// UsersConfig lists users and/or generates a population.
type UsersConfig struct {
	Generate *GenerateConfig `yaml:"generate"`
	List     []UserConfig    `yaml:"list"`
}

// GenerateConfig describes a generated population. Shares are fractions in
// [0,1] and are assigned deterministically from the seed.
type GenerateConfig struct {
	Count int `yaml:"count"`
	// UsernamePattern is a fmt pattern taking the index (default user%05d).
	UsernamePattern string `yaml:"usernamePattern"`
	// Password is shared by every generated user (default Passw0rd!).
	Password           string  `yaml:"password"`
	EmailDomain        string  `yaml:"emailDomain"`
	PhoneShare         float64 `yaml:"phoneShare"`
	NoEmailShare       float64 `yaml:"noEmailShare"`
	UnconfirmedShare   float64 `yaml:"unconfirmedShare"`
	DisabledShare      float64 `yaml:"disabledShare"`
	ResetRequiredShare float64 `yaml:"resetRequiredShare"`
	VerifiedShare      float64 `yaml:"verifiedShare"`
}

// UserConfig is one listed user.
type UserConfig struct {
	Username    string `yaml:"username"`
	Password    string `yaml:"password"`
	Email       string `yaml:"email"`
	PhoneNumber string `yaml:"phone_number"`
	// Status is CONFIRMED (default), UNCONFIRMED or RESET_REQUIRED.
	Status  string `yaml:"status"`
	Enabled *bool  `yaml:"enabled"`
	// Attributes holds further attributes (custom:*, email_verified, ...).
	Attributes map[string]string `yaml:"attributes"`
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
