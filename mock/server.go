package mock

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cogload/cogload/cognito"
	"github.com/cogload/cogload/mock/internal/latency"
	"github.com/cogload/cogload/mock/internal/quota"
)

// Option configures a Server.
type Option func(*options)

type options struct {
	now        func() time.Time
	sleep      func(ctx context.Context, d time.Duration)
	seed       int64
	seeded     bool
	noLimits   bool
	statusMode *cognito.StatusMode
	logger     *slog.Logger
	// verifyEvery turns the signature cache off (WithSignatureCache(false)).
	verifyEvery bool
}

// WithClock injects the clock that drives tokens, quotas and codes.
func WithClock(now func() time.Time) Option { return func(o *options) { o.now = now } }

// WithSleep injects how the latency model and the trigger's latency wait;
// tests pass a no-op or a recorder.
func WithSleep(sleep func(ctx context.Context, d time.Duration)) Option {
	return func(o *options) { o.sleep = sleep }
}

// WithSeed makes users, pool ids, codes, token ids and faults deterministic.
func WithSeed(seed int64) Option { return func(o *options) { o.seed, o.seeded = seed, true } }

// WithNoLimits switches off every quota and limit, the latency model and
// fault injection. Tokens are still fully verified.
func WithNoLimits() Option { return func(o *options) { o.noLimits = true } }

// WithSignatureCache turns the verified-signature cache on (the default) or
// off. With it on, a token whose exact bytes already passed RS256
// verification under the same key is not verified again; every other check
// (issuer, expiry against the clock, token_use, scope, client, revocation,
// user state) still runs on every request, and a token differing in any
// byte is verified in full. Off, every request pays for the RSA check, as a
// service without such a cache would.
func WithSignatureCache(on bool) Option { return func(o *options) { o.verifyEvery = !on } }

// WithStatusMode overrides the configuration's status mode.
func WithStatusMode(m cognito.StatusMode) Option { return func(o *options) { o.statusMode = &m } }

// WithLogger logs one line per request (never a token or password).
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.logger = l } }

func realSleep(ctx context.Context, d time.Duration) {
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

// Server is the mock Cognito: one account holding the configured pool and
// any pool created through CreateUserPool. It is an http.Handler.
type Server struct {
	opts options
	cfg  *Config
	mode cognito.StatusMode

	pools   atomic.Pointer[map[string]*pool]
	keys    atomic.Pointer[map[string]keyRef] // by kid
	headers atomic.Pointer[map[string]keyRef] // by encoded header, the fast path
	poolMu  sync.Mutex                        // serialises writers of pools/keys/headers
	def     *pool
	npools  int

	revokedMu sync.RWMutex
	revoked   map[string]struct{} // origin_jti
	refreshMu sync.Mutex
	refresh   map[string]*refreshToken

	rngMu sync.Mutex
	rng   *rand.Rand

	// categoryBuckets are the request-rate buckets by category: operations
	// of one category share one, as every pool of the account does. ops
	// carries each operation's so a request needs no second lookup; Reset
	// walks these so a shared bucket is reset once.
	categoryBuckets map[string]*quota.Bucket
	perUserRead     *quota.KeyedBuckets
	perUserWrite    *quota.KeyedBuckets
	codes           *quota.KeyedWindows
	verifies        *quota.KeyedWindows
	daily           *quota.Daily
	lat             latency.Dist
	// outcomeLat is GetUserAttributeVerificationCode's latency by outcome.
	outcomeLat map[string]latency.Dist
	faults     latency.Faults
	// holdAnswers is set when an answer may have a latency to wait out;
	// without one, holding the answer would only cost a copy.
	holdAnswers bool

	outbox  *outbox
	metrics *metrics
	side    *http.ServeMux
	ops     map[string]operation
	sigs    *sigCache // nil when every request verifies the signature
}

// New builds a Server from cfg (nil means the defaults) and the options.
func New(cfg *Config, opts ...Option) (*Server, error) {
	if cfg == nil {
		cfg = &Config{}
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	o := options{now: time.Now, sleep: realSleep}
	for _, opt := range opts {
		opt(&o)
	}
	if !o.seeded {
		o.seed = rand.Int64()
	}
	c := cfg.withDefaults()
	s := &Server{
		opts:    o,
		cfg:     c,
		revoked: map[string]struct{}{},
		refresh: map[string]*refreshToken{},
		rng:     rand.New(rand.NewPCG(uint64(o.seed), 0x636f676c6f6164)),
		outbox:  newOutbox(c.OutboxSize),
		metrics: newMetrics(),
	}
	s.mode, _ = cognito.ParseStatusMode(c.StatusMode)
	if o.statusMode != nil {
		s.mode = *o.statusMode
	}
	empty := map[string]*pool{}
	s.pools.Store(&empty)
	emptyK, emptyH := map[string]keyRef{}, map[string]keyRef{}
	s.keys.Store(&emptyK)
	s.headers.Store(&emptyH)
	if !o.verifyEvery {
		s.sigs = newSigCache(sigCacheCapacity)
	}
	s.ops = s.operations()
	s.initLimits()
	p, err := s.addPool(c)
	if err != nil {
		return nil, err
	}
	s.def = p
	s.side = s.sideDoors()
	return s, nil
}

func (s *Server) initLimits() {
	q := s.cfg.Quotas
	byCategory := map[string]*quota.Bucket{}
	bucket := func(category string) *quota.Bucket {
		if b, ok := byCategory[category]; ok {
			return b
		}
		var b *quota.Bucket
		switch rps, overridden := q.Categories[category]; {
		case category == q.Category:
			b = quota.NewBucket(*q.RPS, *q.Burst)
		case overridden:
			b = quota.NewBucket(rps, 0)
		default:
			b = quota.NewBucket(cognito.CategoryRPS[category], 0)
		}
		byCategory[category] = b
		return b
	}
	for op, o := range s.ops {
		category := cognito.CategoryOf(op)
		if op == cognito.OpGetUserAttributeVerificationCode {
			category = q.Category
		}
		if category != "" {
			o.bucket = bucket(category)
			s.ops[op] = o
		}
	}
	s.categoryBuckets = byCategory
	perUserBurst := max(1, int(*q.PerUserRPS+0.999))
	s.perUserRead = quota.NewKeyedBuckets(*q.PerUserRPS, perUserBurst)
	s.perUserWrite = quota.NewKeyedBuckets(*q.PerUserRPS, perUserBurst)
	sliding := q.Window != "fixed"
	s.codes = quota.NewKeyedWindows(*q.CodesPerUserPerHour, time.Hour, sliding)
	s.verifies = quota.NewKeyedWindows(*q.VerifyPerUserPerHour, time.Hour, sliding)
	limit := 0
	if s.cfg.Delivery.Email.SendingAccount == SendingCognitoDefault {
		limit = *s.cfg.Delivery.Email.DailyLimit
	}
	s.daily = quota.NewDaily(limit, DailyEmailReset)
	s.lat = latencyModel(s.cfg.Latency)
	if len(s.cfg.Latency.Outcomes) > 0 {
		s.outcomeLat = make(map[string]latency.Dist, len(s.cfg.Latency.Outcomes))
		for name, l := range s.cfg.Latency.Outcomes {
			s.outcomeLat[name] = latencyModel(l)
		}
	}
	s.faults = latency.Faults(s.cfg.Faults)
	s.holdAnswers = !s.opts.noLimits && (!s.lat.IsZero() || len(s.outcomeLat) > 0)
}

func (s *Server) now() time.Time { return s.opts.now() }

// throttle charges c's operation to its category bucket: once per request,
// when the request is known to be for this account (see quota.counting in
// docs/fidelity.md).
func (s *Server) throttle(c *call) *cognito.Error {
	if s.opts.noLimits {
		return nil
	}
	if b := c.bucket; b != nil && !b.Allow(c.now) {
		return cognito.NewError(cognito.ErrTooManyRequests, cognito.MsgRateExceeded)
	}
	return nil
}

// userRate charges a user's read or write request rate.
func (s *Server) userRate(keyed *quota.KeyedBuckets, userKey string, now time.Time) *cognito.Error {
	if s.opts.noLimits || keyed.Allow(userKey, now) {
		return nil
	}
	return cognito.NewError(cognito.ErrTooManyRequests, cognito.MsgRateExceeded)
}

// randUint64 draws from the seeded generator.
func (s *Server) randUint64() uint64 {
	s.rngMu.Lock()
	v := s.rng.Uint64()
	s.rngMu.Unlock()
	return v
}

// uuid returns a version-4 UUID from the seeded generator.
func (s *Server) uuid() string {
	s.rngMu.Lock()
	a, b := s.rng.Uint64(), s.rng.Uint64()
	s.rngMu.Unlock()
	return formatUUID(a, b)
}

func formatUUID(a, b uint64) string {
	a = a&^(0xf<<12) | 0x4<<12
	b = b&^(0x3<<62) | 0x2<<62
	return fmt.Sprintf("%08x-%04x-%04x-%04x-%012x", a>>32, (a>>16)&0xffff, a&0xffff, b>>48, b&0xffffffffffff)
}

// pickFault draws an injected fault.
func (s *Server) pickFault(f latency.Faults) (string, bool) {
	if s.opts.noLimits || len(f) == 0 {
		return "", false
	}
	s.rngMu.Lock()
	defer s.rngMu.Unlock()
	return f.Pick(s.rng)
}

// chance reports whether an event of probability p happens.
func (s *Server) chance(p float64) bool {
	if s.opts.noLimits || p <= 0 {
		return false
	}
	s.rngMu.Lock()
	defer s.rngMu.Unlock()
	return s.rng.Float64() < p
}

// sample draws a latency of m (0 without limits).
func (s *Server) sample(m latency.Dist) time.Duration {
	if s.opts.noLimits || m.IsZero() {
		return 0
	}
	s.rngMu.Lock()
	d := m.Sample(s.rng)
	s.rngMu.Unlock()
	return d
}

// wait sleeps for a latency sample of m within a call (the trigger's
// latency) and counts it towards the call's time.
func (s *Server) wait(c *call, m latency.Dist) {
	d := s.sample(m)
	if d <= 0 {
		return
	}
	c.waited += d
	s.opts.sleep(c.ctx, d)
}

// answerDelay is how long an answer waits before it is written: a sample
// of its outcome's latency, less what the call already waited, for
// GetUserAttributeVerificationCode's outcomes that have one; a sample of
// the pool's model otherwise.
func (s *Server) answerDelay(c *call, outcome string) time.Duration {
	if c.op == cognito.OpGetUserAttributeVerificationCode {
		if m, ok := s.outcomeLat[outcome]; ok {
			return max(0, s.sample(m)-c.waited)
		}
	}
	return s.sample(s.lat)
}

func (s *Server) poolByID(id string) *pool { return (*s.pools.Load())[id] }

func (s *Server) isRevoked(originJTI string) bool {
	s.revokedMu.RLock()
	_, ok := s.revoked[originJTI]
	s.revokedMu.RUnlock()
	return ok
}

func (s *Server) revoke(originJTIs ...string) {
	s.revokedMu.Lock()
	for _, j := range originJTIs {
		s.revoked[j] = struct{}{}
	}
	s.revokedMu.Unlock()
}

// latencyModel is the distribution a latency configuration describes: its
// quantile table when it has one, else the lognormal of its p50 and p99.
func latencyModel(l LatencyConfig) latency.Dist {
	if len(l.Quantiles) > 0 {
		return quantileTable(l.Quantiles)
	}
	return latency.Model{P50: l.P50, P99: l.P99}
}

func quantileTable(ps []QuantilePoint) latency.Table {
	t := make(latency.Table, len(ps))
	for i, p := range ps {
		t[i] = latency.Point{Q: p.Q, Latency: p.Latency}
	}
	return t
}
