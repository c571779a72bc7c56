// Package tokens fills a plan's token pools before the attack (vegeta counts
// the targeter's time as latency, so nothing is fetched during the run) and
// keeps minted tokens fresh in long runs. No token or password ever appears
// in an error or a log line of this package.
package tokens

import (
	"context"

	"fmt"
	"net/http"
	"time"

	"github.com/cogload/cogload/domain"
	"github.com/cogload/cogload/internal/jws"
	"github.com/cogload/cogload/mock/sidedoor"
	"github.com/cogload/cogload/scenarios"
)

// Env is what Fill needs beyond the plan.
type Env struct {
	// Endpoint is the base URL of the service (the mock's httptest URL, or
	// empty to let the SDK derive it from Region).
	Endpoint   string
	Region     string
	UserPoolID string
	ClientID   string
	// MockAdmin says the endpoint is the mock and its /_mock/ side doors
	// can be used (expired tokens).
	MockAdmin bool
	// Users are the mock's users, used by mint sources without a path.
	Users      []domain.Credential
	HTTPClient *http.Client
	// Concurrency bounds parallel logins (default 8).
	Concurrency int
	Now         func() time.Time
	Logf        func(format string, args ...any)
	Getenv      func(string) string
	// Dir is the working directory of exec sources (the scenario's
	// directory). The plan's file paths are already resolved against it
	// when the scenario is compiled, so they are used as they are.
	Dir string
	// Shard is the part of a sharded run this process plays: the tokens
	// of inline, file, env and exec sources and the users of users files
	// are dealt out among the shards (Shard.Owns), so each token and each
	// user serves one shard only. The mock's users (Users) come already
	// dealt out.
	Shard scenarios.Shard
	// ExecTimeout bounds an exec source (default ExecTimeout).
	ExecTimeout time.Duration
}

func (e *Env) defaults() {
	if e.Region == "" {
		e.Region = "us-east-1"
	}
	if e.HTTPClient == nil {
		e.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	if e.Concurrency <= 0 {
		e.Concurrency = 8
	}
	if e.Now == nil {
		e.Now = time.Now
	}
	if e.Logf == nil {
		e.Logf = func(string, ...any) {}
	}
	if e.Getenv == nil {
		e.Getenv = func(string) string { return "" } // no environment unless injected
	}
}

// tokensNeeded is implemented by plans that compute each pool's need from
// the load (exclusive pools need one token per request).
type tokensNeeded interface{ TokensNeeded() []int }

// Needs returns how many tokens each pool of plan needs.
func Needs(plan *scenarios.Plan) []int {
	out := make([]int, len(plan.TokenPools))
	var tn []int
	if p, ok := any(plan).(tokensNeeded); ok {
		tn = p.TokensNeeded()
	}
	for i, tp := range plan.TokenPools {
		n := tp.Size
		if i < len(tn) && tn[i] > 0 {
			n = tn[i]
		}
		out[i] = max(n, 1)
	}
	return out
}

// needsLogin reports whether a pool is obtained by logging users in.
func needsLogin(tp scenarios.TokenPool, mockAdmin bool) bool {
	if tp.Source.Kind != scenarios.SourceMint && tp.Source.Kind != scenarios.SourceNone && tp.Source.Kind != "" {
		return false
	}
	switch tp.Kind {
	case scenarios.KindGarbage:
		return false
	case scenarios.KindExpired:
		return mockAdmin
	}
	return true
}

// Fill obtains every pool's tokens: static sources are read, minted pools
// log users in (in parallel, bounded by Env.Concurrency), and the derived
// kinds are built from them.
func Fill(ctx context.Context, plan *scenarios.Plan, env Env) (*Set, error) {
	env.defaults()
	set := &Set{env: env, pools: make([]*Pool, len(plan.TokenPools))}
	needs := Needs(plan)
	for i, tp := range plan.TokenPools {
		set.pools[i] = NewPool(tp, nil, plan.Seed+int64(i)*7919)
	}

	// Static and generated pools first: they are cheap and fail fast.
	var mint []int
	for i, tp := range plan.TokenPools {
		p := set.pools[i]
		switch {
		case needsLogin(tp, env.MockAdmin):
			mint = append(mint, i)
			continue
		case tp.Kind == scenarios.KindExpired && (tp.Source.Kind == scenarios.SourceMint || tp.Source.Kind == scenarios.SourceNone || tp.Source.Kind == ""):
			return nil, fmt.Errorf("pool %q: expired tokens can only be minted by the mock; against a real endpoint give them with an inline, file, env or exec source", tp.Name)
		case tp.Kind == scenarios.KindGarbage && (tp.Source.Kind == scenarios.SourceNone || tp.Source.Kind == scenarios.SourceMint || tp.Source.Kind == ""):
			toks := Garbage(needs[i], plan.Seed, uint64(i))
			p.store(toks)
		default:
			toks, err := staticTokens(ctx, tp, &env)
			if err == nil {
				toks, err = ownShare(env.Shard, toks, "tokens from "+sourceName(tp.Source.Kind))
			}
			if err != nil {
				return nil, fmt.Errorf("pool %q: %w", tp.Name, err)
			}
			if tp.Kind == scenarios.KindTampered {
				for k, t := range toks {
					toks[k] = jws.TamperSignature(t)
				}
			}
			toks = capStatic(tp, toks)
			if tp.Checkout == scenarios.CheckoutExclusive && len(toks) < needs[i] {
				env.Logf("tokens: pool %q: %d tokens for about %d requests: the pool will run out (exclusive checkout)", tp.Name, len(toks), needs[i])
			}
			p.store(toks)
		}
		env.Logf("tokens: pool %q: %d %s tokens from %s", tp.Name, p.Len(), tp.Kind, sourceName(tp.Source.Kind))
	}
	if len(mint) == 0 {
		return set, nil
	}
	if env.ClientID == "" {
		return nil, fmt.Errorf("pool %q: minting tokens needs the app client id (target client_id)", plan.TokenPools[mint[0]].Name)
	}
	set.cli = newAuthClient(&env)
	if err := set.mint(ctx, plan, mint, needs); err != nil {
		return nil, err
	}
	return set, nil
}

func sourceName(k scenarios.SourceKind) string {
	if k == "" || k == scenarios.SourceNone {
		return "generator"
	}
	return string(k)
}

// job is one login (or side-door token) for one slot of one pool.
type job struct {
	pool, slot int
	cred       domain.Credential
}

// mint fills the login pools: assign users, log in in parallel, sign the
// revoked pools' users out, then derive each pool's tokens.
func (s *Set) mint(ctx context.Context, plan *scenarios.Plan, idx []int, needs []int) error {
	assign, err := s.assignUsers(ctx, plan, idx, needs)
	if err != nil {
		return err
	}
	var jobs []job
	for _, i := range idx {
		users := assign[i]
		for k := range needs[i] {
			jobs = append(jobs, job{pool: i, slot: k, cred: users[k%len(users)]})
		}
	}
	logins := make([][]*login, len(plan.TokenPools))
	direct := make([][]string, len(plan.TokenPools))
	for _, i := range idx {
		logins[i] = make([]*login, needs[i])
		direct[i] = make([]string, needs[i])
	}
	start := s.env.Now()
	err = parallel(ctx, len(jobs), s.env.Concurrency, func(ctx context.Context, j int) error {
		jb := jobs[j]
		tp := plan.TokenPools[jb.pool]
		if tp.Kind == scenarios.KindExpired {
			t, err := s.cli.mockToken(ctx, jb.cred.Username, sidedoor.KindExpired)
			if err != nil {
				return fmt.Errorf("pool %q: %w", tp.Name, err)
			}
			direct[jb.pool][jb.slot] = t
			return nil
		}
		l, err := s.cli.login(ctx, jb.cred)
		if err != nil {
			return fmt.Errorf("pool %q: %w", tp.Name, err)
		}
		if tp.Kind == scenarios.KindIDToken && l.idToken == "" {
			return fmt.Errorf("pool %q: user %s: InitiateAuth returned no ID token", tp.Name, jb.cred.Username)
		}
		logins[jb.pool][jb.slot] = l
		return nil
	})
	if err != nil {
		return err
	}

	// GlobalSignOut revokes all of a user's tokens, so one call per user of
	// a revoked pool, after all of that user's logins.
	type signout struct {
		pool int
		l    *login
	}
	var outs []signout
	for _, i := range idx {
		if plan.TokenPools[i].Kind != scenarios.KindRevoked {
			continue
		}
		seen := map[string]bool{}
		for _, l := range logins[i] {
			if !seen[l.username] {
				seen[l.username] = true
				outs = append(outs, signout{i, l})
			}
		}
	}
	err = parallel(ctx, len(outs), s.env.Concurrency, func(ctx context.Context, j int) error {
		o := outs[j]
		if err := s.cli.signOut(ctx, o.l.username, o.l.accessToken); err != nil {
			return fmt.Errorf("pool %q: %w", plan.TokenPools[o.pool].Name, err)
		}
		return nil
	})
	if err != nil {
		return err
	}

	for _, i := range idx {
		tp := plan.TokenPools[i]
		p := s.pools[i]
		if tp.Kind == scenarios.KindExpired {
			toks := direct[i]
			p.store(toks)
		} else {
			p.derive = deriveFor(tp.Kind)
			toks := make([]string, len(logins[i]))
			for k, l := range logins[i] {
				toks[k] = p.derive(l)
			}
			p.store(toks)
			if tp.Kind != scenarios.KindRevoked {
				p.logins = logins[i] // revoked tokens are never refreshed
			}
		}
		s.env.Logf("tokens: pool %q: %d %s tokens minted for %d users", tp.Name, p.Len(), tp.Kind, len(assign[i]))
	}
	s.env.Logf("tokens: %d logins, %d sign-outs in %s", len(jobs), len(outs), s.env.Now().Sub(start).Round(time.Millisecond))
	return nil
}

func deriveFor(k scenarios.TokenKind) func(*login) string {
	switch k {
	case scenarios.KindIDToken:
		return func(l *login) string { return l.idToken }
	case scenarios.KindTampered:
		return func(l *login) string { return jws.TamperSignature(l.accessToken) }
	default:
		return func(l *login) string { return l.accessToken }
	}
}

// assignUsers gives every login pool its users. Pools drawing on the same
// users (the mock's, or one users file) are partitioned deterministically:
// revoked pools get users of their own, because GlobalSignOut would revoke
// the tokens of any other pool sharing the user. When there are enough
// users every token gets its own; otherwise the non-revoked pools share the
// rest and users log in several times.
func (s *Set) assignUsers(ctx context.Context, plan *scenarios.Plan, idx []int, needs []int) (map[int][]domain.Credential, error) {
	groups := map[string][]int{}
	var order []string
	for _, i := range idx {
		key := plan.TokenPools[i].Source.Path
		if _, ok := groups[key]; !ok {
			order = append(order, key)
		}
		groups[key] = append(groups[key], i)
	}
	assign := map[int][]domain.Credential{}
	for _, key := range order {
		users := s.env.Users
		where := "the mock's users"
		if key != "" {
			var err error
			users, err = LoadUsers(ctx, key)
			if err == nil {
				users, err = ownShare(s.env.Shard, users, "users in "+key)
			}
			if err != nil {
				return nil, fmt.Errorf("pool %q: %w", plan.TokenPools[groups[key][0]].Name, err)
			}
			where = "users file " + key
			s.loaded = append(s.loaded, users...)
		}
		pools := groups[key]
		if len(users) == 0 {
			return nil, fmt.Errorf("pool %q: no users to mint tokens with: give a users file (source path) or target the mock", plan.TokenPools[pools[0]].Name)
		}
		var revoked, other []int
		total := 0
		for _, i := range pools {
			total += needs[i]
			if plan.TokenPools[i].Kind == scenarios.KindRevoked {
				revoked = append(revoked, i)
			} else {
				other = append(other, i)
			}
		}
		if len(users) >= total {
			off := 0
			for _, i := range pools {
				assign[i] = users[off : off+needs[i]]
				off += needs[i]
			}
			continue
		}
		minUsers := len(revoked)
		if len(other) > 0 {
			minUsers++
		}
		if len(users) < minUsers {
			return nil, fmt.Errorf("not enough users in %s: %d users for %d revoked pools (each needs users of its own, since GlobalSignOut revokes all of a user's tokens) and %d other pools: add users or drop a revoked pool", where, len(users), len(revoked), len(other))
		}
		// Revoked pools take users from the end, in proportion to their
		// need, keeping at least one user for the others.
		end := len(users)
		for k, i := range revoked {
			share := max(1, len(users)*needs[i]/total)
			leftFor := len(revoked) - k - 1
			if len(other) > 0 {
				leftFor++
			}
			share = min(share, end-leftFor)
			assign[i] = users[end-share : end]
			end -= share
		}
		shared := users[:end]
		off := 0
		for _, i := range other {
			n := min(needs[i], len(shared))
			u := make([]domain.Credential, n)
			for k := range u {
				u[k] = shared[(off+k)%len(shared)]
			}
			off += n
			assign[i] = u
		}
		s.env.Logf("tokens: %s: %d users for %d tokens: users log in several times", where, len(users), total)
	}
	return assign, nil
}

// ownShare keeps the items of a list every shard reads that belong to
// this shard, and refuses a share that is empty: the shard could not send.
func ownShare[T any](sh scenarios.Shard, items []T, what string) ([]T, error) {
	if !sh.Sharded() {
		return items, nil
	}
	var out []T
	for i, it := range items {
		if sh.Owns(i) {
			out = append(out, it)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%d %s for %d shards: shard %s gets none (each token and user goes to one shard): give at least one per shard, or run fewer shards", len(items), what, sh.Count, sh)
	}
	return out, nil
}
