package scenarios

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/cogload/cogload/cognito"
	"github.com/cogload/cogload/domain"
	"github.com/cogload/cogload/internal/input"
)

// Defaults applied by Compile.
const (
	DefaultTimeout = 10 * time.Second
	// DefaultConnections is the idle-connection pool per host, as vegeta's
	// default: a small pool closes and redials every connection past it
	// when workers grow during a stall (measured in bench/).
	DefaultConnections = 10000
	// DefaultMaxInFlight caps the requests in flight at once when the
	// scenario sets no load.maxInFlight; the attack lowers it to what the
	// file-descriptor limit has room for. Each request in flight holds a
	// connection, a file descriptor and tens of kilobytes, and vegeta's
	// open model adds one for every request the target is slow to answer:
	// without a cap, a rate the target cannot serve grows memory and
	// descriptors without bound (1.2 GB and the process's last descriptor,
	// measured with bench/overload.sh). A hit due at the cap is skipped and
	// counted, not queued.
	DefaultMaxInFlight = 4096
	DefaultSeed        = 1
	DefaultPoolSize    = 100
	// DefaultMaxRate is the safety ceiling for non-loopback endpoints.
	DefaultMaxRate = 25.0
	// DefaultMockPool is the pool configuration a mock target gets.
	DefaultMockPool = "email-default"
)

// DefaultCategoryRPS is the quota of GUAVC's request-rate category
// (UserResourceRead, 50 requests/s, documented: see quota.category in
// docs/fidelity.md); the mock's default is the same table's.
var DefaultCategoryRPS = cognito.GUAVCCategoryRPS()

// Limits that keep a plan sane; past them a value is surely a typo.
const (
	maxRate      = 1e6
	maxStageTime = 7 * 24 * time.Hour
	maxPoolSize  = 10_000_000
	maxGenKeys   = 10_000
	maxGenValue  = 2 * 131072 // past the model's limit, so the limit itself can be tested
	maxGenTotal  = 4 << 20    // characters of generated metadata per variant
	maxSteps     = 10_000
	// maxInFlight: each request in flight holds a connection, a file
	// descriptor and tens of kilobytes.
	maxInFlight = 1_000_000
)

// DefaultMockPools are the mock's built-in pool configuration names, used
// when CompileOptions.KnownPools is nil.
var DefaultMockPools = []string{"custom-message-trigger", "email-default", "email-ses", "raised-quota", "sms"}

// CompileOptions overrides parts of a scenario from the command line.
type CompileOptions struct {
	// Rate, when set (--rate), replaces every stage's rates with this
	// constant rate (requests/s, > 0), keeping each stage's duration.
	Rate *float64
	// Duration, when set (--duration, > 0), scales every stage (and each
	// steps stage's Every) by one factor so the stages add up to Duration;
	// the shape of the load is kept.
	Duration *time.Duration
	// Seed, when set, replaces load.seed.
	Seed *int64
	// Pools, when set, replaces a mock target's pool configurations.
	Pools []string
	// KnownPools are the built-in pool configuration names a mock target
	// may use (mock.BuiltinNames()); nil means DefaultMockPools.
	KnownPools []string
	// Endpoint, when set, sends the plan to a real or external endpoint
	// instead of the scenario's target (see EndpointOverride).
	Endpoint *EndpointOverride
}

var (
	namePattern   = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.:+-]*$`)
	regionPattern = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-\d+$`)
	poolIDPattern = regexp.MustCompile(`^[\w-]+_[0-9a-zA-Z]+$`)
	envPattern    = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
)

type compiler struct {
	s    *Scenario
	opts CompileOptions
	plan *Plan
	errs Errors
	// poolSpec maps a plan's token pool to its entry in the scenario
	// (pools sent to an endpoint from the command line may be left out).
	poolSpec []int
	// flagged are the flags an error was reported for, each once.
	flagged map[string]bool
}

// flagError reports a problem with a command-line flag, once per flag.
func (c *compiler) flagError(flag, msg, hint string) {
	if c.flagged[flag] {
		return
	}
	if c.flagged == nil {
		c.flagged = map[string]bool{}
	}
	c.flagged[flag] = true
	c.errs = append(c.errs, &Error{Field: flag, Msg: msg, Hint: hint})
}

// usableName reports whether s can name a scenario, a token pool, a
// metadata variant or a stage: names appear in reports, archives and
// threshold filters, so a token pasted where a name belongs is refused.
func usableName(s string) bool { return namePattern.MatchString(s) && !domain.HasToken(s) }

// shownName is a refused name as messages quote it: never a token.
func shownName(s string) string {
	if domain.HasToken(s) {
		return Redacted + " (it looks like a token)"
	}
	return s
}

func (c *compiler) fail(path, msg, hint string) { c.errs = append(c.errs, c.s.at(path, msg, hint)) }

func (c *compiler) failf(path, hint, format string, args ...any) {
	c.fail(path, fmt.Sprintf(format, args...), hint)
}

// Compile validates the scenario, applies defaults and overrides, and
// returns the plan. Every problem is reported with its file:line:col; more
// than one comes back as Errors.
func (s *Scenario) Compile(opts CompileOptions) (*Plan, error) {
	c := &compiler{s: s, opts: opts, plan: &Plan{
		Name:        s.Name,
		Description: domain.ReplaceTokens(strings.TrimSpace(s.Description), Redacted),
		SourcePath:  s.source,
	}}
	if c.plan.Name == "" {
		c.plan.Name = defaultName(s.source)
	}
	if !usableName(c.plan.Name) {
		c.fail("$.name", fmt.Sprintf("%q is not a usable name", shownName(c.plan.Name)), "use letters, digits and - _ . : + (it names the run's folder)")
	}
	c.flagOverrides()
	c.target()
	c.load()
	c.pools()
	c.attributes()
	c.metadata()
	if len(c.errs) == 0 {
		c.variants()
		c.sizePools()
		c.thresholds()
		c.quota()
		c.warnings()
	}
	if err := c.errs.Err(); err != nil {
		return nil, err
	}
	sum := sha256.Sum256(s.data)
	c.plan.Hash = hex.EncodeToString(sum[:])
	resolved, err := c.resolved()
	if err != nil {
		return nil, fmt.Errorf("compile %s: %w", s.source, err)
	}
	c.plan.Resolved = resolved
	return c.plan, nil
}

func defaultName(source string) string {
	if n, ok := strings.CutPrefix(source, BuiltinPrefix); ok {
		return n
	}
	base := filepath.Base(source)
	if name := strings.TrimSuffix(base, filepath.Ext(base)); usableName(name) {
		return name
	}
	return "scenario"
}

func (c *compiler) target() {
	t := c.s.Target
	p := &c.plan.Target
	if o := c.opts.Endpoint; o != nil {
		c.checkFlags(o)
		if abs, err := filepath.Abs(o.Users); o.Users != "" && err == nil {
			// The path is the command line's, not the scenario's: absolute,
			// it means the same file to every reader of the plan.
			ov := *o
			ov.Users = abs
			c.opts.Endpoint = &ov
		}
		var own *EndpointSpec
		if t != nil {
			own = t.Endpoint
		}
		retargeted := &TargetSpec{Endpoint: o.spec(own)}
		if t != nil {
			retargeted.Quota = t.Quota
		}
		t = retargeted
	}
	if t != nil && t.Mock != nil && t.Endpoint != nil {
		c.fail("$.target.endpoint", "a target is either mock or endpoint, not both", "remove one of target.mock and target.endpoint")
		p.Mock = true // judge the rest as a mock scenario rather than cascade
		return
	}
	if t == nil || t.Endpoint == nil {
		p.Mock = true
		var pools []string
		path := "$.target.mock.pools"
		if t != nil && t.Mock != nil {
			pools = t.Mock.Pools
		}
		if len(c.opts.Pools) > 0 {
			pools, path = c.opts.Pools, ""
		}
		if len(pools) == 0 {
			pools = []string{DefaultMockPool}
		}
		seen := map[string]bool{}
		for i, name := range pools {
			at := fmt.Sprintf("%s[%d]", path, i)
			resolved, ok := c.pool(name, at)
			if !ok {
				continue
			}
			if seen[resolved] {
				c.report(at, fmt.Sprintf("pool configuration %q is listed twice", name), "list each pool configuration once")
				continue
			}
			seen[resolved] = true
			p.Pools = append(p.Pools, resolved)
		}
		if len(c.opts.Pools) > 0 && t != nil && t.Endpoint != nil {
			c.errs = append(c.errs, &Error{Field: "--pool", Msg: "pool configurations apply to mock targets only"})
		}
		return
	}
	if len(c.opts.Pools) > 0 {
		c.errs = append(c.errs, &Error{File: c.s.source, Field: "--pool", Msg: "the scenario targets an endpoint; pool configurations apply to mock targets only", Hint: "drop --pool"})
	}
	e := t.Endpoint
	p.Region, p.URL, p.UserPoolID, p.ClientID = e.Region, e.URL, e.UserPoolID, e.ClientID
	if e.Region == "" && e.URL == "" {
		c.fail("$.target.endpoint", "an endpoint needs region or url", "add region: eu-central-1 or url: http://127.0.0.1:9229")
	}
	if e.Region != "" && !regionPattern.MatchString(e.Region) {
		c.failf("$.target.endpoint.region", "write a region such as eu-central-1", "%q is not an AWS region", e.Region)
	}
	fromFlag := c.opts.Endpoint != nil && c.opts.Endpoint.URL != "" // checkFlags names --endpoint
	if e.URL != "" {
		switch err := cognito.CheckEndpointURL(e.URL); {
		case fromFlag:
		case errors.Is(err, cognito.ErrEndpointNotHTTP):
			c.failf("$.target.endpoint.url", "write an absolute http or https URL such as https://cognito-idp.eu-central-1.amazonaws.com", "%s %v", cognito.ShownEndpoint(e.URL), err)
		case err != nil:
			c.failf("$.target.endpoint.url", "write the endpoint alone, such as https://cognito-idp.eu-central-1.amazonaws.com: the access token is the credential, and the URL is printed in every report", "%s: the url %v", cognito.ShownEndpoint(e.URL), err)
		}
	} else if e.Region != "" {
		p.URL = cognito.Endpoint(e.Region)
	}
	if e.UserPoolID != "" && !poolIDPattern.MatchString(e.UserPoolID) {
		c.failf("$.target.endpoint.userPoolId", "a user pool id looks like eu-central-1_AbCdEf123", "%q is not a user pool id", e.UserPoolID)
	}
	p.MaxRate = DefaultMaxRate
	if e.MaxRate != nil {
		if !positive(*e.MaxRate) {
			c.fail("$.target.endpoint.maxRate", "must be a number > 0", "give the highest rate (requests/s) you accept against this endpoint")
		}
		p.MaxRate = *e.MaxRate
	}
}

// report adds an error for a scenario path, or a flag error when path is
// empty (the value came from the command line).
func (c *compiler) report(path, msg, hint string) {
	if path == "" || strings.HasPrefix(path, "[") {
		c.errs = append(c.errs, &Error{Field: "--pool", Msg: msg, Hint: hint})
		return
	}
	c.fail(path, msg, hint)
}

// pool resolves a pool configuration reference: a built-in name, or a
// file relative to the scenario (to the working directory for --pool).
func (c *compiler) pool(name, at string) (string, bool) {
	known := c.opts.KnownPools
	if known == nil {
		known = DefaultMockPools
	}
	ext := strings.ToLower(filepath.Ext(name))
	if !strings.ContainsAny(name, `/\`) && ext != ".yaml" && ext != ".yml" {
		for _, k := range known {
			if k == name {
				return name, true
			}
		}
		c.report(at, fmt.Sprintf("unknown pool configuration %q", name), input.OneOf(name, known)+", or a pool configuration file (.yaml)")
		return "", false
	}
	p, hint := c.relPath(name), "paths are relative to the scenario file"
	if strings.HasPrefix(at, "[") { // from --pool
		p, hint = name, "paths on the command line are relative to the working directory"
	}
	if _, err := os.Stat(p); err != nil {
		c.report(at, fmt.Sprintf("pool configuration file %s: %v", p, input.ErrText(err)), hint)
		return "", false
	}
	return p, true
}

func (c *compiler) relPath(p string) string {
	if filepath.IsAbs(p) || c.s.dir == "" {
		return p
	}
	return filepath.Join(c.s.dir, p)
}

func positive(f float64) bool { return f > 0 && !math.IsInf(f, 0) && !math.IsNaN(f) }

func isLoopback(rawURL string) bool {
	u, err := url.Parse(rawURL)
	if err != nil {
		return false
	}
	host := u.Hostname()
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
