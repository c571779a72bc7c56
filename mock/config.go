package mock

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/cogload/cogload/internal/input"
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
	// UsernameAttributes lets users sign up and in with their email
	// address or phone number as the username (email, phone_number), as
	// CreateUserPool's UsernameAttributes; empty means free-form usernames.
	UsernameAttributes []string `yaml:"usernameAttributes,omitempty"`
	// PasswordPolicy is what AdminCreateUser and AdminSetUserPassword
	// enforce (listed and generated users are not checked).
	PasswordPolicy PasswordPolicyConfig `yaml:"passwordPolicy,omitempty"`
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
	// Enabled defaults to true. A pool without an SMS configuration answers
	// phone_number requests with InvalidParameterException "User pool does
	// not have SMS configuration to send messages.".
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
// real service's default; 0 switches a limit off. docs/fidelity.md says
// which of these defaults are documented and which are assumed.
type QuotaConfig struct {
	// Category is the request-rate category GUAVC counts against (default
	// UserResourceRead, as the developer guide's quotas page lists it).
	Category string `yaml:"category,omitempty"`
	// RPS is that category's quota (default: the category's documented
	// default, 50 for UserResourceRead).
	RPS *float64 `yaml:"rps,omitempty"`
	// Burst defaults to the RPS rounded up.
	Burst *int `yaml:"burst,omitempty"`
	// Categories overrides the quotas of the other categories (requests/s,
	// 0 switches one off); every operation counts against its category,
	// shared by every pool of the server.
	Categories map[string]float64 `yaml:"categories,omitempty"`
	// PerUserRPS is each user's read and write request rate (default 10).
	PerUserRPS          *float64 `yaml:"perUserRps,omitempty"`
	CodesPerUserPerHour *int     `yaml:"codesPerUserPerHour,omitempty"`
	// CodeLimitCounts says which GUAVC calls count against
	// codesPerUserPerHour: requests (default: every request of a signed-in
	// user, checked before the attribute rules) or codes (only requests
	// that pass the attribute rules).
	CodeLimitCounts string `yaml:"codeLimitCounts,omitempty"`
	// VerifyPerUserPerHour limits VerifyUserAttribute (default 15).
	VerifyPerUserPerHour *int `yaml:"verifyPerUserPerHour,omitempty"`
	// Window is sliding (default) or fixed, for the per-user hourly limits.
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

// ConfigError is an invalid pool configuration, positioned in its file:
// "file:line:col: field: message". ParseConfig and LoadConfig return one,
// or several as an input.Errors; errors.As finds the first.
type ConfigError = input.Error

// LoadConfig reads (at most input.MaxPoolConfigBytes) and validates a pool
// configuration file. Cancelling ctx stops the read.
func LoadConfig(ctx context.Context, path string) (*Config, error) {
	data, err := input.ReadFile(ctx, input.PoolConfig, path)
	if err != nil {
		return nil, err
	}
	return ParseConfig(path, data)
}

// ParseConfig decodes strictly (unknown fields and values of the wrong
// type are errors) and validates a pool configuration; name labels errors
// (usually the file name). Every problem is reported at its line and
// column.
func ParseConfig(name string, data []byte) (*Config, error) {
	var cfg Config
	doc, err := input.DecodeYAML(input.PoolConfig, name, data, &cfg)
	if err != nil {
		return nil, err
	}
	var errs input.Errors
	for _, p := range cfg.validate() {
		errs = append(errs, doc.At(yamlPath(p.path...), p.msg, ""))
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return &cfg, nil
}

// problem is a semantic error at a path of keys and indexes.
type problem struct {
	path []any // string keys and int indexes
	msg  string
}

// yamlPath renders string keys and int indexes as a YAMLPath.
func yamlPath(parts ...any) string {
	var b strings.Builder
	b.WriteString("$")
	for _, s := range parts {
		switch v := s.(type) {
		case string:
			b.WriteString("." + v)
		case int:
			fmt.Fprintf(&b, "[%d]", v)
		}
	}
	return b.String()
}

// MarshalYAML writes a table entry on one line, {q: 0.5, latency: 61ms},
// so a calibrated table reads as a table.
func (p QuantilePoint) MarshalYAML() ([]byte, error) {
	return []byte("{q: " + strconv.FormatFloat(p.Q, 'g', -1, 64) + ", latency: " + p.Latency.String() + "}"), nil
}
