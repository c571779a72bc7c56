package attack

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/cogload/cogload/cognito"
	"github.com/cogload/cogload/scenarios"
	"github.com/cogload/cogload/tokens"
)

// fragment tags a request's variant in its URL. Go never sends the
// fragment, and vegeta keeps the URL in the Result.
const fragment = "/#v="

const bodyPrefix = `{"AccessToken":"`

// requestHeader is shared read-only by every target: Target.Request copies
// it, and building a map per hit would count as latency.
var requestHeader = http.Header{
	"Content-Type": {cognito.ContentType},
	"X-Amz-Target": {cognito.Target(cognito.OpGetUserAttributeVerificationCode)},
}

type tvariant struct {
	pool int
	url  string
	// rest is everything after the token: `","AttributeName":"email"`,
	// the metadata member (if any) and the closing brace.
	rest []byte
}

type tpool struct {
	pool *tokens.Pool
	seq  atomic.Uint64
}

// Targeter writes GetUserAttributeVerificationCode requests: it picks a
// variant per hit by the plan's seeded weights, takes a token from the
// variant's pool and assembles the body from pre-encoded fragments. It is
// safe for concurrent use and allocates only the body.
type Targeter struct {
	variants []tvariant
	pools    []*tpool
	// Vose alias table over variant weights.
	thresh []uint32
	alias  []int32
	seed   uint64
	seq    atomic.Uint64
}

// NewTargeter prepares the plan's variants against endpoint (a base URL
// such as http://127.0.0.1:9229).
func NewTargeter(plan *scenarios.Plan, set *tokens.Set, endpoint string) (*Targeter, error) {
	if len(plan.Variants) == 0 {
		return nil, fmt.Errorf("plan %q has no variants", plan.Name)
	}
	base, err := baseURL(endpoint)
	if err != nil {
		return nil, err
	}
	t := &Targeter{seed: tokens.SplitMix64(uint64(plan.Seed) ^ 0x7461726765746572)}
	for i := range set.Len() {
		t.pools = append(t.pools, &tpool{pool: set.Pool(i)})
	}
	weights := make([]float64, len(plan.Variants))
	for i, v := range plan.Variants {
		if v.TokenPool < 0 || v.TokenPool >= len(t.pools) {
			return nil, fmt.Errorf("variant %d: token pool %d not filled", i, v.TokenPool)
		}
		if v.Attribute < 0 || v.Attribute >= len(plan.Attributes) || v.Metadata < 0 || v.Metadata >= len(plan.Metadata) {
			return nil, fmt.Errorf("variant %d: attribute %d or metadata %d out of range", i, v.Attribute, v.Metadata)
		}
		rest, err := restOfBody(plan.Attributes[v.Attribute].Name, plan.Metadata[v.Metadata])
		if err != nil {
			return nil, fmt.Errorf("variant %d: %w", i, err)
		}
		t.variants = append(t.variants, tvariant{pool: v.TokenPool, url: base + fragment + strconv.Itoa(i), rest: rest})
		weights[i] = max(v.Weight, 0)
	}
	t.thresh, t.alias = aliasTable(weights)
	return t, nil
}

func baseURL(endpoint string) (string, error) {
	u, err := url.Parse(endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("endpoint %q: want an http(s) base URL such as http://127.0.0.1:9229", endpoint)
	}
	if u.Fragment != "" || u.RawQuery != "" {
		return "", fmt.Errorf("endpoint %q: must have no query or fragment", endpoint)
	}
	return strings.TrimRight(endpoint, "/"), nil
}

// restOfBody pre-encodes the request after the token. Absent metadata is
// left out; a non-nil empty map is sent as {} (a different request).
func restOfBody(attr string, md scenarios.MetadataVariant) ([]byte, error) {
	name, err := json.Marshal(attr)
	if err != nil {
		return nil, err
	}
	b := []byte(`","AttributeName":`)
	b = append(b, name...)
	if !md.Absent {
		m := md.Values
		if m == nil {
			m = map[string]string{}
		}
		enc, err := json.Marshal(m) // sorted keys: stable bytes
		if err != nil {
			return nil, err
		}
		b = append(b, `,"ClientMetadata":`...)
		b = append(b, enc...)
	}
	return append(b, '}'), nil
}

// aliasTable builds Vose's alias method over weights (all zero means
// uniform), with thresholds scaled to 32 bits so a pick needs no floats.
func aliasTable(w []float64) ([]uint32, []int32) {
	n := len(w)
	var sum float64
	for _, x := range w {
		sum += x
	}
	p := make([]float64, n)
	for i := range p {
		if sum > 0 {
			p[i] = w[i] * float64(n) / sum
		} else {
			p[i] = 1
		}
	}
	thresh, alias := make([]uint32, n), make([]int32, n)
	var small, large []int
	for i, x := range p {
		alias[i] = int32(i)
		if x < 1 {
			small = append(small, i)
		} else {
			large = append(large, i)
		}
	}
	for len(small) > 0 && len(large) > 0 {
		s, l := small[len(small)-1], large[len(large)-1]
		small = small[:len(small)-1]
		thresh[s] = uint32(p[s] * (1 << 32))
		alias[s] = int32(l)
		p[l] -= 1 - p[s]
		if p[l] < 1 {
			large = large[:len(large)-1]
			small = append(small, l)
		}
	}
	for _, i := range append(small, large...) {
		thresh[i] = 1<<32 - 1 // rounding leftovers keep their own column
		alias[i] = int32(i)
	}
	return thresh, alias
}

// Pick returns the variant of hit seq (attempt 0), a pure function of the
// plan's seed and seq.
func (t *Targeter) Pick(seq uint64) int { return t.pick(seq, 0) }

func (t *Targeter) pick(seq, attempt uint64) int {
	u := tokens.SplitMix64(t.seed ^ tokens.SplitMix64(seq<<8|attempt))
	i := int((u >> 32) * uint64(len(t.thresh)) >> 32)
	if uint32(u) < t.thresh[i] || t.thresh[i] == 1<<32-1 {
		return i
	}
	return int(t.alias[i])
}

func (t *Targeter) token(v int) (tok string, plain, ok bool) {
	p := t.pools[t.variants[v].pool]
	return p.pool.NextJSON(p.seq.Add(1) - 1)
}

// Target fills tgt for the next hit. When the chosen variant's exclusive
// pool is exhausted it draws again, then takes any variant whose pool has
// tokens left, and returns vegeta.ErrNoTargets (ending the attack) when
// none has.
func (t *Targeter) Target(tgt *vegeta.Target) error {
	if tgt == nil {
		return vegeta.ErrNilTarget
	}
	seq := t.seq.Add(1) - 1
	v := t.pick(seq, 0)
	tok, plain, ok := t.token(v)
	for attempt := uint64(1); !ok && attempt < 8; attempt++ {
		v = t.pick(seq, attempt)
		if !t.pools[t.variants[v].pool].pool.Exhausted() {
			tok, plain, ok = t.token(v)
		}
	}
	for k := 1; !ok && k < len(t.variants); k++ {
		v = (v + 1) % len(t.variants)
		if !t.pools[t.variants[v].pool].pool.Exhausted() {
			tok, plain, ok = t.token(v)
		}
	}
	if !ok {
		return vegeta.ErrNoTargets
	}
	tv := &t.variants[v]
	body := make([]byte, 0, len(bodyPrefix)+len(tok)+len(tv.rest)+8)
	body = append(body, bodyPrefix...)
	if plain {
		body = append(body, tok...)
	} else {
		body = appendJSONStringBody(body, tok)
	}
	body = append(body, tv.rest...)
	tgt.Method = http.MethodPost
	tgt.URL = tv.url
	tgt.Body = body
	tgt.Header = requestHeader
	return nil
}

// appendJSONStringBody appends s as the inside of a JSON string, for the
// rare pool (from a file) whose tokens need escaping.
func appendJSONStringBody(b []byte, s string) []byte {
	q, _ := json.Marshal(s)
	return append(b, q[1:len(q)-1]...)
}

// Func returns t as a vegeta.Targeter.
func (t *Targeter) Func() vegeta.Targeter { return t.Target }

// VariantOf returns the variant tagged in a result's URL, or -1.
func VariantOf(u string) int {
	i := strings.LastIndex(u, fragment)
	if i < 0 {
		return -1
	}
	v, err := strconv.Atoi(u[i+len(fragment):])
	if err != nil || v < 0 {
		return -1
	}
	return v
}
