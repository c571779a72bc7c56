package tokens

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/cogload/cogload/domain"
	"github.com/cogload/cogload/scenarios"
)

// Pool is one filled token pool. Next is cheap and safe for concurrent use:
// the attack's targeter calls it for every request.
type Pool struct {
	name     string
	kind     scenarios.TokenKind
	checkout scenarios.Checkout
	seed     uint64

	// toks is swapped whole by the refresher so readers never lock.
	toks      atomic.Pointer[tokSlice]
	used      atomic.Uint64 // exclusive checkout cursor
	exhausted atomic.Bool

	// Minted pools remember how to refresh; nil otherwise.
	mu     sync.Mutex
	logins []*login
	// derive turns a login's fresh tokens into this pool's token
	// (access token, ID token, or a tampered access token).
	derive func(l *login) string
}

// tokSlice is a pool's tokens and whether all of them can go into a JSON
// string as they are (no quote, backslash or control character), so the
// targeter can skip scanning them per request.
type tokSlice struct {
	toks  []string
	plain bool
}

func (p *Pool) store(toks []string) {
	plain := true
	for _, t := range toks {
		for i := 0; i < len(t) && plain; i++ {
			if c := t[i]; c < 0x20 || c == '"' || c == '\\' {
				plain = false
			}
		}
	}
	p.toks.Store(&tokSlice{toks: toks, plain: plain})
}

func (p *Pool) load() []string { return p.toks.Load().toks }

// login is one InitiateAuth result. The refresh token never leaves the
// package.
type login struct {
	username     string
	accessToken  string
	idToken      string
	refreshToken string
	issued       time.Time
	expiresIn    time.Duration
}

// NewPool builds a pool over fixed tokens, e.g. for tests or a caller that
// obtained tokens itself. seed drives random checkout.
func NewPool(spec scenarios.TokenPool, toks []string, seed int64) *Pool {
	p := &Pool{name: spec.Name, kind: spec.Kind, checkout: spec.Checkout, seed: uint64(seed)}
	p.store(append([]string(nil), toks...))
	return p
}

// Len returns the number of tokens in the pool.
func (p *Pool) Len() int { return len(p.load()) }

// Remaining returns how many tokens an exclusive pool can still hand out,
// or Len for the other orders.
func (p *Pool) Remaining() int {
	n := p.Len()
	if p.checkout != scenarios.CheckoutExclusive {
		return n
	}
	u := p.used.Load()
	if u >= uint64(n) {
		return 0
	}
	return n - int(u)
}

// Exhausted reports whether an exclusive pool has handed out every token.
func (p *Pool) Exhausted() bool { return p.exhausted.Load() }

// Next returns the token for request seq (a per-pool sequence number).
// Sequential checkout is round robin by seq; random is a seeded hash of seq,
// so a given seed and seq always pick the same token; exclusive hands each
// token out once and returns ok=false when none is left.
func (p *Pool) Next(seq uint64) (string, bool) {
	tok, _, ok := p.NextJSON(seq)
	return tok, ok
}

// NextJSON is Next that also reports whether the token is plain, i.e. can
// be written into a JSON string without escaping.
func (p *Pool) NextJSON(seq uint64) (tok string, plain, ok bool) {
	ts := p.toks.Load()
	toks := ts.toks
	n := uint64(len(toks))
	if n == 0 {
		return "", false, false
	}
	switch p.checkout {
	case scenarios.CheckoutExclusive:
		if p.exhausted.Load() {
			return "", false, false
		}
		i := p.used.Add(1) - 1
		if i >= n {
			p.exhausted.Store(true)
			return "", false, false
		}
		return toks[i], ts.plain, true
	case scenarios.CheckoutRandom:
		return toks[SplitMix64(p.seed^SplitMix64(seq))%n], ts.plain, true
	default:
		return toks[seq%n], ts.plain, true
	}
}

// SplitMix64 is a stateless 64-bit mixer: a deterministic, well-spread hash
// of x, used as a lock-free PRNG indexed by sequence number.
func SplitMix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// Set is every pool of a plan, in plan order.
type Set struct {
	pools []*Pool
	env   Env
	cli   *authClient
	// loaded are users read from users files (for Secrets).
	loaded []domain.Credential
}

// NewSet groups pools, in plan order, into a Set (tests, callers with their
// own tokens). Such a set has nothing to refresh.
func NewSet(pools ...*Pool) *Set { return &Set{pools: pools} }

// Pool returns pool i (index into Plan.TokenPools).
func (s *Set) Pool(i int) *Pool { return s.pools[i] }

// Len returns the number of pools.
func (s *Set) Len() int { return len(s.pools) }

// Secrets calls fn with every token, ID token and refresh token the set
// holds, so a caller can prove none of them was written anywhere (archive
// scans in tests). It never logs them.
func (s *Set) Secrets(fn func(secret string)) {
	for _, p := range s.pools {
		for _, t := range p.load() {
			fn(t)
		}
		p.mu.Lock()
		for _, l := range p.logins {
			fn(l.accessToken)
			fn(l.idToken)
			fn(l.refreshToken)
		}
		p.mu.Unlock()
	}
	for _, u := range append(s.env.Users[:len(s.env.Users):len(s.env.Users)], s.loaded...) {
		fn(u.Password)
	}
}
