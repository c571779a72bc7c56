package conformance

import (
	"context"
	"fmt"

	"github.com/cogload/cogload/cognito"
	"github.com/cogload/cogload/mock/sidedoor"
)

// failError ends a case as failed before its final request was judged
// (e.g. the fourth of five calls that should all succeed did not).
type failError struct{ actual string }

func (e *failError) Error() string { return e.actual }

func failf(format string, args ...any) error { return &failError{fmt.Sprintf(format, args...)} }

// withState signs a user in, changes their state, restores it after the
// case, and sends GUAVC with the token from before the change.
func withState(change, restore sidedoor.UserUpdate) func(ctx context.Context, h *harness) (*Observation, error) {
	return func(ctx context.Context, h *harness) (*Observation, error) {
		u, tk, err := h.signedIn(ctx)
		if err != nil {
			return nil, err
		}
		h.deferCleanup(func(ctx context.Context) error { return h.main.setUser(ctx, u.Username, restore) })
		if err := h.main.setUser(ctx, u.Username, change); err != nil {
			return nil, err
		}
		return h.main.guavc(ctx, tk.Access, "email", nil)
	}
}

func boolp(b bool) *bool    { return &b }
func strp(s string) *string { return &s }

func userStateCases() []Case {
	confirmed := sidedoor.UserUpdate{Status: strp("CONFIRMED"), Enabled: boolp(true), Deleted: boolp(false)}
	return []Case{
		{
			ID: "user-state.disabled", Area: AreaUserState, Checks: ev("user.disabled"),
			Rule:      "a disabled user's access token is refused with NotAuthorizedException",
			Uncertain: "message unknown; accepts \"Access Token has been revoked\" or \"User is disabled.\"",
			Needs:     []Need{NeedTokens, NeedUserControl},
			Requests:  "sign in; disable the user (AdminDisableUser, or the mock's side door); GUAVC; re-enable",
			Expect:    Expect{ErrorType: cognito.ErrNotAuthorized, Message: "^(" + quoteMeta(cognito.MsgAccessTokenRevoked) + "|" + quoteMeta(cognito.MsgUserDisabled) + ")$"},
			run: func(ctx context.Context, h *harness) (*Observation, error) {
				u, tk, err := h.signedIn(ctx)
				if err != nil {
					return nil, err
				}
				if h.target.Has(CapMock) {
					h.deferCleanup(func(ctx context.Context) error {
						return h.main.setUser(ctx, u.Username, sidedoor.UserUpdate{Enabled: boolp(true)})
					})
					if err := h.main.setUser(ctx, u.Username, sidedoor.UserUpdate{Enabled: boolp(false)}); err != nil {
						return nil, err
					}
				} else {
					pool := h.main.pool.UserPoolID
					h.deferCleanup(func(ctx context.Context) error { return h.admin.AdminEnableUser(ctx, pool, u.Username) })
					if err := h.admin.AdminDisableUser(ctx, pool, u.Username); err != nil {
						return nil, fmt.Errorf("disable user: %w", err)
					}
				}
				return h.main.guavc(ctx, tk.Access, "email", nil)
			},
		},
		{
			ID: "user-state.unconfirmed", Area: AreaUserState, Checks: ev("user.unconfirmed"),
			Rule:      "a user who is not confirmed gets UserNotConfirmedException",
			Uncertain: "real message unknown; any message is accepted",
			Needs:     []Need{NeedTokens, NeedMock},
			Requests:  "sign in; set the user UNCONFIRMED (side door); GUAVC; restore",
			Expect:    Expect{ErrorType: cognito.ErrUserNotConfirmed},
			run:       withState(sidedoor.UserUpdate{Status: strp("UNCONFIRMED")}, confirmed),
		},
		{
			ID: "user-state.reset-required", Area: AreaUserState, Checks: ev("user.reset-required"),
			Rule:      "a user whose password must be reset gets PasswordResetRequiredException",
			Uncertain: "real message unknown; any message is accepted",
			Needs:     []Need{NeedTokens, NeedMock},
			Requests:  "sign in; set the user RESET_REQUIRED (side door); GUAVC; restore",
			Expect:    Expect{ErrorType: cognito.ErrPasswordResetRequired},
			run:       withState(sidedoor.UserUpdate{Status: strp("RESET_REQUIRED")}, confirmed),
		},
		{
			ID: "user-state.deleted", Area: AreaUserState, Checks: ev("user.deleted"),
			Rule:      "the access token of a deleted user gives UserNotFoundException",
			Uncertain: "status 400 vs 404 open (status mode decides); message \"User does not exist.\" is from older captures",
			Needs:     []Need{NeedTokens, NeedMock},
			Requests:  "sign in; delete the user (side door); GUAVC; restore",
			Expect:    Expect{ErrorType: cognito.ErrUserNotFound, Message: `^User does not exist\.?$`},
			run:       withState(sidedoor.UserUpdate{Deleted: boolp(true)}, confirmed),
		},
	}
}
