package conformance

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"sync"
	"time"

	"github.com/cogload/cogload/cognito"
	"github.com/cogload/cogload/domain"
)

var sixDigits = regexp.MustCompile(`^[0-9]{6}$`)

// sixthCall makes five GUAVC calls that must succeed and returns the sixth.
func sixthCall(ctx context.Context, h *harness) (*Observation, error) {
	_, tk, err := h.signedInUser(ctx, true)
	if err != nil {
		return nil, err
	}
	for i := 1; i <= 5; i++ {
		o, err := h.main.guavc(ctx, tk.Access, "email", nil)
		if err != nil {
			return nil, err
		}
		if o.ErrType != "" {
			return nil, failf("call %d of 5 allowed: %s", i, o)
		}
	}
	o, err := h.main.guavc(ctx, tk.Access, "email", nil)
	if o != nil {
		o.Note = "6th call"
	}
	return o, err
}

// rateBurst is how many requests the per-user rate case may send at most;
// it stops at the first throttle.
const rateBurst = 400

// Pacing of the category case: each user stays under the per-user rate
// (cognito.PerUserRPS, 10 requests/s), together they pass the category's.
const (
	perUserPace      = 8.0
	categoryCaseTime = 15 * time.Second
)

// acceptedOnTheWay are the answers the burst cases allow before the first
// throttle: GUAVC for the name attribute is refused (no code is sent), and
// a user's hourly code limit may be reached first.
var acceptedOnTheWay = []string{cognito.ErrInvalidParameter, cognito.ErrLimitExceeded}

func limitCases() []Case {
	return []Case{
		{
			ID: "limits.per-user-hourly", Area: AreaLimits, Checks: ev("limit.codes", "limit.message"),
			Rule:      "the 6th code request of a user within an hour gives LimitExceededException \"Attempt limit exceeded, please try after some time.\"",
			Uncertain: "sliding or fixed window is open; only the 6th call in quick succession is checked",
			Needs:     []Need{NeedTokens},
			Requests:  "sign in; 5 × GUAVC email (must succeed); a 6th GUAVC email",
			Expect:    Expect{ErrorType: cognito.ErrLimitExceeded, Message: "^" + quoteMeta(cognito.MsgAttemptLimit) + "$"},
			run:       sixthCall,
		},
		{
			ID: "limits.daily-email", Area: AreaLimits, Checks: ev("limit.daily-email", "limit.daily-email-message"),
			Rule: "the 51st email of the day with Cognito's default email gives LimitExceededException \"Exceeded daily email limit ...\"",
			Uncertain: "on AWS the 50 emails are the account's, shared by every pool and every email sent since 09:00 UTC: " +
				"run it on an account that sent none today",
			Needs:    []Need{NeedPool(RoleDailyLimit)},
			Requests: "in a COGNITO_DEFAULT pool: GUAVC email from its users in turn, at most 5 each (the per-user limit), until 50 succeeded; a 51st",
			Expect:   Expect{ErrorType: cognito.ErrLimitExceeded, Message: "^" + quoteMeta(cognito.MsgDailyEmailLimit) + "$"},
			run:      fiftyFirstEmail,
		},
		{
			ID: "limits.per-user-rate", Area: AreaLimits, Checks: ev("quota.per-user-rate", "quota.message"),
			Rule:      "one user's burst far above 10 requests/s gives TooManyRequestsException \"Rate exceeded\"",
			Uncertain: "the per-user throttle's message is not captured; \"Rate exceeded\" or \"Too many requests\" is accepted",
			Needs:     []Need{NeedTokens},
			Requests: fmt.Sprintf("sign in a user no other case used; up to %d concurrent GUAVC for attribute name (8 workers) until one is throttled "+
				"(InvalidParameterException and LimitExceededException on the way are accepted)", rateBurst),
			Expect: Expect{ErrorType: cognito.ErrTooManyRequests, Message: `^(Rate exceeded|Too many requests)$`},
			run:    burst,
		},
		{
			ID: "limits.category-rate", Area: AreaLimits, Checks: ev("quota.category", "quota.shared", "quota.message"),
			Rule:      "requests of several users, each under the per-user rate, together above the category's quota give TooManyRequestsException \"Rate exceeded\"",
			Uncertain: "an account with a raised quota needs more users than the 7 that pass the default 50 requests/s",
			Needs:     []Need{NeedTokens},
			Requests: fmt.Sprintf("sign in every user of the %s pool (or the main pool); each sends GUAVC for attribute name at %g requests/s, for at most %s, until one is throttled",
				RoleCategoryRate, perUserPace, categoryCaseTime),
			Expect: Expect{ErrorType: cognito.ErrTooManyRequests, Message: `^(Rate exceeded|Too many requests)$`},
			run:    categoryBurst,
		},
	}
}

// fiftyFirstEmail spreads 50 emails over the daily-limit pool's users,
// moving to the next user when one reaches its hourly limit, and sends the
// 51st from a user with quota left.
func fiftyFirstEmail(ctx context.Context, h *harness) (*Observation, error) {
	c, err := h.role(RoleDailyLimit)
	if err != nil {
		return nil, err
	}
	var users []domain.Credential
	for _, u := range c.pool.Users {
		if hasEmail(u) {
			users = append(users, u)
		}
	}
	if need := cognito.DefaultEmailsPerDay/cognito.CodesPerUserHour + 1; len(users) < need && !h.target.Has(CapMock) {
		return nil, skipf("the %s pool lists %d users with an email; 51 emails at %d codes per user an hour need %d",
			RoleDailyLimit, len(users), cognito.CodesPerUserHour, need)
	}
	sent := 0
	for _, u := range users {
		tk, err := c.login(ctx, u)
		if err != nil {
			return nil, err
		}
		for {
			o, err := c.guavc(ctx, tk.Access, "email", nil)
			if err != nil {
				return nil, err
			}
			if sent == cognito.DefaultEmailsPerDay {
				o.Note = "51st email"
				return o, nil
			}
			if o.ErrType == cognito.ErrLimitExceeded && o.Message == cognito.MsgAttemptLimit {
				break // this user's hour is used up
			}
			if o.ErrType != "" {
				return nil, failf("email %d of %d allowed: %s", sent+1, cognito.DefaultEmailsPerDay, o)
			}
			sent++
		}
	}
	return nil, failf("ran out of users after %d emails", sent)
}

// throttleWatch tallies the answers of a burst until the first throttle:
// any answer outside accepted (or success) is odd and fails the case.
type throttleWatch struct {
	accepted []string
	cancel   func()

	mu        sync.Mutex
	throttled *Observation
	odd       *Observation
	firstErr  error
	sent      int
}

func (w *throttleWatch) record(ctx context.Context, o *Observation, err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.sent++
	switch {
	case err != nil:
		if w.firstErr == nil && ctx.Err() == nil {
			w.firstErr = err
		}
	case o.ErrType == cognito.ErrTooManyRequests:
		if w.throttled == nil {
			w.throttled = o
			w.cancel()
		}
	case o.ErrType != "" && !slices.Contains(w.accepted, o.ErrType) && w.odd == nil:
		w.odd = o
	}
}

// verdict is the throttled answer, noted with how it was reached, or why
// there was none.
func (w *throttleWatch) verdict(ctx context.Context, h *harness, how string) (*Observation, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	switch {
	case w.odd != nil:
		return nil, failf("unexpected answer: %s", w.odd)
	case w.throttled != nil:
		w.throttled.Note = fmt.Sprintf("after %d requests%s", w.sent, how)
		h.letQuotaRefill(ctx)
		return w.throttled, nil
	case w.firstErr != nil:
		return nil, w.firstErr
	}
	return nil, failf("%d requests%s, none throttled", w.sent, how)
}

// burst sends one user's requests that are cheap for the service (refused
// by the attribute rule, so no code is sent) until one is throttled.
// acceptedOnTheWay are accepted on the way.
func burst(ctx context.Context, h *harness) (*Observation, error) {
	_, tk, err := h.signedInUser(ctx, true)
	if err != nil {
		return nil, err
	}
	parent := ctx
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	w := &throttleWatch{accepted: acceptedOnTheWay, cancel: cancel}
	work := make(chan struct{})
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			// Each worker has its own client so recordings don't mix.
			c := newPoolClient(h.main.endpoint, h.main.region, h.main.pool, h.hc)
			for range work {
				o, err := c.guavc(ctx, tk.Access, "name", nil)
				w.record(ctx, o, err)
			}
		})
	}
loop:
	for i := 0; i < rateBurst; i++ {
		select {
		case work <- struct{}{}:
		case <-ctx.Done():
			break loop
		}
	}
	close(work)
	wg.Wait()
	return w.verdict(parent, h, "")
}

// letQuotaRefill waits on a real service so the account's quota refills
// before the next case; the mock's reset does it at once.
func (h *harness) letQuotaRefill(ctx context.Context) {
	if !h.target.Has(CapMock) {
		h.sleep(ctx, 2*time.Second)
	}
}

// categoryBurst paces every user of the pool at perUserPace until one
// request is throttled; acceptedOnTheWay are allowed on the way.
func categoryBurst(ctx context.Context, h *harness) (*Observation, error) {
	c, err := h.role(RoleCategoryRate)
	if err != nil {
		c = h.main
	}
	quota := cognito.GUAVCCategoryRPS()
	need := int(quota/perUserPace) + 1
	if c == h.main && len(c.pool.Users) < need {
		return nil, skipf("%d users at %g requests/s each stay under %g requests/s: list %d users or a %s pool",
			len(c.pool.Users), perUserPace, quota, need, RoleCategoryRate)
	}
	var toks []string
	for _, u := range c.pool.Users {
		tk, err := c.login(ctx, u)
		if err != nil {
			return nil, err
		}
		toks = append(toks, tk.Access)
	}
	parent := ctx
	ctx, cancel := context.WithTimeout(ctx, categoryCaseTime)
	defer cancel()
	w := &throttleWatch{accepted: acceptedOnTheWay, cancel: cancel}
	start := time.Now()
	var wg sync.WaitGroup
	for _, tok := range toks {
		wg.Go(func() {
			uc := newPoolClient(c.endpoint, c.region, c.pool, h.hc)
			tick := time.NewTicker(time.Duration(float64(time.Second) / perUserPace))
			defer tick.Stop()
			for {
				select {
				case <-ctx.Done():
					return
				case <-tick.C:
				}
				o, err := uc.guavc(ctx, tok, "name", nil)
				w.record(ctx, o, err)
			}
		})
	}
	wg.Wait()
	rate := float64(w.sent) / max(time.Since(start).Seconds(), 1e-3)
	return w.verdict(parent, h, fmt.Sprintf(" from %d users (%.0f requests/s)", len(toks), rate))
}
