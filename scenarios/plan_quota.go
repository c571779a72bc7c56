package scenarios

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/cogload/cogload/cognito"
	"github.com/cogload/cogload/domain"
	"github.com/cogload/cogload/internal/textfmt"
)

// QuotaUse predicts, from the plan alone, how the run meets the service's
// quotas: the account-wide category rate, the per-user code limit and the
// default email's daily limit. Each line says whether throttling is
// expected.
func (p *Plan) QuotaUse() []string {
	q := p.Quota
	var out []string
	peak := p.PeakRate()
	if peak <= q.CategoryRPS {
		out = append(out, fmt.Sprintf("Category rate: peak %s req/s is %s of the account-wide %s req/s quota (shared by every pool and user in the account and Region): no throttling expected.",
			textfmt.Num(peak), textfmt.Share(peak/q.CategoryRPS), textfmt.Num(q.CategoryRPS)))
	} else {
		from, excess := p.ExpectedThrottling()
		note := "TooManyRequestsException expected for about %s requests (%s of the run)"
		if excess < 0.5 {
			note = "the bucket's burst allowance absorbs it: about %s requests throttled (%s of the run)"
		}
		out = append(out, fmt.Sprintf("Category rate: peak %s req/s exceeds the account-wide %s req/s quota from %s into the run: "+note+". Against a real account this also throttles every other client of the category.",
			textfmt.Num(peak), textfmt.Num(q.CategoryRPS), from.Round(time.Millisecond), textfmt.Round(excess), textfmt.Share(excess/math.Max(p.TotalRequests(), 1))))
	}
	for _, pool := range p.Target.Pools {
		if pool == "raised-quota" {
			out = append(out, "Pool configuration raised-quota sets its own quotas; the figures here use the default model.")
		}
	}

	out = append(out, p.perUserUse()...)
	out = append(out, p.emailUse()...)
	return out
}

// ExpectedThrottling returns when the planned rate first exceeds the
// category quota and how many requests its token bucket is expected to
// refuse. It models
// the bucket the mock keeps (quota.burst in docs/fidelity.md: it starts
// full with a second's worth of tokens, ceil(quota), and refills at
// quota), fed only the requests that count against the category: not
// those the model's validation refuses nor those whose token does not
// show which pool it is for, garbage or with a broken signature
// (quota.counting in docs/fidelity.md).
func (p *Plan) ExpectedThrottling() (time.Duration, float64) {
	quota := p.Quota.CategoryRPS
	total := p.TotalDuration()
	step := max(total/200_000, 10*time.Millisecond)
	counted := p.countedShare()
	capacity := math.Max(1, math.Ceil(quota))
	tokens := capacity
	first := time.Duration(-1)
	var refused float64
	schedule := p.cursor()
	var due float64 // requests scheduled before t
	for t := time.Duration(0); t < total; t += step {
		dt := min(step, total-t)
		if first < 0 && p.RateAt(t) > quota {
			first = t
		}
		next := schedule.upTo(t + dt)
		arrivals := (next - due) * counted
		due = next
		tokens = math.Min(capacity, tokens+quota*dt.Seconds())
		admitted := math.Min(arrivals, tokens)
		tokens -= admitted
		refused += arrivals - admitted
	}
	return max(first, 0), refused
}

// countedShare is the share of the plan's requests that count against
// the category quota.
func (p *Plan) countedShare() float64 {
	var w float64
	for _, v := range p.Variants {
		if k := p.TokenPools[v.TokenPool].Kind; k == KindGarbage || k == KindTampered || modelInvalid(p.Attributes[v.Attribute].Name, p.Metadata[v.Metadata]) {
			continue
		}
		w += v.Weight
	}
	return w
}

// codeCalls is the expected number of requests from pool i that send a
// code: valid tokens with an attribute that can get one ("" any).
func (p *Plan) codeCalls(i int, attr string) float64 {
	n := p.TotalRequests()
	var calls float64
	for _, v := range p.Variants {
		if v.TokenPool != i || p.TokenPools[i].Kind != KindValid || !v.Expect.Allows(domain.OutcomeOK) {
			continue
		}
		if a := p.Attributes[v.Attribute].Name; attr == "" && cognito.IsVerifiable(a) || a == attr {
			calls += n * v.Weight
		}
	}
	return calls
}

// codeLimitCalls is the expected number of requests from pool i that
// count against the per-user code limit: every request with a valid token,
// whatever its attribute (limit.codes-counting in docs/fidelity.md).
func (p *Plan) codeLimitCalls(i int) float64 {
	if p.TokenPools[i].Kind != KindValid {
		return 0
	}
	n := p.TotalRequests()
	var calls float64
	for _, v := range p.Variants {
		if v.TokenPool == i {
			calls += n * v.Weight
		}
	}
	return calls
}

// poolUsers is how many distinct users pool i's requests come from.
func (p *Plan) poolUsers(i int) float64 {
	tp := p.TokenPools[i]
	users := float64(tp.Size)
	if tp.Users > 0 {
		users = math.Min(users, float64(tp.Users))
	}
	if tp.Checkout == CheckoutExclusive {
		users = math.Min(users, math.Ceil(p.poolRequests(i)))
	}
	if p.Quota.Users > 0 {
		users = math.Min(users, float64(p.Quota.Users))
	}
	return math.Max(users, 1)
}

// codeRequestsPerUserHour is how many requests counting against the code
// limit each user of pool i makes per hour.
func (p *Plan) codeRequestsPerUserHour(i int) float64 {
	return p.codeLimitCalls(i) / p.poolUsers(i) / max(p.TotalDuration().Hours(), 1)
}

// CodeLimitRequests is how many requests of the run count against the
// per-user code limit: every request with a valid token, whatever its
// attribute.
func (p *Plan) CodeLimitRequests() float64 {
	var n float64
	for i := range p.TokenPools {
		n += p.codeLimitCalls(i)
	}
	return n
}

// ExpectedCodes is how many requests of the run are expected to send a
// code to attribute (email, phone_number; "" for both): those with a
// valid token whose expectation allows success. Against a real pool each
// is an email or SMS that is delivered and paid for.
func (p *Plan) ExpectedCodes(attr string) float64 {
	var n float64
	for i := range p.TokenPools {
		n += p.codeCalls(i, attr)
	}
	return n
}

func (p *Plan) perUserUse() []string {
	q := p.Quota
	var out []string
	for i, tp := range p.TokenPools {
		calls := p.codeLimitCalls(i)
		if calls == 0 {
			continue
		}
		if tp.Size == 0 && tp.Users == 0 && p.Quota.Users == 0 {
			out = append(out, fmt.Sprintf("Per-user codes: pool %s sends about %s requests counting against the code limit; how many users they spread over depends on the tokens its %s source holds, unknown until it is read (give size, or target.quota.users).",
				tp.Name, textfmt.Round(calls), tp.Source.Kind))
			continue
		}
		users, perUser := p.poolUsers(i), p.codeRequestsPerUserHour(i)
		line := fmt.Sprintf("Per-user codes: pool %s sends about %s requests counting against the code limit over %s users (%s checkout): %.2f per user per hour vs the limit of %d",
			tp.Name, textfmt.Round(calls), textfmt.Round(users), tp.Checkout, perUser, q.CodesPerUserHour)
		switch lim := float64(q.CodesPerUserHour); {
		case perUser > lim:
			line += fmt.Sprintf(": LimitExceededException expected for about %s of them.", textfmt.Share((perUser-lim)/perUser))
		case tp.Checkout == CheckoutRandom && perUser > lim/3:
			line += ": random checkout spreads unevenly, so some users may hit it; use exclusive or a larger pool to avoid it."
		default:
			line += ": no per-user limiting expected."
		}
		out = append(out, line)
	}
	return out
}

func (p *Plan) emailUse() []string {
	q := p.Quota
	if q.EmailsPerDay <= 0 {
		return nil
	}
	var pools []string
	for _, pool := range p.Target.Pools {
		if q.EmailsPerDayAll || pool == DefaultMockPool {
			pools = append(pools, pool)
		}
	}
	if !p.Target.Mock && q.EmailsPerDayAll {
		pools = []string{"the endpoint's pool"}
	}
	if len(pools) == 0 {
		return nil
	}
	emails := p.ExpectedCodes(cognito.AttributeEmail)
	days := max(p.TotalDuration().Hours()/24, 1)
	line := fmt.Sprintf("Daily email (%s): about %s emails per day vs the %d/day default-email quota", strings.Join(pools, ", "), textfmt.Round(emails/days), q.EmailsPerDay)
	if emails/days > float64(q.EmailsPerDay) {
		line += fmt.Sprintf(": LimitExceededException expected after the %dth email.", q.EmailsPerDay)
	} else {
		line += ": within it."
	}
	return []string{line}
}
