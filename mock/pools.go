package mock

import (
	"fmt"
	"hash/fnv"
	"maps"
	"math/rand/v2"
	"strings"

	"github.com/cogload/cogload/cognito"
)

// withDefaults returns a copy of c with every default of the real service
// filled in.
func (c *Config) withDefaults() *Config {
	d := *c
	if d.Name == "" {
		d.Name = "default"
	}
	if d.Region == "" {
		d.Region = DefaultRegion
	}
	d.Clients = append([]ClientConfig(nil), c.Clients...)
	if len(d.Clients) == 0 {
		d.Clients = []ClientConfig{{Name: "cogload"}}
	}
	for i := range d.Clients {
		cl := &d.Clients[i]
		if cl.Name == "" {
			cl.Name = fmt.Sprintf("client%d", i+1)
		}
		if len(cl.ExplicitAuthFlows) == 0 {
			cl.ExplicitAuthFlows = []string{"ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}
		}
		if cl.AccessTokenValidity == 0 {
			cl.AccessTokenValidity = DefaultTokenValidity
		}
		if cl.IDTokenValidity == 0 {
			cl.IDTokenValidity = DefaultTokenValidity
		}
		if cl.RefreshTokenValidity == 0 {
			cl.RefreshTokenValidity = DefaultRefreshValidity
		}
	}
	e := &d.Delivery.Email
	if e.SendingAccount == "" {
		e.SendingAccount = SendingCognitoDefault
	}
	if e.DailyLimit == nil {
		e.DailyLimit = ptr(cognito.DefaultEmailsPerDay)
	}
	if d.Delivery.SMS.Enabled == nil {
		d.Delivery.SMS.Enabled = ptr(true)
	}
	if d.CustomMessageTrigger.Capture == nil {
		d.CustomMessageTrigger.Capture = ptr(true)
	}
	q := &d.Quotas
	if q.Category == "" {
		q.Category = DefaultCategory
	}
	if q.RPS == nil {
		q.RPS = ptr(cognito.CategoryRPS[q.Category])
	}
	if q.Burst == nil || *q.Burst == 0 {
		q.Burst = ptr(int(*q.RPS + 0.999))
	}
	if q.PerUserRPS == nil {
		q.PerUserRPS = ptr(float64(cognito.PerUserRPS))
	}
	if q.CodesPerUserPerHour == nil {
		q.CodesPerUserPerHour = ptr(cognito.CodesPerUserHour)
	}
	if q.Window == "" {
		q.Window = "sliding"
	}
	if q.CodeLimitCounts == "" {
		q.CodeLimitCounts = CountRequests
	}
	if q.VerifyPerUserPerHour == nil {
		q.VerifyPerUserPerHour = ptr(DefaultVerifyPerUserHour)
	}
	if d.OutboxSize == 0 {
		d.OutboxSize = DefaultOutboxSize
	}
	return &d
}

func ptr[T any](v T) *T { return &v }

// hashString derives stable identifiers from the seed and a label.
func hashString(seed int64, label string) uint64 {
	h := fnv.New64a()
	fmt.Fprintf(h, "%d/%s", seed, label)
	return h.Sum64()
}

const idAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

func stableID(r *rand.Rand, n int, alphabet string) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[r.IntN(len(alphabet))]
	}
	return string(b)
}

// addPool creates a pool from a defaulted configuration and registers its
// keys.
func (s *Server) addPool(c *Config) (*pool, error) {
	s.poolMu.Lock()
	idx := s.npools
	s.npools++
	s.poolMu.Unlock()
	keys, err := generateKeys(fmt.Sprintf("pool%d/access", idx), fmt.Sprintf("pool%d/id", idx))
	if err != nil {
		return nil, err
	}
	r := rand.New(rand.NewPCG(uint64(s.opts.seed), hashString(s.opts.seed, fmt.Sprintf("pool%d/%s", idx, c.Name))))
	id := c.UserPoolID
	if id == "" {
		id = c.Region + "_" + stableID(r, 9, idAlphabet)
	}
	if s.poolByID(id) != nil {
		return nil, fmt.Errorf("user pool %s already exists", id)
	}
	region, _, _ := strings.Cut(id, "_")
	p := &pool{
		id: id, name: c.Name, region: region,
		issuer:    cognito.Issuer(region, id),
		accessKey: keys[0], idKey: keys[1],
		created: s.now(), cfg: c, triggerLat: latencyModel(c.CustomMessageTrigger.Latency),
		clients: map[string]*client{},
		users:   newUserStore(id),
	}
	for _, cc := range c.Clients {
		cid := cc.ID
		if cid == "" {
			cid = stableID(r, 26, "abcdefghijklmnopqrstuvwxyz0123456789")
		}
		p.addClient(newClient(cid, cc))
	}
	if err := s.populate(p, c.Users, r); err != nil {
		return nil, err
	}
	if err := p.claimAliases(); err != nil {
		return nil, err
	}
	s.poolMu.Lock()
	defer s.poolMu.Unlock()
	pools := maps.Clone(*s.pools.Load())
	pools[id] = p
	s.pools.Store(&pools)
	ks, hs := maps.Clone(*s.keys.Load()), maps.Clone(*s.headers.Load())
	for _, ref := range []keyRef{{pool: p, key: p.accessKey}, {pool: p, key: p.idKey, id: true}} {
		ks[ref.key.kid] = ref
		hs[ref.key.header] = ref
	}
	s.keys.Store(&ks)
	s.headers.Store(&hs)
	return p, nil
}

func newClient(id string, cc ClientConfig) *client {
	cl := &client{id: id, name: cc.Name, explicitFlows: cc.ExplicitAuthFlows, flows: map[string]bool{},
		accessValidity: cc.AccessTokenValidity, idValidity: cc.IDTokenValidity, refreshValidity: cc.RefreshTokenValidity}
	for _, f := range cc.ExplicitAuthFlows {
		cl.flows[f] = true
	}
	if cl.flows["ADMIN_NO_SRP_AUTH"] {
		cl.flows["ALLOW_ADMIN_USER_PASSWORD_AUTH"] = true
	}
	return cl
}

// populate adds listed and generated users. Generation draws every share
// from r so the population depends only on the seed.
func (s *Server) populate(p *pool, uc UsersConfig, r *rand.Rand) error {
	now := s.now()
	for _, lu := range uc.List {
		u := &user{username: lu.Username, password: lu.Password, status: lu.Status, enabled: true,
			attrs: map[string]string{}, created: now, modified: now}
		u.sub = formatUUID(r.Uint64(), r.Uint64())
		if u.status == "" {
			u.status = StatusConfirmed
		}
		if lu.Enabled != nil {
			u.enabled = *lu.Enabled
		}
		if u.password == "" {
			u.password = DefaultPassword
		}
		maps.Copy(u.attrs, lu.Attributes)
		if lu.Email != "" {
			u.attrs["email"] = lu.Email
			if _, ok := u.attrs["email_verified"]; !ok {
				u.attrs["email_verified"] = "false"
			}
		}
		if lu.PhoneNumber != "" {
			u.attrs["phone_number"] = lu.PhoneNumber
			if _, ok := u.attrs["phone_number_verified"]; !ok {
				u.attrs["phone_number_verified"] = "false"
			}
		}
		if !p.users.put(u) {
			return fmt.Errorf("duplicate username %q", lu.Username)
		}
	}
	g := uc.Generate
	if g == nil || g.Count == 0 {
		return nil
	}
	pattern, password, domain := g.UsernamePattern, g.Password, g.EmailDomain
	if pattern == "" {
		pattern = DefaultUsernamePattern
	}
	if password == "" {
		password = DefaultPassword
	}
	if domain == "" {
		domain = "example.com"
	}
	for i := 1; i <= g.Count; i++ {
		name := fmt.Sprintf(pattern, i)
		u := &user{username: name, password: password, status: StatusConfirmed, enabled: true,
			attrs: make(map[string]string, 4), created: now, modified: now}
		u.sub = formatUUID(r.Uint64(), r.Uint64())
		// The first user is always a confirmed, enabled user with an email
		// address, so scripts reading Info have one that works.
		first := i == 1
		verified := r.Float64() < g.VerifiedShare
		if first || r.Float64() >= g.NoEmailShare {
			u.attrs["email"] = name + "@" + domain
			u.attrs["email_verified"] = fmt.Sprint(verified)
		}
		if r.Float64() < g.PhoneShare {
			u.attrs["phone_number"] = fmt.Sprintf("+1555%07d", i%10_000_000)
			u.attrs["phone_number_verified"] = fmt.Sprint(verified)
		}
		st := r.Float64()
		switch {
		case first:
		case st < g.UnconfirmedShare:
			u.status = StatusUnconfirmed
		case st < g.UnconfirmedShare+g.ResetRequiredShare:
			u.status = StatusResetRequired
		}
		if !first && r.Float64() < g.DisabledShare {
			u.enabled = false
		}
		if !p.users.put(u) {
			return fmt.Errorf("generated username %q collides with a listed user", name)
		}
	}
	return nil
}
