package mock

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/cogload/cogload/cognito"
	"github.com/cogload/cogload/domain"
	"github.com/cogload/cogload/internal/input"
	"github.com/cogload/cogload/mock/internal/latency"
)

// Defaults of the real service.
const (
	DefaultRegion            = "us-east-1"
	DefaultCategory          = cognito.CategoryUserResourceRead
	DefaultVerifyPerUserHour = 15
	// DailyEmailReset is when the COGNITO_DEFAULT daily count starts over.
	DailyEmailReset        = 9 * time.Hour
	DefaultTokenValidity   = time.Hour
	DefaultRefreshValidity = 30 * 24 * time.Hour
	DefaultOutboxSize      = 1000
	DefaultPassword        = "Passw0rd!"
	DefaultUsernamePattern = "user%05d"
	// CodeValidity is how long a verification code stays valid.
	CodeValidity = 24 * time.Hour
)

// Sending accounts of EmailDelivery.
const (
	SendingCognitoDefault = "COGNITO_DEFAULT"
	SendingDeveloper      = "DEVELOPER"
)

// What counts against codesPerUserPerHour.
const (
	CountRequests = "requests"
	CountCodes    = "codes"
)

// User statuses.
const (
	StatusConfirmed     = "CONFIRMED"
	StatusUnconfirmed   = "UNCONFIRMED"
	StatusResetRequired = "RESET_REQUIRED"
	// StatusForceChangePassword is set by AdminCreateUser until the password
	// is made permanent.
	StatusForceChangePassword = "FORCE_CHANGE_PASSWORD"
)

var (
	poolIDRE   = regexp.MustCompile(`^[\w-]+_[0-9a-zA-Z]+$`)
	clientIDRE = regexp.MustCompile(`^[\w+]+$`)
	regionRE   = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-\d$`)
)

var knownFlows = map[string]bool{
	"ALLOW_USER_PASSWORD_AUTH": true, "ALLOW_REFRESH_TOKEN_AUTH": true, "ALLOW_USER_SRP_AUTH": true,
	"ALLOW_CUSTOM_AUTH": true, "ALLOW_ADMIN_USER_PASSWORD_AUTH": true, "ALLOW_USER_AUTH": true,
	// Legacy names CreateUserPoolClient still accepts.
	"USER_PASSWORD_AUTH": true, "ADMIN_NO_SRP_AUTH": true, "CUSTOM_AUTH_FLOW_ONLY": true,
}

// validate returns every semantic problem, in document order.
func (c *Config) validate() []problem {
	var ps []problem
	add := func(msg string, path ...any) { ps = append(ps, problem{path: path, msg: msg}) }
	prob := func(v float64, path ...any) {
		if v < 0 || v > 1 || math.IsNaN(v) {
			add(fmt.Sprintf("probability %v out of range: use a value from 0 to 1", v), path...)
		}
	}
	if c.Region != "" && !regionRE.MatchString(c.Region) {
		add(fmt.Sprintf("invalid region %q: use a name like us-east-1", c.Region), "region")
	}
	if c.UserPoolID != "" && !poolIDRE.MatchString(c.UserPoolID) {
		add(fmt.Sprintf("invalid user pool id %q: use REGION_ID like us-east-1_AbC123", c.UserPoolID), "userPoolId")
	}
	if _, err := cognito.ParseStatusMode(c.StatusMode); err != nil {
		add(err.Error(), "statusMode")
	}
	ps = append(ps, c.validatePool()...)
	seen := map[string]bool{}
	for i, cl := range c.Clients {
		if cl.ID != "" && !clientIDRE.MatchString(cl.ID) {
			add(fmt.Sprintf("invalid client id %q: use letters, digits, _ and +", cl.ID), "clients", i, "id")
		}
		if cl.ID != "" && seen[cl.ID] {
			add(fmt.Sprintf("duplicate client id %q", cl.ID), "clients", i, "id")
		}
		seen[cl.ID] = true
		for j, f := range cl.ExplicitAuthFlows {
			if !knownFlows[f] {
				add(fmt.Sprintf("unknown auth flow %q: use ALLOW_USER_PASSWORD_AUTH, ALLOW_REFRESH_TOKEN_AUTH, ...", f), "clients", i, "explicitAuthFlows", j)
			}
		}
		checkValidity := func(d time.Duration, min, max time.Duration, field string) {
			if d != 0 && (d < min || d > max) {
				add(fmt.Sprintf("%s out of range: use %s to %s", d, min, max), "clients", i, field)
			}
		}
		checkValidity(cl.AccessTokenValidity, 5*time.Minute, 24*time.Hour, "accessTokenValidity")
		checkValidity(cl.IDTokenValidity, 5*time.Minute, 24*time.Hour, "idTokenValidity")
		checkValidity(cl.RefreshTokenValidity, time.Hour, 3650*24*time.Hour, "refreshTokenValidity")
	}
	switch c.Delivery.Email.SendingAccount {
	case "", SendingCognitoDefault, SendingDeveloper:
	default:
		add(fmt.Sprintf("unknown sending account %q: use COGNITO_DEFAULT or DEVELOPER", c.Delivery.Email.SendingAccount), "delivery", "email", "sendingAccount")
	}
	if d := c.Delivery.Email.DailyLimit; d != nil && *d < 0 {
		add("must not be negative (0 switches the limit off)", "delivery", "email", "dailyLimit")
	}
	prob(c.Delivery.Email.FailureRate, "delivery", "email", "failureRate")
	if e := c.Delivery.Email.RoleError; e != "" && e != cognito.ErrInvalidEmailRoleAccessPolicy {
		add(fmt.Sprintf("unknown email role error %q: use %s", e, cognito.ErrInvalidEmailRoleAccessPolicy), "delivery", "email", "roleError")
	}
	prob(c.Delivery.SMS.FailureRate, "delivery", "sms", "failureRate")
	if e := c.Delivery.SMS.RoleError; e != "" && e != cognito.ErrInvalidSmsRoleAccessPolicy && e != cognito.ErrInvalidSmsRoleTrustRelationship {
		add(fmt.Sprintf("unknown SMS role error %q: use %s or %s", e, cognito.ErrInvalidSmsRoleAccessPolicy, cognito.ErrInvalidSmsRoleTrustRelationship), "delivery", "sms", "roleError")
	}
	ps = append(ps, validateLatency(c.CustomMessageTrigger.Latency, "customMessageTrigger", "latency")...)
	for _, name := range slices.Sorted(maps.Keys(c.CustomMessageTrigger.Failures)) {
		p := c.CustomMessageTrigger.Failures[name]
		switch name {
		case cognito.ErrUserLambdaValidation, cognito.ErrUnexpectedLambda, cognito.ErrInvalidLambdaResponse:
		default:
			add(fmt.Sprintf("unknown trigger failure %q: use UserLambdaValidationException, UnexpectedLambdaException or InvalidLambdaResponseException", name), "customMessageTrigger", "failures", name)
		}
		prob(p, "customMessageTrigger", "failures", name)
	}
	q := c.Quotas
	if _, ok := cognito.CategoryRPS[q.Category]; q.Category != "" && !ok {
		add(fmt.Sprintf("unknown quota category %q: use one of the developer guide's, e.g. %s", q.Category, DefaultCategory), "quotas", "category")
	}
	for _, name := range slices.Sorted(maps.Keys(q.Categories)) {
		if _, ok := cognito.CategoryRPS[name]; !ok {
			add(fmt.Sprintf("unknown quota category %q: use one of the developer guide's, e.g. UserAuthentication", name), "quotas", "categories", name)
		}
		if v := q.Categories[name]; v < 0 || math.IsNaN(v) {
			add("must not be negative (0 switches the quota off)", "quotas", "categories", name)
		}
	}
	switch q.CodeLimitCounts {
	case "", CountRequests, CountCodes:
	default:
		add(fmt.Sprintf("unknown value %q: use requests or codes", q.CodeLimitCounts), "quotas", "codeLimitCounts")
	}
	if q.VerifyPerUserPerHour != nil && *q.VerifyPerUserPerHour < 0 {
		add("must not be negative (0 switches the limit off)", "quotas", "verifyPerUserPerHour")
	}
	if q.RPS != nil && *q.RPS < 0 {
		add("must not be negative (0 switches the quota off)", "quotas", "rps")
	}
	if q.Burst != nil && *q.Burst < 0 {
		add("must not be negative", "quotas", "burst")
	}
	if q.PerUserRPS != nil && *q.PerUserRPS < 0 {
		add("must not be negative (0 switches the quota off)", "quotas", "perUserRps")
	}
	if q.CodesPerUserPerHour != nil && *q.CodesPerUserPerHour < 0 {
		add("must not be negative (0 switches the limit off)", "quotas", "codesPerUserPerHour")
	}
	if q.Window != "" && q.Window != "sliding" && q.Window != "fixed" {
		add(fmt.Sprintf("unknown window %q: use sliding or fixed", q.Window), "quotas", "window")
	}
	ps = append(ps, validateLatency(c.Latency, "latency")...)
	var total float64
	for _, name := range slices.Sorted(maps.Keys(c.Faults)) {
		p := c.Faults[name]
		spec, ok := cognito.Lookup(name)
		if !ok || !spec.GUAVC || spec.Name != name {
			add(fmt.Sprintf("unknown error type %q: use one of GetUserAttributeVerificationCode's errors, e.g. TooManyRequestsException", name), "faults", name)
		}
		prob(p, "faults", name)
		total += p
	}
	if total > 1+1e-9 {
		add(fmt.Sprintf("probabilities add up to %.3g: their sum must not exceed 1", total), "faults")
	}
	if c.OutboxSize < 0 {
		add("must not be negative", "outboxSize")
	}
	if g := c.Users.Generate; g != nil {
		if g.Count < 0 || g.Count > 1_000_000 {
			add(fmt.Sprintf("count %d out of range: use 0 to 1000000", g.Count), "users", "generate", "count")
		}
		if g.UsernamePattern != "" && strings.Count(g.UsernamePattern, "%") != 1 {
			add(fmt.Sprintf("pattern %q must hold exactly one verb such as %%05d", g.UsernamePattern), "users", "generate", "usernamePattern")
		}
		for _, s := range []struct {
			v    float64
			name string
		}{{g.PhoneShare, "phoneShare"}, {g.NoEmailShare, "noEmailShare"}, {g.UnconfirmedShare, "unconfirmedShare"}, {g.DisabledShare, "disabledShare"}, {g.ResetRequiredShare, "resetRequiredShare"}, {g.VerifiedShare, "verifiedShare"}} {
			prob(s.v, "users", "generate", s.name)
		}
		if g.UnconfirmedShare+g.ResetRequiredShare > 1 {
			add("unconfirmedShare and resetRequiredShare add up to more than 1", "users", "generate")
		}
	}
	names := map[string]bool{}
	for i, u := range c.Users.List {
		if u.Username == "" {
			add("username is required", "users", "list", i)
		}
		if names[u.Username] {
			add(fmt.Sprintf("duplicate username %q", u.Username), "users", "list", i, "username")
		}
		names[u.Username] = true
		switch u.Status {
		case "", StatusConfirmed, StatusUnconfirmed, StatusResetRequired, StatusForceChangePassword:
		default:
			add(fmt.Sprintf("unknown status %q: use CONFIRMED, UNCONFIRMED or RESET_REQUIRED", u.Status), "users", "list", i, "status")
		}
		if u.PhoneNumber != "" && !phoneRE.MatchString(u.PhoneNumber) {
			add(fmt.Sprintf("invalid phone number %q: use E.164 like +14155550100", u.PhoneNumber), "users", "list", i, "phone_number")
		}
	}
	return ps
}

var phoneRE = regexp.MustCompile(`^\+[0-9]{4,15}$`)

func validateLatency(l LatencyConfig, path ...any) []problem {
	ps := validateLatencyModel(l, path...)
	if len(l.Outcomes) > 0 && !(len(path) == 1 && path[0] == "latency") {
		ps = append(ps, problem{at(path, "outcomes"), "latency by outcome is GetUserAttributeVerificationCode's and belongs in the pool's own latency"})
	}
	for _, name := range slices.Sorted(maps.Keys(l.Outcomes)) {
		where := at(path, "outcomes", name)
		if spec, ok := cognito.Lookup(name); name != domain.OutcomeOK && (!ok || !spec.GUAVC || spec.Name != name) {
			ps = append(ps, problem{where, fmt.Sprintf("unknown outcome %q: use ok or one of GetUserAttributeVerificationCode's error types, e.g. TooManyRequestsException", name)})
		}
		m := l.Outcomes[name]
		if len(m.Outcomes) > 0 {
			ps = append(ps, problem{at(where, "outcomes"), "an outcome's latency cannot have outcomes of its own"})
		}
		if m.P50 == 0 && m.P99 == 0 && len(m.Quantiles) == 0 {
			ps = append(ps, problem{where, "give p50 and p99 (lognormal) or quantiles (a table)"})
		}
		ps = append(ps, validateLatencyModel(m, where...)...)
	}
	return ps
}

// validateLatencyModel checks one model of either form.
func validateLatencyModel(l LatencyConfig, path ...any) []problem {
	var ps []problem
	if len(l.Quantiles) > 0 {
		if l.P50 != 0 || l.P99 != 0 {
			ps = append(ps, problem{at(path, "quantiles"), "give p50 and p99 (lognormal) or quantiles (a table), not both"})
		}
		var te *latency.TableError
		if err := quantileTable(l.Quantiles).Validate(); errors.As(err, &te) {
			where := at(path, "quantiles")
			if te.Index >= 0 {
				where = append(where, te.Index)
			}
			ps = append(ps, problem{where, te.Msg})
		}
		return ps
	}
	if l.P50 < 0 {
		ps = append(ps, problem{at(path, "p50"), "must not be negative"})
	}
	if l.P99 < 0 {
		ps = append(ps, problem{at(path, "p99"), "must not be negative"})
	}
	if l.P99 != 0 && l.P99 < l.P50 {
		ps = append(ps, problem{at(path, "p99"), fmt.Sprintf("p99 %s is below p50 %s", l.P99, l.P50)})
	}
	if l.P99 > 0 && l.P50 == 0 {
		ps = append(ps, problem{at(path, "p50"), "p50 is required when p99 is set"})
	}
	return ps
}

// at extends a problem path.
func at(path []any, more ...any) []any { return append(append([]any(nil), path...), more...) }

// Validate checks a configuration built in Go (ParseConfig already did).
func (c *Config) Validate() error {
	var errs input.Errors
	var noFile *input.Doc // a Config built in Go has no lines to point at
	for _, p := range c.validate() {
		e := noFile.At(yamlPath(p.path...), p.msg, "")
		e.File = c.label()
		errs = append(errs, e)
	}
	return errs.Err()
}

func (c *Config) label() string {
	if c.Name != "" {
		return c.Name
	}
	return "pool configuration"
}
