package conformance

import (
	"context"
	"fmt"
	"regexp"
	"sync"
	"time"

	"github.com/cogload/cogload/cognito"
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

// rateBurst is how many requests the request-rate case may send at most;
// it stops at the first throttle.
const rateBurst = 400

func limitCases() []Case {
	return []Case{
		{
			ID: "limits.per-user-hourly", Area: AreaLimits, Source: Source{FromDocs, "[D1] 5 GUAVC per user per hour; [I7] message"},
			Rule:      "the 6th code request of a user within an hour gives LimitExceededException \"Attempt limit exceeded, please try after some time.\"",
			Uncertain: "§7: sliding or fixed window is open; only the 6th call in quick succession is checked",
			Needs:     []Need{NeedTokens},
			Requests:  "sign in; 5 × GUAVC email (must succeed); a 6th GUAVC email",
			Expect:    Expect{ErrorType: cognito.ErrLimitExceeded, Message: "^" + quoteMeta(cognito.MsgAttemptLimit) + "$"},
			run:       sixthCall,
		},
		{
			ID: "limits.daily-email", Area: AreaLimits, Source: Source{FromDocs, "[D1] 50 emails/day with COGNITO_DEFAULT; [I9] message"},
			Rule:     "the 51st email of the day with Cognito's default email gives LimitExceededException \"Exceeded daily email limit ...\"",
			Needs:    []Need{NeedPool(RoleDailyLimit)},
			Requests: "in a COGNITO_DEFAULT pool with per-user and rate limits off: 50 × GUAVC email (must succeed); a 51st",
			Expect:   Expect{ErrorType: cognito.ErrLimitExceeded, Message: "^" + quoteMeta(cognito.MsgDailyEmailLimit) + "$"},
			run: func(ctx context.Context, h *harness) (*Observation, error) {
				c, err := h.role(RoleDailyLimit)
				if err != nil {
					return nil, err
				}
				u, err := c.user("with an email address", hasEmail)
				if err != nil {
					return nil, err
				}
				tk, err := c.login(ctx, u)
				if err != nil {
					return nil, err
				}
				for i := 1; i <= 50; i++ {
					o, err := c.guavc(ctx, tk.Access, "email", nil)
					if err != nil {
						return nil, err
					}
					if o.ErrType != "" {
						return nil, failf("email %d of 50 allowed: %s", i, o)
					}
				}
				o, err := c.guavc(ctx, tk.Access, "email", nil)
				if o != nil {
					o.Note = "51st email"
				}
				return o, err
			},
		},
		{
			ID: "limits.request-rate", Area: AreaLimits, Source: Source{FromDocs, "[D1] category RPS; [I5][I6] messages"},
			Rule:      "a burst far above the category quota gives TooManyRequestsException \"Rate exceeded\"",
			Uncertain: "§7: GUAVC's category (25 or 30 RPS) is open; only that some request of a burst is throttled is checked; message \"Rate exceeded\" or \"Too many requests\"",
			Needs:     []Need{NeedTokens},
			Requests:  fmt.Sprintf("sign in; up to %d concurrent GUAVC for attribute name (8 workers) until one is throttled", rateBurst),
			Expect:    Expect{ErrorType: cognito.ErrTooManyRequests, Message: `^(Rate exceeded|Too many requests)$`},
			run:       burst,
		},
	}
}

// burst sends requests that are cheap for the service (refused by the
// attribute rule, so no code is sent and no per-user limit is used) until
// one is throttled. Any answer but InvalidParameterException or a throttle
// fails the case.
func burst(ctx context.Context, h *harness) (*Observation, error) {
	tok, err := h.accessToken(ctx)
	if err != nil {
		return nil, err
	}
	parent := ctx
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		mu        sync.Mutex
		throttled *Observation
		odd       *Observation
		sent      int
		firstErr  error
	)
	work := make(chan struct{})
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Each worker has its own client so recordings don't mix.
			c := newPoolClient(h.main.endpoint, h.main.region, h.main.pool, h.hc)
			for range work {
				o, oerr := c.guavc(ctx, tok, "name", nil)
				mu.Lock()
				sent++
				switch {
				case oerr != nil:
					if firstErr == nil && ctx.Err() == nil {
						firstErr = oerr
					}
				case o.ErrType == cognito.ErrTooManyRequests:
					if throttled == nil {
						throttled = o
						cancel()
					}
				case o.ErrType != cognito.ErrInvalidParameter && odd == nil:
					odd = o
				}
				mu.Unlock()
			}
		}()
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
	switch {
	case odd != nil:
		return nil, failf("unexpected answer in the burst: %s", odd)
	case throttled != nil:
		throttled.Note = fmt.Sprintf("after %d requests", sent)
		if !h.target.Has(CapMock) {
			// Let the account's quota refill before the next case.
			h.sleep(parent, 2*time.Second)
		}
		return throttled, nil
	case firstErr != nil:
		return nil, firstErr
	}
	return nil, failf("%d requests, none throttled", sent)
}
