package mock

import (
	"crypto/subtle"
	"fmt"
	"strings"
	"time"

	"github.com/cogload/cogload/cognito"
	"github.com/cogload/cogload/internal/jws"
)

// refreshToken is the server-side record behind an opaque refresh token.
type refreshToken struct {
	pool      *pool
	client    *client
	user      *user
	originJTI string
	authTime  time.Time
	expires   time.Time
}

var authFlows = []string{"USER_SRP_AUTH", "REFRESH_TOKEN_AUTH", "REFRESH_TOKEN", "CUSTOM_AUTH", "ADMIN_NO_SRP_AUTH", "USER_PASSWORD_AUTH", "ADMIN_USER_PASSWORD_AUTH", "USER_AUTH"}

// findClient looks a client id up across the account's pools.
func (s *Server) findClient(id string) (*pool, *client) {
	for _, p := range *s.pools.Load() {
		if p.deleted.Load() {
			continue
		}
		if c := p.client(id); c != nil && !c.deleted.Load() {
			return p, c
		}
	}
	return nil, nil
}

func (s *Server) initiateAuth(c *call) string {
	var in struct {
		AuthFlow       *string           `json:"AuthFlow"`
		ClientId       *string           `json:"ClientId"`
		AuthParameters map[string]string `json:"AuthParameters"`
	}
	if e := decodeInto(c.body, &in); e != nil {
		return s.fail(c, e)
	}
	var vp cognito.ValidationProblems
	if in.AuthFlow == nil {
		vp.Null("authFlow")
	} else if !contains(authFlows, *in.AuthFlow) {
		vp.Add("authFlow", *in.AuthFlow, false, fmt.Sprintf("Member must satisfy enum value set: %v", authFlows))
	}
	if in.ClientId == nil {
		vp.Null("clientId")
	}
	if e := vp.Err(); e != nil {
		return s.fail(c, e)
	}
	p, cl := s.findClient(*in.ClientId)
	if cl == nil {
		return s.fail(c, cognito.Errorf(cognito.ErrResourceNotFound, "User pool client %s does not exist.", sanitize(*in.ClientId)))
	}
	// The client names the pool, so the account: charge the category.
	if e := s.throttle(c); e != nil {
		return s.fail(c, e)
	}
	flow := *in.AuthFlow
	if flow == cognito.FlowRefreshToken {
		flow = cognito.FlowRefreshTokenAuth
	}
	if !cl.allows(flow) {
		return s.fail(c, cognito.Errorf(cognito.ErrInvalidParameter, "%s flow not enabled for this client", flow))
	}
	switch flow {
	case cognito.FlowUserPasswordAuth:
		return s.passwordAuth(c, p, cl, in.AuthParameters)
	case cognito.FlowRefreshTokenAuth:
		return s.refreshAuth(c, cl, in.AuthParameters)
	}
	return s.fail(c, cognito.Errorf(cognito.ErrInvalidParameter, "%s flow is not supported by the mock", flow))
}

func (s *Server) passwordAuth(c *call, p *pool, cl *client, params map[string]string) string {
	name, ok := params["USERNAME"]
	if !ok {
		return s.fail(c, cognito.NewError(cognito.ErrInvalidParameter, "Missing required parameter USERNAME"))
	}
	password, ok := params["PASSWORD"]
	if !ok {
		return s.fail(c, cognito.NewError(cognito.ErrInvalidParameter, "Missing required parameter PASSWORD"))
	}
	u := p.users.get(name)
	if u == nil || u.state().deleted {
		return s.fail(c, cognito.NewError(cognito.ErrUserNotFound, cognito.MsgUserDoesNotExist))
	}
	u.mu.Lock()
	good := subtle.ConstantTimeCompare([]byte(u.password), []byte(password)) == 1
	st := userState{status: u.status, enabled: u.enabled}
	u.mu.Unlock()
	if !good {
		return s.fail(c, cognito.NewError(cognito.ErrNotAuthorized, cognito.MsgIncorrectCredentials))
	}
	if e := userStateError(st, false); e != nil {
		return s.fail(c, e)
	}
	if st.status == StatusForceChangePassword {
		return s.ok(c, cognito.InitiateAuthOutput{
			ChallengeName:       "NEW_PASSWORD_REQUIRED",
			Session:             s.uuid(),
			ChallengeParameters: map[string]string{"USER_ID_FOR_SRP": u.username, "requiredAttributes": "[]", "userAttributes": "{}"},
		})
	}
	sess := s.newSession(p, cl, u, c.now)
	rt := s.storeRefresh(sess, c.now)
	return s.ok(c, cognito.InitiateAuthOutput{AuthenticationResult: &cognito.AuthenticationResult{
		AccessToken: s.mintAccess(sess, c.now, nil), IdToken: s.mintID(sess, c.now), RefreshToken: rt,
		ExpiresIn: int32(cl.accessValidity / time.Second), TokenType: "Bearer",
	}})
}

// newSession starts a token family (origin_jti) for u.
func (s *Server) newSession(p *pool, cl *client, u *user, now time.Time) session {
	sess := session{pool: p, client: cl, user: u, originJTI: s.uuid(), authTime: now}
	u.mu.Lock()
	u.families = append(u.families, sess.originJTI)
	u.mu.Unlock()
	return sess
}

// storeRefresh records an opaque refresh token for sess. Its shape (five
// base64url segments) matches the service's encrypted tokens.
func (s *Server) storeRefresh(sess session, now time.Time) string {
	tok := "eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIiwiYWxnIjoiUlNBLU9BRVAifQ." + randSegment(s, 256) + "." + randSegment(s, 12) + "." + randSegment(s, 96) + "." + randSegment(s, 16)
	s.refreshMu.Lock()
	s.refresh[tok] = &refreshToken{pool: sess.pool, client: sess.client, user: sess.user, originJTI: sess.originJTI,
		authTime: sess.authTime, expires: now.Add(sess.client.refreshValidity)}
	s.refreshMu.Unlock()
	return tok
}

func randSegment(s *Server, n int) string {
	b := make([]byte, n)
	for i := 0; i < n; i += 8 {
		v := s.randUint64()
		for j := 0; j < 8 && i+j < n; j++ {
			b[i+j] = byte(v >> (8 * j))
		}
	}
	return jws.Encoding.EncodeToString(b)
}

func (s *Server) lookupRefresh(tok string) *refreshToken {
	s.refreshMu.Lock()
	defer s.refreshMu.Unlock()
	return s.refresh[tok]
}

func (s *Server) refreshAuth(c *call, cl *client, params map[string]string) string {
	tok, ok := params["REFRESH_TOKEN"]
	if !ok {
		return s.fail(c, cognito.NewError(cognito.ErrInvalidParameter, "Missing required parameter REFRESH_TOKEN"))
	}
	rt := s.lookupRefresh(tok)
	if rt == nil || rt.client != cl || !c.now.Before(rt.expires) {
		return s.fail(c, cognito.NewError(cognito.ErrNotAuthorized, cognito.MsgInvalidRefreshToken))
	}
	if s.isRevoked(rt.originJTI) {
		return s.fail(c, cognito.NewError(cognito.ErrNotAuthorized, "Refresh Token has been revoked"))
	}
	if e := userStateError(rt.user.state(), false); e != nil {
		return s.fail(c, e)
	}
	sess := session{pool: rt.pool, client: cl, user: rt.user, originJTI: rt.originJTI, authTime: rt.authTime}
	return s.ok(c, cognito.InitiateAuthOutput{AuthenticationResult: &cognito.AuthenticationResult{
		AccessToken: s.mintAccess(sess, c.now, nil), IdToken: s.mintID(sess, c.now),
		ExpiresIn: int32(cl.accessValidity / time.Second), TokenType: "Bearer",
	}})
}

// tokenCall decodes {"AccessToken": ...}, validates it and verifies it.
func (s *Server) tokenCall(c *call) (*verified, *cognito.Error) {
	var in struct {
		AccessToken *string `json:"AccessToken"`
	}
	if e := decodeInto(c.body, &in); e != nil {
		return nil, e
	}
	var vp cognito.ValidationProblems
	vp.ValidateAccessToken("accessToken", deref(in.AccessToken), in.AccessToken != nil)
	if e := vp.Err(); e != nil {
		return nil, e
	}
	v, e := s.verifyAccess(c, *in.AccessToken)
	if e != nil {
		return nil, e
	}
	// GetUser reads the user, GlobalSignOut writes it.
	keyed := s.perUserRead
	if c.op == cognito.OpGlobalSignOut {
		keyed = s.perUserWrite
	}
	if e := s.userRate(keyed, v.user.quotaKey, c.now); e != nil {
		return nil, e
	}
	return v, nil
}

func (s *Server) getUser(c *call) string {
	v, e := s.tokenCall(c)
	if e != nil {
		return s.fail(c, e)
	}
	return s.ok(c, struct {
		Username       string   `json:"Username"`
		UserAttributes []attrKV `json:"UserAttributes"`
	}{v.user.username, v.user.attributes()})
}

func (s *Server) globalSignOut(c *call) string {
	v, e := s.tokenCall(c)
	if e != nil {
		return s.fail(c, e)
	}
	s.signOut(v.user)
	return s.ok(c, struct{}{})
}

// signOut revokes every token family of u: all its access, ID and refresh
// tokens issued so far.
func (s *Server) signOut(u *user) {
	u.mu.Lock()
	fams := u.families
	u.families = nil
	u.mu.Unlock()
	s.revoke(fams...)
}

// revokeToken answers only the errors the API model declares for
// RevokeToken (op.revoke-token in docs/fidelity.md).
func (s *Server) revokeToken(c *call) string {
	var in struct {
		Token    *string `json:"Token"`
		ClientId *string `json:"ClientId"`
	}
	if e := decodeInto(c.body, &in); e != nil {
		return s.fail(c, e)
	}
	var vp cognito.ValidationProblems
	vp.ValidateAccessToken("token", deref(in.Token), in.Token != nil)
	if in.ClientId == nil {
		vp.Null("clientId")
	}
	if e := vp.Err(); e != nil {
		return s.fail(c, e)
	}
	_, cl := s.findClient(*in.ClientId)
	if cl == nil {
		return s.fail(c, cognito.NewError(cognito.ErrUnauthorized, ""))
	}
	if e := s.throttle(c); e != nil {
		return s.fail(c, e)
	}
	if strings.Count(*in.Token, ".") == 2 {
		// Access and ID tokens are JWTs (three segments); refresh tokens
		// are five-segment JWEs.
		return s.fail(c, cognito.NewError(cognito.ErrUnsupportedTokenType, ""))
	}
	rt := s.lookupRefresh(*in.Token)
	if rt == nil {
		// RFC 7009: revoking an unknown token succeeds.
		return s.ok(c, struct{}{})
	}
	if rt.client != cl {
		return s.fail(c, cognito.NewError(cognito.ErrUnauthorized, ""))
	}
	s.revoke(rt.originJTI)
	return s.ok(c, struct{}{})
}

func (s *Server) verifyUserAttribute(c *call) string {
	var in struct {
		AccessToken   *string `json:"AccessToken"`
		AttributeName *string `json:"AttributeName"`
		Code          *string `json:"Code"`
	}
	if e := decodeInto(c.body, &in); e != nil {
		return s.fail(c, e)
	}
	var vp cognito.ValidationProblems
	vp.ValidateAccessToken("accessToken", deref(in.AccessToken), in.AccessToken != nil)
	vp.ValidateAttributeName("attributeName", deref(in.AttributeName), in.AttributeName != nil)
	if in.Code == nil {
		vp.Null("code")
	} else if n := len(*in.Code); n < 1 || n > 2048 {
		vp.Add("code", "", true, "Member must have length between 1 and 2048")
	}
	if e := vp.Err(); e != nil {
		return s.fail(c, e)
	}
	v, e := s.verifyAccess(c, *in.AccessToken)
	if e != nil {
		return s.fail(c, e)
	}
	if e := s.userRate(s.perUserWrite, v.user.quotaKey, c.now); e != nil {
		return s.fail(c, e)
	}
	if !s.opts.noLimits && !s.verifies.Allow(v.user.quotaKey, c.now) {
		return s.fail(c, cognito.NewError(cognito.ErrLimitExceeded, cognito.MsgAttemptLimit))
	}
	attr := *in.AttributeName
	if !cognito.IsVerifiable(attr) {
		return s.fail(c, cognito.NewError(cognito.ErrInvalidParameter, cognito.MsgInvalidAttributeName))
	}
	if e := v.user.consumeCode(attr, *in.Code, c.now); e != nil {
		return s.fail(c, e)
	}
	return s.ok(c, struct{}{})
}

// consumeCode checks a verification code and, when it matches, marks the
// attribute verified. Only the newest code of an attribute counts.
func (u *user) consumeCode(attr, value string, now time.Time) *cognito.Error {
	u.mu.Lock()
	defer u.mu.Unlock()
	cd := u.codes[attr]
	switch {
	case cd == nil:
		return cognito.NewError(cognito.ErrCodeMismatch, cognito.MsgCodeMismatch)
	case cd.used || !now.Before(cd.expires):
		return cognito.NewError(cognito.ErrExpiredCode, cognito.MsgExpiredCode)
	case subtle.ConstantTimeCompare([]byte(cd.value), []byte(value)) != 1:
		return cognito.NewError(cognito.ErrCodeMismatch, cognito.MsgCodeMismatch)
	}
	cd.used = true
	u.attrs[attr+"_verified"] = "true"
	u.modified = now
	return nil
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
