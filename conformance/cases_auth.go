package conformance

import (
	"context"
	"fmt"

	"github.com/cogload/cogload/cognito"
	"github.com/cogload/cogload/domain"
	"github.com/cogload/cogload/idpclient"
	"github.com/cogload/cogload/internal/jws"
	"github.com/cogload/cogload/users"
)

func notAuthorized(msg string) Expect {
	return Expect{ErrorType: cognito.ErrNotAuthorized, Message: "^" + quoteMeta(msg) + "$"}
}

// forged signs a user in, derives a token with forge and sends it.
func forged(forge func(ctx context.Context, h *harness, tok string) (string, error)) func(ctx context.Context, h *harness) (*Observation, error) {
	return func(ctx context.Context, h *harness) (*Observation, error) {
		tok, err := h.accessToken(ctx)
		if err != nil {
			return nil, err
		}
		bad, err := forge(ctx, h, tok)
		if err != nil {
			return nil, err
		}
		return h.main.guavc(ctx, bad, "email", nil)
	}
}

// minted asks the mock for a special token and sends it.
func minted(kind string) func(ctx context.Context, h *harness) (*Observation, error) {
	return func(ctx context.Context, h *harness) (*Observation, error) {
		u, err := h.pick("with an email address", hasEmail, false)
		if err != nil {
			return nil, err
		}
		tok, err := h.main.mint(ctx, u.Username, kind)
		if err != nil {
			return nil, err
		}
		return h.main.guavc(ctx, tok, "email", nil)
	}
}

func authCases() []Case {
	invalid := notAuthorized(cognito.MsgInvalidAccessToken)
	revoked := notAuthorized(cognito.MsgAccessTokenRevoked)
	tok := []Need{NeedTokens}
	return []Case{
		{
			ID: "auth.garbage", Area: AreaAuth, Checks: ev("token.invalid"),
			Rule:     "a token that is not a JWT gives NotAuthorizedException \"Invalid Access Token\"",
			Requests: "GUAVC with AccessToken \"notajwt\"",
			Expect:   invalid,
			run: func(ctx context.Context, h *harness) (*Observation, error) {
				return h.main.guavc(ctx, "notajwt", "email", nil)
			},
		},
		{
			ID: "auth.garbage-three-segments", Area: AreaAuth, Checks: ev("token.invalid"),
			Rule:     "three dot-separated segments that are not JSON give \"Invalid Access Token\"",
			Requests: "GUAVC with AccessToken \"abc.def.ghi\"",
			Expect:   invalid,
			run: func(ctx context.Context, h *harness) (*Observation, error) {
				return h.main.guavc(ctx, "abc.def.ghi", "email", nil)
			},
		},
		{
			ID: "auth.tampered-signature", Area: AreaAuth, Checks: ev("token.rs256", "token.forged"),
			Rule: "a real token with one signature character changed is refused", Needs: tok,
			Requests: "sign in; GUAVC with the access token's signature altered",
			Expect:   invalid,
			run:      forged(func(_ context.Context, _ *harness, t string) (string, error) { return jws.TamperSignature(t), nil }),
		},
		{
			ID: "auth.tampered-payload", Area: AreaAuth, Checks: ev("token.rs256", "token.forged"),
			Rule: "a real token whose username claim was changed (signature kept) is refused", Needs: tok,
			Requests: "sign in; GUAVC with the payload's username replaced",
			Expect:   invalid,
			run: forged(func(_ context.Context, _ *harness, t string) (string, error) {
				return jws.WithClaim(t, "username", "cogload-someone-else")
			}),
		},
		{
			ID: "auth.alg-none", Area: AreaAuth, Checks: ev("token.rs256", "token.forged"),
			Rule: "a real token re-labelled alg none with no signature is refused", Needs: tok,
			Requests: "sign in; GUAVC with header alg=none and an empty signature",
			Expect:   invalid,
			run:      forged(func(_ context.Context, _ *harness, t string) (string, error) { return jws.AlgNone(t) }),
		},
		{
			ID: "auth.hs256-public-key", Area: AreaAuth, Checks: ev("token.rs256", "token.forged"),
			Rule: "a token re-signed HS256 with the pool's public key as the secret is refused", Needs: tok,
			Requests: "sign in; fetch the JWKS; GUAVC with the token re-signed HMAC-SHA256 keyed by the public key PEM",
			Expect:   invalid,
			run: forged(func(ctx context.Context, h *harness, t string) (string, error) {
				return hs256WithPublicKey(ctx, h.main, t)
			}),
		},
		{
			ID: "auth.unknown-kid", Area: AreaAuth, Checks: ev("token.rs256", "token.forged"),
			Rule: "a token naming a key that is not in the pool's JWKS is refused", Needs: tok,
			Requests: "sign in; GUAVC with the header's kid replaced",
			Expect:   invalid,
			run: forged(func(_ context.Context, _ *harness, t string) (string, error) {
				return jws.WithHeader(t, "kid", "cogload-unknown-kid")
			}),
		},
		{
			ID: "auth.expired", Area: AreaAuth, Checks: ev("token.expired"),
			Rule:     "an expired access token gives \"Access Token has expired\"",
			Needs:    []Need{NeedMock},
			Requests: "mint an expired access token (side door); GUAVC",
			Expect:   notAuthorized(cognito.MsgAccessTokenExpired),
			run:      minted("expired"),
		},
		{
			ID: "auth.revoked-global-sign-out", Area: AreaAuth, Checks: ev("token.revoked"),
			Rule: "after GlobalSignOut the access token gives \"Access Token has been revoked\"", Needs: tok,
			Requests: "sign in; GlobalSignOut; GUAVC with the same access token",
			Expect:   revoked,
			run: func(ctx context.Context, h *harness) (*Observation, error) {
				_, tk, err := h.signedIn(ctx)
				if err != nil {
					return nil, err
				}
				if err := h.main.idp.GlobalSignOut(ctx, tk.Access); err != nil {
					return nil, fmt.Errorf("global sign-out: %w", err)
				}
				return h.main.guavc(ctx, tk.Access, "email", nil)
			},
		},
		{
			ID: "auth.revoked-revoke-token", Area: AreaAuth, Checks: ev("token.revoked"),
			Rule: "after RevokeToken on the refresh token, its access token gives \"Access Token has been revoked\"", Needs: tok,
			Requests: "sign in; RevokeToken(refresh token); GUAVC with the access token",
			Expect:   revoked,
			run: func(ctx context.Context, h *harness) (*Observation, error) {
				_, tk, err := h.signedIn(ctx)
				if err != nil {
					return nil, err
				}
				if err := h.main.idp.RevokeToken(ctx, h.main.pool.ClientID, tk.Refresh); err != nil {
					return nil, fmt.Errorf("revoke token: %w", err)
				}
				return h.main.guavc(ctx, tk.Access, "email", nil)
			},
		},
		{
			ID: "auth.revoked-admin-sign-out", Area: AreaAuth, Checks: ev("token.revoked"),
			Rule:     "after AdminUserGlobalSignOut the access token gives \"Access Token has been revoked\"",
			Needs:    []Need{NeedTokens, NeedAdmin},
			Requests: "sign in; AdminUserGlobalSignOut; GUAVC with the access token",
			Expect:   revoked,
			run: func(ctx context.Context, h *harness) (*Observation, error) {
				u, tk, err := h.signedIn(ctx)
				if err != nil {
					return nil, err
				}
				if err := h.admin.AdminUserGlobalSignOut(ctx, h.main.pool.UserPoolID, u.Username); err != nil {
					return nil, fmt.Errorf("admin global sign-out: %w", err)
				}
				return h.main.guavc(ctx, tk.Access, "email", nil)
			},
		},
		{
			ID: "auth.refreshed-token", Area: AreaAuth, Checks: ev("token.rs256", "delivery.details"),
			Rule: "an access token from REFRESH_TOKEN_AUTH is accepted", Needs: tok,
			Requests: "sign in; InitiateAuth REFRESH_TOKEN_AUTH; GUAVC with the new access token, attribute email",
			Expect:   Expect{Shape: "CodeDeliveryDetails for email", check: deliveryShape("email", cognito.MediumEmail)},
			run: func(ctx context.Context, h *harness) (*Observation, error) {
				_, tk, err := h.signedIn(ctx)
				if err != nil {
					return nil, err
				}
				fresh, err := h.main.idp.Refresh(ctx, h.main.pool.ClientID, tk.Refresh)
				h.main.rec.take()
				if err != nil {
					return nil, fmt.Errorf("refresh: %w", err)
				}
				return h.main.guavc(ctx, fresh.Access, "email", nil)
			},
		},
		{
			ID: "auth.id-token", Area: AreaAuth, Checks: ev("token.rs256", "token.forged"),
			Rule: "an ID token in place of the access token is refused", Needs: tok,
			Requests: "sign in; GUAVC with the ID token",
			Expect:   invalid,
			run: func(ctx context.Context, h *harness) (*Observation, error) {
				_, tk, err := h.signedIn(ctx)
				if err != nil {
					return nil, err
				}
				return h.main.guavc(ctx, tk.ID, "email", nil)
			},
		},
		{
			ID: "auth.foreign-issuer", Area: AreaAuth, Checks: ev("token.rs256", "token.forged"),
			Rule: "a token signed by a key no JWKS lists, for a user pool that does not exist, is refused", Needs: tok,
			Requests: "sign in; GUAVC with the claims re-signed by a fresh RSA key, kid unknown, iss naming a pool that does not exist",
			Expect:   invalid,
			run: forged(func(_ context.Context, h *harness, t string) (string, error) {
				return foreignIssuer(t, h.target.Region)
			}),
		},
		{
			ID: "auth.other-pool", Area: AreaAuth, Checks: ev("token.other-pool", "delivery.details"),
			Rule:      "a genuine access token of another user pool is accepted: the request names no pool, so the token's own pool and user answer",
			Uncertain: "inferred from the request shape; no capture of the service accepting or refusing it",
			Needs:     []Need{NeedOtherPool},
			Requests:  "sign in to a second pool of the same endpoint (pools.other-pool, or one created through the admin API); GUAVC email",
			Expect:    Expect{Shape: "CodeDeliveryDetails for email", check: deliveryShape("email", cognito.MediumEmail)},
			run:       otherPoolGUAVC,
		},
		{
			ID: "auth.other-client", Area: AreaAuth, Checks: ev("token.unknown-client"),
			Rule:      "an access token naming an app client the pool doesn't have is refused",
			Uncertain: "no capture: accepts NotAuthorizedException or ResourceNotFoundException",
			Needs:     []Need{NeedOtherClient},
			Requests:  "mint a token for an unknown client (side door); GUAVC",
			Expect:    Expect{ErrorType: cognito.ErrNotAuthorized, AltErrorTypes: []string{cognito.ErrResourceNotFound}},
			run:       minted("other_client"),
		},
		{
			ID: "auth.missing-scope", Area: AreaAuth, Checks: ev("token.scope"),
			Rule:     "an access token without aws.cognito.signin.user.admin gives \"Access Token does not have required scopes\"",
			Needs:    []Need{NeedMock},
			Requests: "mint a token with scope openid only (side door); GUAVC",
			Expect:   notAuthorized(cognito.MsgAccessTokenScopes),
			run:      minted("wrong_scope"),
		},
	}
}

// otherPoolGUAVC signs a user of a second pool in and sends its token to
// the endpoint. The second pool is the target's other-pool, or one made
// for the case through the admin API and removed afterwards.
func otherPoolGUAVC(ctx context.Context, h *harness) (*Observation, error) {
	other, err := h.role(RoleOtherPool)
	if err != nil {
		if other, err = h.temporaryPool(ctx); err != nil {
			return nil, err
		}
	}
	u, err := other.user("with an email address", hasEmail)
	if err != nil {
		return nil, err
	}
	tk, err := other.login(ctx, u)
	if err != nil {
		return nil, err
	}
	return h.main.guavc(ctx, tk.Access, "email", nil)
}

// temporaryPool creates a pool, an app client and one user with an email
// through the admin API on the target's endpoint; a cleanup removes them.
// The case's NeedOtherPool makes sure of the admin client.
func (h *harness) temporaryPool(ctx context.Context) (*poolClient, error) {
	poolID, clientID, err := createPoolAndClient(ctx, h.admin, "cogload-conform-other-"+randomHex(4), func(kind, id string) {
		if kind == "user-pool" { // removing the pool removes its client and users
			h.deferCleanup(func(ctx context.Context) error { return h.admin.DeleteUserPool(ctx, id) })
		}
	})
	if err != nil {
		return nil, fmt.Errorf("a second pool: %w", err)
	}
	// The pool was just created without a password policy: it has the
	// service's default one.
	u, _, err := users.CreateOne(ctx, h.admin, poolID, idpclient.DefaultPasswordPolicy,
		users.Spec{Login: "conform-other", Email: "conform.other@example.com"}, prepare)
	if err != nil {
		return nil, fmt.Errorf("create its user: %w", err)
	}
	return newPoolClient(h.main.endpoint, h.main.region, Pool{UserPoolID: poolID, ClientID: clientID, Users: []domain.Credential{u}}, h.hc), nil
}
