package scenarios

import (
	"time"

	"github.com/cogload/cogload/domain"
)

// Plan is a compiled scenario: everything the token filler, the attacker
// and the reporter need, with every default applied and every reference
// resolved. It is the contract between scenarios and the packages above it;
// it never holds a token or a password.
type Plan struct {
	Name        string
	Description string
	// SourcePath is the scenario file ("builtin:smoke" for built-ins).
	SourcePath string
	// Resolved is the scenario re-encoded as YAML with defaults applied
	// and inline tokens redacted; Hash is the SHA-256 (hex) of the
	// original file bytes, so two runs of one file share it.
	Resolved []byte
	Hash     string

	Target Target

	TokenPools []TokenPool
	Attributes []Attribute
	Metadata   []MetadataVariant
	// Variants is the product TokenPools × Attributes × Metadata with the
	// expectation of each; Variant.Index is its position here.
	Variants []Variant

	Stages      []Stage
	Timeout     time.Duration
	Connections int
	// MaxWorkers caps vegeta's workers (closed model); 0 keeps the open model.
	MaxWorkers uint64
	// MaxInFlight caps the requests in flight at once (load.maxInFlight);
	// 0 leaves the cap to the attack, which derives it from its default
	// and the file-descriptor limit. A hit due at the cap is skipped.
	MaxInFlight int
	Seed        int64
	// TokenRefresh, when set, refreshes minted tokens at this interval
	// whatever their expiry (long soaks); 0 refreshes only before expiry.
	TokenRefresh time.Duration

	Thresholds []Threshold

	// Quota is the quota model Describe predicts throttling with.
	Quota Quota
	// Warnings are things validate points out without refusing the plan.
	Warnings []string
}

// Quota is the service quota model a plan is compared against.
type Quota struct {
	// CategoryRPS is the account-wide request-rate quota of GUAVC's
	// category (requests/s, all pools and users together).
	CategoryRPS float64 `json:"categoryRps"`
	// CodesPerUserHour is the per-user limit on GUAVC calls per hour.
	CodesPerUserHour int `json:"codesPerUserHour"`
	// EmailsPerDay is the daily email quota of pools sending through
	// Cognito's default email (0: no such limit is modelled); it applies
	// to the email-default pool unless the scenario sets it explicitly.
	EmailsPerDay int `json:"emailsPerDay"`
	// EmailsPerDayAll is true when the scenario set EmailsPerDay, so it
	// applies to every pool.
	EmailsPerDayAll bool `json:"emailsPerDayAll,omitempty"`
	// Users is how many distinct users tokens are minted from; 0 means one
	// user per token.
	Users int `json:"users"`
}

// Target says where requests go.
type Target struct {
	// Mock is true for the embedded mock (the default).
	Mock bool
	// Pools are pool configurations for the mock, built-in names or file
	// paths (resolved relative to the scenario file); one run per pool.
	Pools []string

	// For a real or external endpoint:
	Region     string
	URL        string // e.g. http://127.0.0.1:9229; derived from Region when empty
	UserPoolID string
	ClientID   string
	// MaxRate is the safety ceiling for non-loopback endpoints (requests/s);
	// a plan whose peak exceeds it is refused unless acknowledged.
	MaxRate float64
}

// TokenKind says how a pool's tokens relate to a valid access token.
type TokenKind string

// Token kinds.
const (
	KindValid    TokenKind = "valid"
	KindRevoked  TokenKind = "revoked"  // minted, then GlobalSignOut
	KindTampered TokenKind = "tampered" // a valid token with its signature altered
	KindGarbage  TokenKind = "garbage"  // random text that matches the token pattern
	KindIDToken  TokenKind = "id_token" // an ID token in place of the access token
	KindExpired  TokenKind = "expired"
)

// Checkout is the order a pool hands out tokens.
type Checkout string

// Checkout orders.
const (
	CheckoutSequential Checkout = "sequential" // round robin
	CheckoutRandom     Checkout = "random"     // seeded random
	CheckoutExclusive  Checkout = "exclusive"  // each token used for one request only
)

// SourceKind names where a pool's tokens come from.
type SourceKind string

// Token sources.
const (
	SourceMint   SourceKind = "mint"   // InitiateAuth with users (the mock's, or a users file)
	SourceInline SourceKind = "inline" // listed in the scenario
	SourceFile   SourceKind = "file"   // one token per line
	SourceEnv    SourceKind = "env"    // an environment variable, tokens separated by whitespace or commas
	SourceExec   SourceKind = "exec"   // a command's stdout, one token per line
	SourceNone   SourceKind = "none"   // generated without any source (garbage)
)

// Static reports whether the tokens are read from somewhere rather than
// minted or generated: inline, a file, an environment variable or a
// command's output.
func (s TokenSource) Static() bool {
	switch s.Kind {
	case SourceInline, SourceFile, SourceEnv, SourceExec:
		return true
	}
	return false
}

// TokenSource is where a pool's base tokens come from.
type TokenSource struct {
	Kind SourceKind
	// Inline tokens (SourceInline). Never rendered into Resolved.
	Inline []string
	// Path of a token file (SourceFile) or of a users file (SourceMint);
	// an empty Path with SourceMint means the mock's own users.
	Path string
	// Env is the variable name (SourceEnv).
	Env string
	// Command and its arguments (SourceExec).
	Command []string
}

// TokenPool is one named population of tokens.
type TokenPool struct {
	Name   string
	Weight float64
	// Size is how many tokens the pool holds: minted or generated, or
	// taken from its source (at most Size of them when the scenario sets
	// it). A file, env or exec pool the scenario leaves unsized holds what
	// its source holds: 0 until counted (tokens.Inspect).
	Size int
	// Users is how many distinct users a pool minted from a users file
	// draws on, once counted (tokens.Inspect); 0 when unknown.
	Users    int
	Kind     TokenKind
	Source   TokenSource
	Checkout Checkout
}

// Attribute is a weighted attribute name.
type Attribute struct {
	Name   string
	Weight float64
}

// MetadataVariant is a weighted ClientMetadata shape. Absent means the member
// is left out of the request; a non-nil empty Values is sent as {}.
type MetadataVariant struct {
	Name   string
	Weight float64
	Absent bool
	// Values is the map to send, generated values already expanded
	// (deterministically from the plan's seed).
	Values map[string]string
}

// Variant is one combination of token pool, attribute and metadata variant.
type Variant struct {
	Index     int
	TokenPool int // index into Plan.TokenPools
	Attribute int // index into Plan.Attributes
	Metadata  int // index into Plan.Metadata
	// Weight is the probability of picking this variant (all sum to 1).
	Weight float64
	Expect domain.Expectation
}

// StageKind is the shape of a stage's rate over time.
type StageKind string

// Stage kinds.
const (
	StageConstant StageKind = "constant"
	StageRamp     StageKind = "ramp"  // linear from From to To
	StageSteps    StageKind = "steps" // From, From+Step, ... up to To, each held for Every
)

// Stage is one phase of the load, run by its own vegeta Attacker.
type Stage struct {
	Name     string
	Kind     StageKind
	Duration time.Duration
	// Rates are requests per second.
	From, To float64
	Step     float64
	Every    time.Duration
	// Offset shifts the stage's hits along its schedule: hit n is due
	// when the schedule has accumulated n+Offset requests (0 ≤ Offset <
	// 1). It is 0 for a whole plan; the shards of a plan get offsets that
	// interleave their hits into the plan's (Shard.Apply).
	Offset float64
}

// RateAt returns the target rate (requests/s) at elapsed time t into the stage.
func (s Stage) RateAt(t time.Duration) float64 {
	switch s.Kind {
	case StageRamp:
		if s.Duration <= 0 {
			return s.To
		}
		f := float64(t) / float64(s.Duration)
		f = min(max(f, 0), 1)
		return s.From + (s.To-s.From)*f
	case StageSteps:
		if s.Every <= 0 {
			return s.From
		}
		r := s.From + s.Step*float64(t/s.Every)
		if s.Step >= 0 {
			return min(r, s.To)
		}
		return max(r, s.To)
	default:
		return s.From
	}
}

// Threshold is one pass/fail rule, e.g. `latency.p99 < 300ms`,
// `throttle_rate < 1%` or `errors{code=InternalErrorException} == 0`.
type Threshold struct {
	// Expr is the rule as written.
	Expr string
	// Metric is one of: latency.p50, latency.p90, latency.p95, latency.p99,
	// latency.p99.9, latency.max, latency.mean, rate (achieved requests/s),
	// requests, ok_rate, throttle_rate, error_rate, violation_rate,
	// violations, errors (a count; with {code=...} the count of that outcome),
	// outcome_rate (with {code=...}).
	Metric string
	// Filter restricts the metric to one value per dimension; keys are
	// token_pool, attribute, metadata, stage, code.
	Filter map[string]string
	// Op is one of < <= > >= == !=.
	Op string
	// Value is the bound in the metric's unit: seconds for latency, a
	// fraction (0..1) for *_rate, requests/s for rate, a count otherwise.
	Value float64
	// Pos is where the rule is written ("file:line:col").
	Pos string
}
