package scenarios

import (
	"fmt"
	"slices"

	"github.com/cogload/cogload/cognito"
	"github.com/cogload/cogload/internal/textfmt"
	"github.com/cogload/cogload/mock/evidence"
)

// Reliance is a behaviour of the service, inferred or assumed in the
// mock's fidelity ledger (docs/fidelity.md), that a plan's expectations or
// thresholds depend on: what to confirm on a real pool before trusting the
// verdict.
type Reliance struct {
	// ID names the behaviour in docs/fidelity.md.
	ID    string         `json:"id"`
	Level evidence.Level `json:"level"`
	// Because says which part of the plan depends on it.
	Because string `json:"because"`
}

// Behaviour is what the mock does, as the ledger says.
func (r Reliance) Behaviour() string {
	e, _ := evidence.Lookup(r.ID)
	return e.Behaviour
}

// Reliances lists the inferred and assumed behaviours the plan's
// expectations and thresholds depend on, strongest first. A plan whose
// verdicts rest only on documented and observed behaviour has none.
func (p *Plan) Reliances() []Reliance {
	var out []Reliance
	add := func(because string, ids ...string) {
		for _, e := range evidence.Must(ids...) {
			if !e.Level.Unconfirmed() || slices.ContainsFunc(out, func(r Reliance) bool { return r.ID == e.ID }) {
				continue
			}
			out = append(out, Reliance{ID: e.ID, Level: e.Level, Because: because})
		}
	}
	q := p.Quota
	if peak := p.PeakRate(); q.CategoryRPS > 0 && peak > q.CategoryRPS {
		add(fmt.Sprintf("throttling expected above %s req/s", textfmt.Num(q.CategoryRPS)),
			"quota.burst", "quota.counting", "quota.throttled-not-counted")
	}
	if p.thresholdOn("throttle_rate", cognito.ErrTooManyRequests) {
		add("a threshold on throttling", "quota.burst", "quota.counting", "quota.throttled-not-counted")
	}
	if p.perUserLimitNear() {
		add("per-user code limiting expected", "limit.codes-counting", "limit.window")
	}
	if p.thresholdOn("", cognito.ErrLimitExceeded) {
		add("a threshold on LimitExceededException", "limit.codes-counting", "limit.window")
	}
	for _, v := range p.Variants {
		tp, attr := p.TokenPools[v.TokenPool], p.Attributes[v.Attribute].Name
		name := fmt.Sprintf("token pool %s (%s)", tp.Name, tp.Kind)
		switch tp.Kind {
		case KindTampered, KindIDToken:
			if v.Expect.Allows(cognito.ErrNotAuthorized) {
				add(name+" expects NotAuthorizedException", "token.forged")
			}
		}
		if tp.Kind != KindValid && !cognito.IsVerifiable(attr) && v.Expect.Allows(cognito.ErrNotAuthorized) {
			add(fmt.Sprintf("%s with attribute %s expects the token checked first", name, attr), "order.auth-before-attribute")
		}
	}
	slices.SortStableFunc(out, func(a, b Reliance) int {
		if a.Level.Weaker(b.Level) {
			return 1
		}
		if b.Level.Weaker(a.Level) {
			return -1
		}
		return 0
	})
	return out
}

// thresholdOn reports whether a threshold reads metric (any metric when
// "") or filters on the outcome code.
func (p *Plan) thresholdOn(metric, code string) bool {
	for _, t := range p.Thresholds {
		if (metric != "" && t.Metric == metric) || t.Filter["code"] == code {
			return true
		}
	}
	return false
}

// perUserLimitNear reports whether the plan's code requests per user and
// hour reach a third of the limit, where QuotaUse warns.
func (p *Plan) perUserLimitNear() bool {
	if p.Quota.CodesPerUserHour <= 0 {
		return false
	}
	for i := range p.TokenPools {
		if per := p.codeRequestsPerUserHour(i); per > float64(p.Quota.CodesPerUserHour)/3 {
			return true
		}
	}
	return false
}
