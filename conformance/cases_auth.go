package conformance

import (
	"context"
	"fmt"

	"github.com/cogload/cogload/cognito"
	"github.com/cogload/cogload/internal/jws"
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

func authSrc(kind SourceKind, ref string) Source { return Source{kind, ref} }

func authCases() []Case {
	invalid := notAuthorized(cognito.MsgInvalidAccessToken)
	revoked := notAuthorized(cognito.MsgAccessTokenRevoked)
	tok := []Need{NeedTokens}
	return []Case{
		{
			ID: "auth.garbage", Area: AreaAuth, Source: authSrc(FromObserved, "[F1] §0.5"),
			Rule:     "a token that is not a JWT gives NotAuthorizedException \"Invalid Access Token\"",
			Requests: "GUAVC with AccessToken \"notajwt\"",
			Expect:   invalid,
			run: func(ctx context.Context, h *harness) (*Observation, error) {
				return h.main.guavc(ctx, "notajwt", "email", nil)
			},
		},
		{
			ID: "auth.garbage-three-segments", Area: AreaAuth, Source: authSrc(FromObserved, "[F1][V2] §5.1"),
			Rule:     "three dot-separated segments that are not JSON give \"Invalid Access Token\"",
			Requests: "GUAVC with AccessToken \"abc.def.ghi\"",
			Expect:   invalid,
			run: func(ctx context.Context, h *harness) (*Observation, error) {
				return h.main.guavc(ctx, "abc.def.ghi", "email", nil)
			},
		},
		{
			ID: "auth.tampered-signature", Area: AreaAuth, Source: authSrc(FromDocs, "[D4] §4.4"),
			Rule: "a real token with one signature character changed is refused", Needs: tok,
			Requests: "sign in; GUAVC with the access token's signature altered",
			Expect:   invalid,
			run:      forged(func(_ context.Context, _ *harness, t string) (string, error) { return jws.TamperSignature(t), nil }),
		},
		{
			ID: "auth.tampered-payload", Area: AreaAuth, Source: authSrc(FromDocs, "[D4] §4.4"),
			Rule: "a real token whose username claim was changed (signature kept) is refused", Needs: tok,
			Requests: "sign in; GUAVC with the payload's username replaced",
			Expect:   invalid,
			run: forged(func(_ context.Context, _ *harness, t string) (string, error) {
				return jws.WithClaim(t, "username", "cogload-someone-else")
			}),
		},
		{
			ID: "auth.alg-none", Area: AreaAuth, Source: authSrc(FromDocs, "[D3][D4] RS256 only"),
			Rule: "a real token re-labelled alg none with no signature is refused", Needs: tok,
			Requests: "sign in; GUAVC with header alg=none and an empty signature",
			Expect:   invalid,
			run:      forged(func(_ context.Context, _ *harness, t string) (string, error) { return jws.AlgNone(t) }),
		},
		{
			ID: "auth.hs256-public-key", Area: AreaAuth, Source: authSrc(FromDocs, "[D3][D4] RS256 only"),
			Rule: "a token re-signed HS256 with the pool's public key as the secret is refused", Needs: tok,
			Requests: "sign in; fetch the JWKS; GUAVC with the token re-signed HMAC-SHA256 keyed by the public key PEM",
			Expect:   invalid,
			run: forged(func(ctx context.Context, h *harness, t string) (string, error) {
				return hs256WithPublicKey(ctx, h.main, t)
			}),
		},
		{
			ID: "auth.unknown-kid", Area: AreaAuth, Source: authSrc(FromDocs, "[D4] key lookup by kid"),
			Rule: "a token naming a key that is not in the pool's JWKS is refused", Needs: tok,
			Requests: "sign in; GUAVC with the header's kid replaced",
			Expect:   invalid,
			run: forged(func(_ context.Context, _ *harness, t string) (string, error) {
				return jws.WithHeader(t, "kid", "cogload-unknown-kid")
			}),
		},
		{
			ID: "auth.expired", Area: AreaAuth, Source: authSrc(FromObserved, "[I10]"),
			Rule:     "an expired access token gives \"Access Token has expired\"",
			Needs:    []Need{NeedMock},
			Requests: "mint an expired access token (side door); GUAVC",
			Expect:   notAuthorized(cognito.MsgAccessTokenExpired),
			run:      minted("expired"),
		},
		{
			ID: "auth.revoked-global-sign-out", Area: AreaAuth, Source: authSrc(FromObserved, "[I11] [M1] GlobalSignOut"),
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
			ID: "auth.revoked-revoke-token", Area: AreaAuth, Source: authSrc(FromDocs, "[M1] RevokeToken; [F1] origin_jti"),
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
			ID: "auth.revoked-admin-sign-out", Area: AreaAuth, Source: authSrc(FromDocs, "[M1] AdminUserGlobalSignOut"),
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
			ID: "auth.refreshed-token", Area: AreaAuth, Source: authSrc(FromDocs, "[G1] REFRESH_TOKEN_AUTH"),
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
			ID: "auth.id-token", Area: AreaAuth, Source: authSrc(FromDocs, "[D3] token_use, separate keys"),
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
			ID: "auth.other-pool", Area: AreaAuth, Source: authSrc(FromDocs, "[D4] iss must be the pool"),
			Rule:     "an access token of another user pool is refused",
			Needs:    []Need{NeedOtherPool},
			Requests: "a token of a second pool (its user, or minted by the mock); GUAVC against the main pool",
			Expect:   invalid,
			run: func(ctx context.Context, h *harness) (*Observation, error) {
				var tok string
				if other, err := h.role(RoleOtherPool); err == nil {
					u, err := other.user("", nil)
					if err != nil {
						return nil, err
					}
					tk, err := other.login(ctx, u)
					if err != nil {
						return nil, err
					}
					tok = tk.Access
				} else {
					u, err := h.pick("with an email address", hasEmail, false)
					if err != nil {
						return nil, err
					}
					if tok, err = h.main.mint(ctx, u.Username, "other_pool"); err != nil {
						return nil, err
					}
				}
				return h.main.guavc(ctx, tok, "email", nil)
			},
		},
		{
			ID: "auth.other-client", Area: AreaAuth, Source: authSrc(FromDocs, "[D4] client_id must be an app client of the pool"),
			Rule:      "an access token naming an app client the pool doesn't have is refused",
			Uncertain: "no capture: accepts NotAuthorizedException or ResourceNotFoundException",
			Needs:     []Need{NeedOtherClient},
			Requests:  "mint a token for an unknown client (side door); GUAVC",
			Expect:    Expect{ErrorType: cognito.ErrNotAuthorized, AltErrorTypes: []string{cognito.ErrResourceNotFound}},
			run:       minted("other_client"),
		},
		{
			ID: "auth.missing-scope", Area: AreaAuth, Source: authSrc(FromObserved, "[I12] aws.cognito.signin.user.admin"),
			Rule:     "an access token without aws.cognito.signin.user.admin gives \"Access Token does not have required scopes\"",
			Needs:    []Need{NeedMock},
			Requests: "mint a token with scope openid only (side door); GUAVC",
			Expect:   notAuthorized(cognito.MsgAccessTokenScopes),
			run:      minted("wrong_scope"),
		},
	}
}
