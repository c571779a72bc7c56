package conformance

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/cogload/cogload/domain"
	"github.com/cogload/cogload/idpclient"
	"github.com/cogload/cogload/mock/sidedoor"
)

// skipError ends a case as skipped: the target cannot provide what the case
// needs (found out only while running, e.g. no user without a phone).
type skipError struct{ reason string }

func (e *skipError) Error() string { return "skipped: " + e.reason }

func skipf(format string, args ...any) error { return &skipError{fmt.Sprintf(format, args...)} }

// harness is what a case runs with: the target's pools, its users and the
// optional admin client.
type harness struct {
	target *Target
	mode   string
	hc     *http.Client
	main   *poolClient
	roles  map[string]*poolClient
	admin  *idpclient.Client
	// cleanups run after the case, last first (restore user state, ...).
	cleanups []func(context.Context) error
	// picks counts how often each main-pool user was handed to a case, so
	// that on a real pool the per-user limits (5 codes an hour) are spread
	// over every listed user; limit cases ask for a user never picked.
	picks map[string]int
	sleep func(context.Context, time.Duration)
	// answers notices requests the target never answered.
	answers *answerWatch
	// secrets are kept out of every result.
	secrets *secrets
}

func newHarness(t *Target, hc *http.Client, creds aws.CredentialsProvider) *harness {
	sec := &secrets{}
	sec.addPasswords(t)
	answers := &answerWatch{}
	hc = watched(sec.watch(hc), answers)
	h := &harness{target: t, mode: t.StatusMode, hc: hc, roles: map[string]*poolClient{}, picks: map[string]int{}, sleep: sleepCtx, answers: answers, secrets: sec}
	if h.mode == "" {
		h.mode = "observed"
	}
	h.main = newPoolClient(t.endpointURL(), t.Region, t.Pool, hc)
	// The mock takes admin calls unsigned; the real service needs creds.
	if creds != nil || t.Has(CapMock) {
		h.admin = idpclient.New(idpclient.Config{Endpoint: t.endpointURL(), Region: t.Region, HTTPClient: hc, Credentials: creds})
	}
	return h
}

// role returns the client of the pool filling role.
func (h *harness) role(role string) (*poolClient, error) {
	if c, ok := h.roles[role]; ok {
		return c, nil
	}
	p, ok := h.target.RolePool(role)
	if !ok {
		return nil, skipf("target has no %q pool", role)
	}
	c := newPoolClient(p.Endpoint, h.target.Region, p, h.hc)
	h.roles[role] = c
	return c, nil
}

// unmet returns why the target cannot meet need, or "".
func (h *harness) unmet(n Need) string {
	t := h.target
	switch n {
	case NeedTokens:
		if len(t.Users) == 0 {
			return "target lists no users to sign in"
		}
	case NeedAdmin:
		if !t.Has(CapAdmin) || h.admin == nil {
			return "no admin rights (capability admin with AWS credentials)"
		}
	case NeedMock:
		if !t.Has(CapMock) {
			return "not the mock (needs its /_mock/ side doors)"
		}
	case NeedOutbox:
		if !t.Has(CapOutbox) {
			return "delivered codes are not readable (needs the mock's outbox)"
		}
	case NeedOtherPool:
		if _, ok := t.Pools[RoleOtherPool]; !ok && (!t.Has(CapAdmin) || h.admin == nil) {
			return "no second pool (pools.other-pool) and no admin rights to create one"
		}
	case NeedOtherClient:
		if !t.Has(CapMock) {
			return "no token of an unknown app client (needs the mock's side doors)"
		}
	case NeedUserControl:
		if !t.Has(CapMock) && (!t.Has(CapAdmin) || h.admin == nil) {
			return "cannot change user state (needs admin rights or the mock)"
		}
	default:
		if role, ok := cutPrefix(string(n), "pool:"); ok {
			if _, ok := t.Pools[role]; !ok {
				return fmt.Sprintf("target has no %q pool", role)
			}
			if p := t.Pools[role]; len(p.Users) == 0 {
				return fmt.Sprintf("pool %q lists no users", role)
			}
		}
	}
	return ""
}

func cutPrefix(s, p string) (string, bool) {
	if len(s) >= len(p) && s[:len(p)] == p {
		return s[len(p):], true
	}
	return s, false
}

// user picks the first user of c's pool satisfying pred.
func (c *poolClient) user(what string, pred func(domain.Credential) bool) (domain.Credential, error) {
	for _, u := range c.pool.Users {
		if pred == nil || pred(u) {
			return u, nil
		}
	}
	return domain.Credential{}, skipf("pool %s has no user %s", c.pool.UserPoolID, what)
}

func hasEmail(u domain.Credential) bool { return u.Email != "" }

// pick hands out the least used main-pool user satisfying pred. fresh asks
// for a user no earlier case used (limit cases); the mock's reset between
// cases makes every user fresh.
func (h *harness) pick(what string, pred func(domain.Credential) bool, fresh bool) (domain.Credential, error) {
	reserved := h.reserved()
	best, bestScore := -1, 0
	for i, u := range h.main.pool.Users {
		if pred != nil && !pred(u) {
			continue
		}
		// Lower is better: regular cases keep off the users reserved for
		// limit cases, limit cases go to them first.
		score := h.picks[u.Username] * 4
		if reserved[u.Username] != fresh {
			score += 1 << 20
		}
		if best < 0 || score < bestScore {
			best, bestScore = i, score
		}
	}
	if best < 0 {
		return domain.Credential{}, skipf("pool %s has no user %s", h.main.pool.UserPoolID, what)
	}
	u := h.main.pool.Users[best]
	if fresh && h.picks[u.Username] > 0 && !h.target.Has(CapMock) {
		return domain.Credential{}, skipf("no unused user %s left for a limit case: list more users", what)
	}
	h.picks[u.Username]++
	return u, nil
}

// reserved names the users kept for limit cases on a real pool: the last
// two users with an email, when at least four have one.
func (h *harness) reserved() map[string]bool {
	if h.target.Has(CapMock) {
		return nil
	}
	var withEmail []string
	for _, u := range h.main.pool.Users {
		if u.Email != "" {
			withEmail = append(withEmail, u.Username)
		}
	}
	if len(withEmail) < 4 {
		return nil
	}
	return map[string]bool{withEmail[len(withEmail)-1]: true, withEmail[len(withEmail)-2]: true}
}

// signedIn picks a user with an email address and signs them in.
func (h *harness) signedIn(ctx context.Context) (domain.Credential, idpclient.Tokens, error) {
	return h.signedInUser(ctx, false)
}

func (h *harness) signedInUser(ctx context.Context, fresh bool) (domain.Credential, idpclient.Tokens, error) {
	u, err := h.pick("with an email address", hasEmail, fresh)
	if err != nil {
		return domain.Credential{}, idpclient.Tokens{}, err
	}
	tk, err := h.main.login(ctx, u)
	return u, tk, err
}

func sleepCtx(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

// accessToken signs in any user with an email address.
func (h *harness) accessToken(ctx context.Context) (string, error) {
	_, tk, err := h.signedIn(ctx)
	return tk.Access, err
}

// defer registers a cleanup run after the case.
func (h *harness) deferCleanup(f func(context.Context) error) { h.cleanups = append(h.cleanups, f) }

func (h *harness) runCleanups(ctx context.Context) error {
	var errs []error
	for i := len(h.cleanups) - 1; i >= 0; i-- {
		errs = append(errs, h.cleanups[i](ctx))
	}
	h.cleanups = nil
	return errors.Join(errs...)
}

func attrOf(u domain.Credential, attr string) string {
	if attr == "phone_number" {
		return u.PhoneNumber
	}
	return u.Email
}

func setAttrOf(u *domain.Credential, attr, v string) {
	if attr == "phone_number" {
		u.PhoneNumber = v
	} else {
		u.Email = v
	}
}

// Values given to a mock user who lacks an attribute a case needs.
var fillValues = map[string]string{"email": "conform.user@example.com", "phone_number": "+14155558920"}

// userFor returns a user of the main pool who has (want) or lacks (!want)
// attr. When no listed user fits and the target is the mock, a user is
// changed through the side door for the duration of the case.
func (h *harness) userFor(ctx context.Context, attr string, want bool) (domain.Credential, error) {
	what := "with " + attr
	if !want {
		what = "without " + attr
	}
	if u, err := h.pick(what, func(u domain.Credential) bool { return (attrOf(u, attr) != "") == want }, false); err == nil {
		return u, nil
	}
	if !h.target.Has(CapMock) || len(h.main.pool.Users) == 0 {
		return domain.Credential{}, skipf("pool %s has no user %s", h.main.pool.UserPoolID, what)
	}
	u, err := h.pick("", nil, false)
	if err != nil {
		return domain.Credential{}, err
	}
	old, v := attrOf(u, attr), ""
	if want {
		v = fillValues[attr]
	}
	h.deferCleanup(func(ctx context.Context) error {
		return h.main.setUser(ctx, u.Username, sidedoor.UserUpdate{Attributes: map[string]string{attr: old}})
	})
	if err := h.main.setUser(ctx, u.Username, sidedoor.UserUpdate{Attributes: map[string]string{attr: v}}); err != nil {
		return domain.Credential{}, err
	}
	setAttrOf(&u, attr, v)
	return u, nil
}
