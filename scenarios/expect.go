package scenarios

import (
	"fmt"
	"math"

	"github.com/cogload/cogload/cognito"
	"github.com/cogload/cogload/domain"
	"github.com/cogload/cogload/internal/input"
	"github.com/cogload/cogload/internal/textfmt"
)

// Outcomes lists every outcome name an expectation or a threshold filter
// may use: ok, the Cognito error types, and the transport classes.
func Outcomes() []string {
	out := []string{domain.OutcomeOK}
	for _, e := range cognito.Catalog() {
		out = append(out, e.Name)
	}
	out = append(out, domain.TransportOutcomes()...)
	return out
}

func validOutcome(name string) bool { return contains(Outcomes(), name) }

// FilterOutcomes lists what a threshold's code filter may name: every
// outcome an expectation may, and generator_limit, which no expectation
// can hold (such a request was never sent) but a threshold may judge.
func FilterOutcomes() []string { return append(Outcomes(), domain.OutcomeGeneratorLimit) }

// modelInvalid reports whether the service's model validation refuses a
// request with this attribute and metadata before looking at the token.
func modelInvalid(attribute string, md MetadataVariant) bool {
	in := cognito.GetUserAttributeVerificationCodeInput{AccessToken: "x", AttributeName: attribute}
	if !md.Absent {
		in.ClientMetadata = md.Values
	}
	return cognito.ValidateGUAVC(in, true, true) != nil
}

// DeriveExpectation is the outcome set the real service gives a token kind
// and attribute, following its order of checks: model validation of the
// request, then authentication, then the attribute rules.
func DeriveExpectation(kind TokenKind, attribute string, md MetadataVariant) domain.Expectation {
	switch {
	case modelInvalid(attribute, md):
		return derived(cognito.ErrInvalidParameter)
	case kind != KindValid:
		return derived(cognito.ErrNotAuthorized)
	case !cognito.IsVerifiable(attribute):
		return derived(cognito.ErrInvalidParameter)
	case attribute == cognito.AttributePhoneNumber:
		// Users without a phone number get InvalidParameterException.
		return derived(domain.OutcomeOK, cognito.ErrInvalidParameter)
	}
	return derived(domain.OutcomeOK)
}

func derived(outcomes ...string) domain.Expectation {
	return domain.Expectation{Outcomes: outcomes, Derived: true}
}

func (c *compiler) variants() {
	p := c.plan
	rules := c.expectRules()
	wp := normalise(weights(len(p.TokenPools), func(i int) float64 { return p.TokenPools[i].Weight }))
	wa := normalise(weights(len(p.Attributes), func(i int) float64 { return p.Attributes[i].Weight }))
	wm := normalise(weights(len(p.Metadata), func(i int) float64 { return p.Metadata[i].Weight }))
	for i, tp := range p.TokenPools {
		for j, a := range p.Attributes {
			for k, m := range p.Metadata {
				v := Variant{Index: len(p.Variants), TokenPool: i, Attribute: j, Metadata: k, Weight: wp[i] * wa[j] * wm[k]}
				v.Expect = DeriveExpectation(tp.Kind, a.Name, m)
				for _, r := range rules {
					if r.matches(tp, a, m) {
						v.Expect = domain.Expectation{Outcomes: r.Outcomes}
						break
					}
				}
				p.Variants = append(p.Variants, v)
			}
		}
	}
}

func weights(n int, f func(int) float64) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = f(i)
	}
	return out
}

func (r ExpectRule) matches(tp TokenPool, a Attribute, m MetadataVariant) bool {
	mt := r.Match
	return (mt.TokenPool == "" || mt.TokenPool == tp.Name) &&
		(mt.Kind == "" || mt.Kind == string(tp.Kind)) &&
		(mt.Attribute == "" || mt.Attribute == a.Name) &&
		(mt.Metadata == "" || mt.Metadata == m.Name)
}

// expectRules validates the expect section against the plan's names.
func (c *compiler) expectRules() []ExpectRule {
	p := c.plan
	var out []ExpectRule
	for i, r := range c.s.Expect {
		at := fmt.Sprintf("$.expect[%d]", i)
		ok := true
		check := func(field, v string, names []string, what string) {
			if v != "" && !contains(names, v) {
				c.failf(at+".match."+field, input.OneOf(v, names), "no %s named %q", what, v)
				ok = false
			}
		}
		check("tokenPool", r.Match.TokenPool, poolNames(p), "token pool")
		check("kind", r.Match.Kind, tokenKinds, "token kind")
		check("attribute", r.Match.Attribute, attrNames(p), "attribute")
		check("metadata", r.Match.Metadata, mdNames(p), "metadata variant")
		if len(r.Outcomes) == 0 {
			c.fail(at+".outcomes", "outcomes is required", "list what these requests should get, e.g. [ok, InvalidParameterException]")
			ok = false
		}
		for j, o := range r.Outcomes {
			if !validOutcome(o) {
				c.failf(fmt.Sprintf("%s.outcomes[%d]", at, j), input.OneOf(o, Outcomes()), "unknown outcome %q", o)
				ok = false
			}
		}
		if ok {
			out = append(out, r)
		}
	}
	return out
}

func poolNames(p *Plan) []string {
	var s []string
	for _, v := range p.TokenPools {
		s = append(s, v.Name)
	}
	return s
}

func attrNames(p *Plan) []string {
	var s []string
	for _, v := range p.Attributes {
		s = append(s, v.Name)
	}
	return s
}

func mdNames(p *Plan) []string {
	var s []string
	for _, v := range p.Metadata {
		s = append(s, v.Name)
	}
	return s
}

func stageNames(p *Plan) []string {
	var s []string
	for _, v := range p.Stages {
		s = append(s, v.Name)
	}
	return s
}

// sizePools gives exclusive pools without a size enough tokens for their
// expected share, and refuses an explicit size below it.
func (c *compiler) sizePools() {
	p := c.plan
	need := p.TokensNeeded()
	for i := range p.TokenPools {
		tp := &p.TokenPools[i]
		at := fmt.Sprintf("$.tokenPools[%d]", c.poolSpec[i])
		if tp.Checkout != CheckoutExclusive {
			switch {
			case tp.Size > 0:
			case tp.Source.Kind == SourceInline:
				tp.Size = len(tp.Source.Inline)
			case tp.Source.Static():
				// As many as the file, variable or command holds: unknown
				// until read (tokens.Inspect counts them for validate).
			default:
				tp.Size = DefaultPoolSize
			}
			continue
		}
		mean := int(math.Ceil(min(p.poolRequests(i), maxPoolSize+1)))
		switch {
		case need[i] > maxPoolSize || need[i] < 0:
			c.failf(at+".checkout", "use checkout: random or sequential, or a shorter or slower plan", "an exclusive pool would need about %d tokens, more than %d", mean, maxPoolSize)
		case tp.Size == 0:
			tp.Size = need[i]
		case tp.Size < mean:
			c.failf(at+".size", fmt.Sprintf("make it at least %d, leave size out to size it from the plan, or use checkout: random", need[i]),
				"exclusive pool too small: %d tokens for about %d requests (each token is used once)", tp.Size, mean)
		case tp.Size < need[i]:
			p.Warnings = append(p.Warnings, fmt.Sprintf("token pool %s: %d exclusive tokens for about %d requests; random variant choice may exhaust it (%d recommended)", tp.Name, tp.Size, mean, need[i]))
		}
		if tp.Source.Kind == SourceInline && tp.Size > len(tp.Source.Inline) {
			c.failf(at+".size", "list more tokens or lower size", "size %d is more than the %d inline tokens", tp.Size, len(tp.Source.Inline))
		}
	}
}

func (c *compiler) quota() {
	q := Quota{CategoryRPS: DefaultCategoryRPS, CodesPerUserHour: cognito.CodesPerUserHour, EmailsPerDay: cognito.DefaultEmailsPerDay}
	if t := c.s.Target; t != nil && t.Quota != nil {
		qs := t.Quota
		if qs.CategoryRPS != nil {
			if !positive(*qs.CategoryRPS) {
				c.fail("$.target.quota.categoryRps", "must be > 0", fmt.Sprintf("give the category quota in requests/s (%s by default)", textfmt.Num(DefaultCategoryRPS)))
			}
			q.CategoryRPS = *qs.CategoryRPS
		}
		if qs.CodesPerUserHour != nil {
			if *qs.CodesPerUserHour < 1 {
				c.fail("$.target.quota.codesPerUserHour", "must be at least 1", "the service allows 5 per user per hour")
			}
			q.CodesPerUserHour = *qs.CodesPerUserHour
		}
		if qs.EmailsPerDay != nil {
			if *qs.EmailsPerDay < 0 {
				c.fail("$.target.quota.emailsPerDay", "must not be negative", "0 means no daily email limit")
			}
			q.EmailsPerDay, q.EmailsPerDayAll = *qs.EmailsPerDay, true
		}
		if qs.Users != nil {
			if *qs.Users < 0 {
				c.fail("$.target.quota.users", "must not be negative", "give how many distinct users tokens are minted from, or 0 for one per token")
			}
			q.Users = *qs.Users
		}
	}
	c.plan.Quota = q
}
