package scenarios

import (
	"fmt"
	"math"
	"os"
	"strings"

	"github.com/cogload/cogload/cognito"
	"github.com/cogload/cogload/domain"
	"github.com/cogload/cogload/internal/input"
)

var (
	tokenKinds = []string{string(KindValid), string(KindRevoked), string(KindTampered), string(KindGarbage), string(KindIDToken), string(KindExpired)}
	checkouts  = []string{string(CheckoutSequential), string(CheckoutRandom), string(CheckoutExclusive)}
)

func (c *compiler) weight(path string, w *float64) float64 {
	if w == nil {
		return 1
	}
	if !positive(*w) {
		c.failf(path, "weights are relative shares: give a number > 0, or remove the entry", "weight must be > 0, got %v", *w)
		return 1
	}
	return *w
}

func (c *compiler) name(path, name, what string, seen map[string]bool) bool {
	switch {
	case name == "":
		c.fail(path, what+" name is required", "add name: ...")
		return false
	case domain.HasToken(name):
		c.failf(path, "names appear in reports and archives: give the "+what+" a name, not a credential", "the %s name looks like a token", what)
		return false
	case what != "attribute" && !usableName(name):
		c.failf(path, "use letters, digits and - _ . : + (names appear in reports and threshold filters)", "%q is not a usable %s name", shownName(name), what)
		return false
	case seen[name]:
		c.failf(path, "give each "+what+" a distinct name", "duplicate %s name %q", what, name)
		return false
	}
	seen[name] = true
	return true
}

func (c *compiler) pools() {
	if len(c.s.TokenPools) == 0 {
		c.fail("$.tokenPools", "at least one token pool is required", "add tokenPools: [{name: valid, kind: valid}]")
		return
	}
	seen := map[string]bool{}
	for i, ps := range c.s.TokenPools {
		at := fmt.Sprintf("$.tokenPools[%d]", i)
		c.name(at+".name", ps.Name, "token pool", seen)
		tp := TokenPool{Name: ps.Name, Weight: c.weight(at+".weight", ps.Weight), Kind: KindValid, Checkout: CheckoutRandom}
		if ps.Kind != "" {
			tp.Kind = TokenKind(ps.Kind)
			if !contains(tokenKinds, ps.Kind) {
				c.failf(at+".kind", input.OneOf(ps.Kind, tokenKinds), "unknown token kind %q", ps.Kind)
			}
		}
		if ps.Checkout != "" {
			tp.Checkout = Checkout(ps.Checkout)
			if !contains(checkouts, ps.Checkout) {
				c.failf(at+".checkout", input.OneOf(ps.Checkout, checkouts), "unknown checkout %q", ps.Checkout)
			}
		}
		src, kept := c.poolSource(at, ps, tp.Kind)
		if !kept {
			c.plan.Warnings = append(c.plan.Warnings, fmt.Sprintf("token pool %s left out: %s tokens can only be minted by the mock; give the pool a file, env or exec source to send them to an endpoint", ps.Name, tp.Kind))
			continue
		}
		tp.Source = src
		if ps.Size != nil {
			if *ps.Size < 1 || *ps.Size > maxPoolSize {
				c.failf(at+".size", "give how many tokens to prepare, at least 1", "size must be between 1 and %d, got %d", maxPoolSize, *ps.Size)
			}
			tp.Size = *ps.Size
		}
		c.poolSpec = append(c.poolSpec, i)
		c.plan.TokenPools = append(c.plan.TokenPools, tp)
	}
	if len(c.plan.TokenPools) == 0 {
		c.fail("$.tokenPools", "no token pool is left to send to the endpoint", "give the pools a file, env or exec source")
	}
}

// poolSource is a pool's token source: the scenario's, or, when the plan
// is sent to an endpoint from the command line (EndpointOverride), the
// users file for every pool that would mint from the mock's users. Such
// an expired pool is left out (kept is false): only the mock mints
// expired tokens.
func (c *compiler) poolSource(at string, ps PoolSpec, kind TokenKind) (src TokenSource, kept bool) {
	o := c.opts.Endpoint
	fromMock := ps.Source == nil || ps.Source.Mint != nil && ps.Source.Mint.Users == "" && ps.Source.File == "" && ps.Source.Env == "" && ps.Source.Exec == nil && ps.Source.Inline == nil
	if o == nil || kind == KindGarbage || !fromMock {
		return c.source(at, ps, kind), true
	}
	if kind == KindExpired {
		return TokenSource{}, false
	}
	if o.Users == "" {
		c.flagError("--users", fmt.Sprintf("token pool %s mints tokens from users, and the endpoint's users are unknown", ps.Name),
			"give --users users.csv (cogload users create writes one)")
	}
	if c.plan.Target.ClientID == "" {
		c.flagError("--client-id", fmt.Sprintf("token pool %s mints tokens, which needs the app client id", ps.Name), "give --client-id")
	}
	return TokenSource{Kind: SourceMint, Path: o.Users}, true
}

func (c *compiler) source(at string, ps PoolSpec, kind TokenKind) TokenSource {
	src := ps.Source
	at += ".source"
	if src == nil {
		switch {
		case kind == KindGarbage:
			return TokenSource{Kind: SourceNone}
		case c.plan.Target.Mock:
			return TokenSource{Kind: SourceMint}
		}
		c.fail(at, "an endpoint target needs a token source for "+string(kind)+" tokens", "add source: {mint: {users: users.csv}}, {file: tokens.txt}, {env: VAR}, {exec: [cmd, args]} or {inline: [...]}")
		return TokenSource{}
	}
	var set []string
	if src.Mint != nil {
		set = append(set, "mint")
	}
	if src.File != "" {
		set = append(set, "file")
	}
	if src.Env != "" {
		set = append(set, "env")
	}
	if src.Exec != nil {
		set = append(set, "exec")
	}
	if src.Inline != nil {
		set = append(set, "inline")
	}
	if kind == KindGarbage {
		c.fail(at, "garbage tokens are generated, they take no source", "remove source")
		return TokenSource{Kind: SourceNone}
	}
	switch len(set) {
	case 0:
		c.fail(at, "the source names nothing", "give one of mint: {}, file: PATH, env: VAR, exec: [cmd, args], inline: [tokens]")
		return TokenSource{}
	case 1:
	default:
		c.failf(at+"."+set[1], "keep one of them", "a pool has one source, got %s", strings.Join(set, " and "))
		return TokenSource{}
	}
	switch set[0] {
	case "mint":
		ts := TokenSource{Kind: SourceMint}
		if src.Mint.Users != "" {
			ts.Path = c.relPath(src.Mint.Users)
			c.exists(at+".mint.users", ts.Path, "users file")
		} else if !c.plan.Target.Mock {
			c.fail(at+".mint", "mint: {} uses the mock's own users; an endpoint needs a users file", "write mint: {users: users.csv} (username,password per line)")
		}
		if !c.plan.Target.Mock && c.plan.Target.ClientID == "" {
			c.fail("$.target.endpoint", "minting tokens needs the app client id", "add clientId: to target.endpoint")
		}
		return ts
	case "file":
		ts := TokenSource{Kind: SourceFile, Path: c.relPath(src.File)}
		c.exists(at+".file", ts.Path, "token file")
		return ts
	case "env":
		if !envPattern.MatchString(src.Env) {
			c.failf(at+".env", "give the variable's name, e.g. COGLOAD_TOKENS, not its value", "%q is not an environment variable name", redactIfLong(src.Env))
		}
		return TokenSource{Kind: SourceEnv, Env: src.Env}
	case "exec":
		if len(src.Exec) == 0 || src.Exec[0] == "" {
			c.fail(at+".exec", "exec needs a command", "write exec: [command, arg1, arg2]")
		}
		return TokenSource{Kind: SourceExec, Command: append([]string(nil), src.Exec...)}
	default:
		if len(src.Inline) == 0 {
			c.fail(at+".inline", "the inline list is empty", "list at least one token, or use another source")
		}
		for j, tok := range src.Inline {
			// Never echo the token: it may be a real credential.
			if !cognito.ValidAccessTokenSyntax(tok) {
				c.failf(fmt.Sprintf("%s.inline[%d]", at, j), "tokens are JWTs: letters, digits and - _ = . only", "inline token #%d does not look like a token", j+1)
			}
		}
		return TokenSource{Kind: SourceInline, Inline: append([]string(nil), src.Inline...)}
	}
}

// redactIfLong keeps a mistaken value out of messages when it might be a
// secret pasted where a name belongs.
func redactIfLong(s string) string {
	if len(s) > 24 {
		return s[:4] + "…"
	}
	return s
}

func (c *compiler) exists(path, file, what string) {
	if _, err := os.Stat(file); err != nil {
		c.failf(path, "paths are relative to the scenario file", "%s %s: %s", what, file, input.ErrText(err))
	}
}

func (c *compiler) attributes() {
	specs := c.s.Attributes
	if len(specs) == 0 {
		specs = []AttributeSpec{{Name: cognito.AttributeEmail}}
	}
	seen := map[string]bool{}
	for i, a := range specs {
		at := fmt.Sprintf("$.attributes[%d]", i)
		c.name(at+".name", a.Name, "attribute", seen)
		c.plan.Attributes = append(c.plan.Attributes, Attribute{Name: a.Name, Weight: c.weight(at+".weight", a.Weight)})
	}
}

func (c *compiler) metadata() {
	specs := c.s.Metadata
	if len(specs) == 0 {
		specs = []MetadataSpec{{Name: "absent", Absent: true}}
	}
	seen := map[string]bool{}
	seed := c.seed()
	for i, m := range specs {
		at := fmt.Sprintf("$.metadata[%d]", i)
		c.name(at+".name", m.Name, "metadata", seen)
		mv := MetadataVariant{Name: m.Name, Weight: c.weight(at+".weight", m.Weight)}
		var set []string
		if m.Absent {
			set = append(set, "absent")
		}
		if m.Values != nil {
			set = append(set, "values")
		}
		if m.Generate != nil {
			set = append(set, "generate")
		}
		switch {
		case len(set) == 0:
			c.fail(at, "a metadata variant needs one of absent: true, values: {...} or generate: {...}", "values: {} sends an empty map; absent: true leaves ClientMetadata out")
		case len(set) > 1:
			c.failf(at+"."+set[1], "keep one of them", "a metadata variant is one of absent, values and generate, got %s", strings.Join(set, " and "))
		case m.Absent:
			mv.Absent = true
		case m.Values != nil:
			mv.Values = make(map[string]string, len(m.Values))
			for k, v := range m.Values {
				mv.Values[k] = v
			}
		default:
			g := *m.Generate
			if g.Keys < 1 || g.Keys > maxGenKeys {
				c.failf(at+".generate.keys", "give how many entries to generate", "keys must be between 1 and %d, got %d", maxGenKeys, g.Keys)
				break
			}
			if g.KeySize == 0 {
				g.KeySize = defaultKeySize
			}
			if g.KeySize < 1 || g.KeySize > 128 {
				c.failf(at+".generate.keySize", "keys are at most 128 characters here", "keySize must be between 1 and 128, got %d", g.KeySize)
				break
			}
			if g.ValueSize < 0 || g.ValueSize > maxGenValue {
				c.failf(at+".generate.valueSize", "the service's limit is 131072 characters per value", "valueSize must be between 0 and %d, got %d", maxGenValue, g.ValueSize)
				break
			}
			if g.Keys*(g.KeySize+g.ValueSize) > maxGenTotal {
				c.failf(at+".generate", "use fewer keys or smaller values", "generated metadata would be %d characters, more than the %d a variant may have", g.Keys*(g.KeySize+g.ValueSize), maxGenTotal)
				break
			}
			mv.Values = generateMetadata(seed, m.Name, g)
		}
		c.plan.Metadata = append(c.plan.Metadata, mv)
	}
}

func (c *compiler) seed() int64 {
	switch {
	case c.opts.Seed != nil:
		return *c.opts.Seed
	case c.s.Load != nil && c.s.Load.Seed != nil:
		return *c.s.Load.Seed
	}
	return DefaultSeed
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func normalise(ws []float64) []float64 {
	var sum float64
	for _, w := range ws {
		sum += w
	}
	out := make([]float64, len(ws))
	for i, w := range ws {
		if sum > 0 && !math.IsInf(sum, 0) {
			out[i] = w / sum
		}
	}
	return out
}
