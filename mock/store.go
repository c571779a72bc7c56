package mock

import (
	"hash/maphash"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cogload/cogload/mock/internal/latency"
)

// user is one user of a pool. Its fields are guarded by mu; username,
// sub and quotaKey never change.
type user struct {
	username string
	sub      string
	// quotaKey ("poolID/username") keys the per-user quotas. userStore.put
	// sets it, so every user a request can reach has it and no request
	// pays for the concatenation.
	quotaKey string

	mu       sync.Mutex
	password string
	status   string
	enabled  bool
	deleted  bool
	attrs    map[string]string
	// families are the origin_jti values of the user's live sessions, so
	// GlobalSignOut can revoke all of them.
	families []string
	codes    map[string]*code
	created  time.Time
	modified time.Time
}

// code is the latest verification code sent for one attribute.
type code struct {
	value   string
	expires time.Time
	used    bool
}

// userState is a consistent copy of the fields checks need.
type userState struct {
	status  string
	enabled bool
	deleted bool
}

func (u *user) state() userState {
	u.mu.Lock()
	defer u.mu.Unlock()
	return userState{status: u.status, enabled: u.enabled, deleted: u.deleted}
}

// attr returns one attribute under the lock.
func (u *user) attr(name string) string {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.attrs[name]
}

// attributes returns the user's attributes sorted as GetUser lists them:
// sub first, then by name.
func (u *user) attributes() []attrKV {
	u.mu.Lock()
	defer u.mu.Unlock()
	out := make([]attrKV, 0, len(u.attrs)+1)
	out = append(out, attrKV{"sub", u.sub})
	for k, v := range u.attrs {
		if k != "sub" {
			out = append(out, attrKV{k, v})
		}
	}
	sort.Slice(out[1:], func(i, j int) bool { return out[1+i].Name < out[1+j].Name })
	return out
}

type attrKV struct {
	Name  string `json:"Name"`
	Value string `json:"Value"`
}

const userShards = 32

// userStore is a sharded map of users so concurrent requests for different
// users rarely contend.
type userStore struct {
	poolID string
	seed   maphash.Seed
	shards [userShards]struct {
		sync.RWMutex
		m map[string]*user
	}
	mu    sync.Mutex
	order []string // insertion order, for Info, Credentials and ListUsers

	// aliases map an email address or phone number to the username of
	// its user, in pools that sign users in with them (UsernameAttributes).
	aliasMu sync.RWMutex
	aliases map[string]string
}

func newUserStore(poolID string) *userStore {
	s := &userStore{poolID: poolID, seed: maphash.MakeSeed(), aliases: map[string]string{}}
	for i := range s.shards {
		s.shards[i].m = map[string]*user{}
	}
	return s
}

func (s *userStore) shard(name string) int {
	return int(maphash.String(s.seed, name) % userShards)
}

// get returns the user named name, or the one whose sign-in alias it is.
func (s *userStore) get(name string) *user {
	if u := s.byUsername(name); u != nil {
		return u
	}
	s.aliasMu.RLock()
	owner, ok := s.aliases[name]
	s.aliasMu.RUnlock()
	if !ok {
		return nil
	}
	return s.byUsername(owner)
}

func (s *userStore) byUsername(name string) *user {
	sh := &s.shards[s.shard(name)]
	sh.RLock()
	u := sh.m[name]
	sh.RUnlock()
	return u
}

// claimAlias makes alias sign username in; ok is false when a live user
// other than username holds it.
func (s *userStore) claimAlias(alias, username string) bool {
	s.aliasMu.Lock()
	defer s.aliasMu.Unlock()
	if owner, held := s.aliases[alias]; held && owner != username {
		if u := s.byUsername(owner); u != nil && !u.state().deleted {
			return false
		}
	}
	s.aliases[alias] = username
	return true
}

// dropAlias frees alias if username holds it.
func (s *userStore) dropAlias(alias, username string) {
	s.aliasMu.Lock()
	if s.aliases[alias] == username {
		delete(s.aliases, alias)
	}
	s.aliasMu.Unlock()
}

// put adds u; ok is false when the username is taken by a live user.
func (s *userStore) put(u *user) bool {
	// Before u is shared: callers may still rename it until here (an
	// alias pool's AdminCreateUser names the user by its sub).
	u.quotaKey = s.poolID + "/" + u.username
	sh := &s.shards[s.shard(u.username)]
	sh.Lock()
	if old := sh.m[u.username]; old != nil && !old.state().deleted {
		sh.Unlock()
		return false
	}
	_, existed := sh.m[u.username]
	sh.m[u.username] = u
	sh.Unlock()
	if !existed {
		s.mu.Lock()
		s.order = append(s.order, u.username)
		s.mu.Unlock()
	}
	return true
}

// all returns live users in insertion order.
func (s *userStore) all() []*user {
	s.mu.Lock()
	names := append([]string(nil), s.order...)
	s.mu.Unlock()
	out := make([]*user, 0, len(names))
	for _, n := range names {
		if u := s.byUsername(n); u != nil && !u.state().deleted {
			out = append(out, u)
		}
	}
	return out
}

// client is an app client of a pool.
type client struct {
	id, name string
	// explicitFlows are the flows as configured, in order; flows is the
	// lookup form.
	explicitFlows   []string
	flows           map[string]bool
	created         time.Time
	accessValidity  time.Duration
	idValidity      time.Duration
	refreshValidity time.Duration
	deleted         atomic.Bool
}

func (c *client) allows(flow string) bool {
	return c.flows["ALLOW_"+flow] || c.flows[flow]
}

// pool is one user pool with its keys, clients and users.
type pool struct {
	id, name, region, issuer string
	accessKey, idKey         *signingKey
	created                  time.Time
	deleted                  atomic.Bool
	// emailDeveloper and the rest of the delivery settings come from the
	// pool's configuration.
	cfg *Config
	// triggerLat is cfg.CustomMessageTrigger.Latency as a distribution,
	// built once: a quantile table costs an allocation to build, and the
	// trigger waits it out on every GUAVC request.
	triggerLat latency.Dist

	mu      sync.RWMutex
	clients map[string]*client
	corder  []string
	users   *userStore
}

func (p *pool) client(id string) *client {
	p.mu.RLock()
	c := p.clients[id]
	p.mu.RUnlock()
	return c
}

func (p *pool) addClient(c *client) {
	p.mu.Lock()
	p.clients[c.id] = c
	p.corder = append(p.corder, c.id)
	p.mu.Unlock()
}

// firstClient is the pool's first live client (the one Info names).
func (p *pool) firstClient() *client {
	p.mu.RLock()
	defer p.mu.RUnlock()
	for _, id := range p.corder {
		if c := p.clients[id]; !c.deleted.Load() {
			return c
		}
	}
	return nil
}

// keyRef says which pool a key belongs to and what it signs.
type keyRef struct {
	pool *pool
	key  *signingKey
	id   bool // signs ID tokens
}

// keyByKid returns the public key of one of the pool's kids (tests and
// JWKS consumers).
func (p *pool) keyByKid(kid string) any {
	switch kid {
	case p.accessKey.kid:
		return p.accessKey.pub
	case p.idKey.kid:
		return p.idKey.pub
	}
	return nil
}
