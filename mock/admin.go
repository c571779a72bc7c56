package mock

import (
	"strings"
	"time"

	"github.com/cogload/cogload/cognito"
)

// Administrative operations, enough for the conformance suite to provision
// a temporary pool. The real service requires SigV4 on them; the mock
// accepts any (or no) signature.

type adminUserInput struct {
	UserPoolId *string `json:"UserPoolId"`
	Username   *string `json:"Username"`
}

func epoch(t time.Time) float64 { return float64(t.UnixMilli()) / 1000 }

// adminPool resolves a required UserPoolId member.
func (s *Server) adminPool(id *string) (*pool, *cognito.Error) {
	if id == nil {
		var vp cognito.ValidationProblems
		vp.Null("userPoolId")
		return nil, vp.Err()
	}
	p := s.poolByID(*id)
	if p == nil || p.deleted.Load() {
		return nil, cognito.Errorf(cognito.ErrResourceNotFound, "User pool %s does not exist.", sanitize(*id))
	}
	return p, nil
}

// adminUser decodes {UserPoolId, Username} from the body into in (which
// embeds adminUserInput) and resolves the live user.
func (s *Server) adminUser(c *call, in any, base *adminUserInput) (*pool, *user, *cognito.Error) {
	if e := decodeInto(c.body, in); e != nil {
		return nil, nil, e
	}
	var vp cognito.ValidationProblems
	if base.UserPoolId == nil {
		vp.Null("userPoolId")
	}
	if base.Username == nil {
		vp.Null("username")
	}
	if e := vp.Err(); e != nil {
		return nil, nil, e
	}
	p, e := s.adminPool(base.UserPoolId)
	if e != nil {
		return nil, nil, e
	}
	u := p.users.get(*base.Username)
	if u == nil || u.state().deleted {
		return nil, nil, cognito.NewError(cognito.ErrUserNotFound, cognito.MsgUserDoesNotExist)
	}
	return p, u, nil
}

func (s *Server) createUserPool(c *call) string {
	var in struct {
		PoolName           *string  `json:"PoolName"`
		UsernameAttributes []string `json:"UsernameAttributes"`
		Policies           *struct {
			PasswordPolicy *struct {
				MinimumLength                                                      *int
				RequireUppercase, RequireLowercase, RequireNumbers, RequireSymbols *bool
			}
		} `json:"Policies"`
		EmailConfiguration *struct {
			EmailSendingAccount string `json:"EmailSendingAccount"`
		} `json:"EmailConfiguration"`
	}
	if e := decodeInto(c.body, &in); e != nil {
		return s.fail(c, e)
	}
	if in.PoolName == nil {
		var vp cognito.ValidationProblems
		vp.Null("poolName")
		return s.fail(c, vp.Err())
	}
	cfg := &Config{Name: *in.PoolName, Region: s.cfg.Region, UsernameAttributes: in.UsernameAttributes}
	if in.EmailConfiguration != nil && in.EmailConfiguration.EmailSendingAccount == SendingDeveloper {
		cfg.Delivery.Email.SendingAccount = SendingDeveloper
	}
	if in.Policies != nil && in.Policies.PasswordPolicy != nil {
		pp := in.Policies.PasswordPolicy
		cfg.PasswordPolicy = PasswordPolicyConfig{MinimumLength: pp.MinimumLength, RequireUppercase: pp.RequireUppercase,
			RequireLowercase: pp.RequireLowercase, RequireNumbers: pp.RequireNumbers, RequireSymbols: pp.RequireSymbols}
	}
	if ps := cfg.validatePool(); len(ps) > 0 {
		return s.fail(c, cognito.NewError(cognito.ErrInvalidParameter, strings.TrimPrefix(yamlPath(ps[0].path...), "$.")+": "+ps[0].msg))
	}
	d := cfg.withDefaults()
	d.Clients = nil
	p, err := s.addPool(d)
	if err != nil {
		return s.fail(c, cognito.NewError(cognito.ErrInternalError, ""))
	}
	return s.ok(c, map[string]any{"UserPool": poolView(p)})
}

// requestPool resolves the pool of a request whose only member is
// UserPoolId.
func (s *Server) requestPool(c *call) (*pool, *cognito.Error) {
	var in struct {
		UserPoolId *string `json:"UserPoolId"`
	}
	if e := decodeInto(c.body, &in); e != nil {
		return nil, e
	}
	return s.adminPool(in.UserPoolId)
}

func (s *Server) deleteUserPool(c *call) string {
	p, e := s.requestPool(c)
	if e != nil {
		return s.fail(c, e)
	}
	if p == s.def {
		return s.fail(c, cognito.NewError(cognito.ErrInvalidParameter, "The configured user pool of the mock cannot be deleted."))
	}
	p.deleted.Store(true)
	return s.ok(c, struct{}{})
}

// validityUnit converts a token validity with its unit (the service's
// defaults: hours for access and ID tokens, days for refresh tokens).
func validityUnit(v int64, unit string, def time.Duration) time.Duration {
	switch unit {
	case "seconds":
		return time.Duration(v) * time.Second
	case "minutes":
		return time.Duration(v) * time.Minute
	case "hours":
		return time.Duration(v) * time.Hour
	case "days":
		return time.Duration(v) * 24 * time.Hour
	}
	return time.Duration(v) * def
}

func (s *Server) createUserPoolClient(c *call) string {
	var in struct {
		UserPoolId           *string  `json:"UserPoolId"`
		ClientName           *string  `json:"ClientName"`
		ExplicitAuthFlows    []string `json:"ExplicitAuthFlows"`
		AccessTokenValidity  int64    `json:"AccessTokenValidity"`
		IdTokenValidity      int64    `json:"IdTokenValidity"`
		RefreshTokenValidity int64    `json:"RefreshTokenValidity"`
		TokenValidityUnits   struct {
			AccessToken, IdToken, RefreshToken string
		} `json:"TokenValidityUnits"`
	}
	if e := decodeInto(c.body, &in); e != nil {
		return s.fail(c, e)
	}
	var vp cognito.ValidationProblems
	if in.UserPoolId == nil {
		vp.Null("userPoolId")
	}
	if in.ClientName == nil {
		vp.Null("clientName")
	}
	for _, f := range in.ExplicitAuthFlows {
		if !knownFlows[f] {
			vp.Add("explicitAuthFlows", f, false, "Member must satisfy enum value set")
		}
	}
	if e := vp.Err(); e != nil {
		return s.fail(c, e)
	}
	p, e := s.adminPool(in.UserPoolId)
	if e != nil {
		return s.fail(c, e)
	}
	flows := in.ExplicitAuthFlows
	if len(flows) == 0 {
		flows = []string{"ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_CUSTOM_AUTH"}
	}
	cc := ClientConfig{Name: *in.ClientName, ExplicitAuthFlows: flows,
		AccessTokenValidity:  validityUnit(in.AccessTokenValidity, in.TokenValidityUnits.AccessToken, time.Hour),
		IDTokenValidity:      validityUnit(in.IdTokenValidity, in.TokenValidityUnits.IdToken, time.Hour),
		RefreshTokenValidity: validityUnit(in.RefreshTokenValidity, in.TokenValidityUnits.RefreshToken, 24*time.Hour)}
	if cc.AccessTokenValidity == 0 {
		cc.AccessTokenValidity = DefaultTokenValidity
	}
	if cc.IDTokenValidity == 0 {
		cc.IDTokenValidity = DefaultTokenValidity
	}
	if cc.RefreshTokenValidity == 0 {
		cc.RefreshTokenValidity = DefaultRefreshValidity
	}
	id := ""
	for range 26 {
		id += string("abcdefghijklmnopqrstuvwxyz0123456789"[s.randUint64()%36])
	}
	cl := newClient(id, cc)
	cl.created = c.now
	p.addClient(cl)
	return s.ok(c, map[string]any{"UserPoolClient": clientView(p, cl)})
}

func (s *Server) deleteUserPoolClient(c *call) string {
	var in struct {
		UserPoolId *string `json:"UserPoolId"`
		ClientId   *string `json:"ClientId"`
	}
	if e := decodeInto(c.body, &in); e != nil {
		return s.fail(c, e)
	}
	p, e := s.adminPool(in.UserPoolId)
	if e != nil {
		return s.fail(c, e)
	}
	cl := p.client(deref(in.ClientId))
	if cl == nil || cl.deleted.Load() {
		return s.fail(c, cognito.Errorf(cognito.ErrResourceNotFound, "User pool client %s does not exist.", sanitize(deref(in.ClientId))))
	}
	cl.deleted.Store(true)
	return s.ok(c, struct{}{})
}

func (s *Server) adminUserView(u *user) map[string]any {
	attrs := u.attributes()
	u.mu.Lock()
	defer u.mu.Unlock()
	return map[string]any{
		"Username": u.username, "Attributes": attrs, "UserCreateDate": epoch(u.created),
		"UserLastModifiedDate": epoch(u.modified), "Enabled": u.enabled, "UserStatus": u.status,
	}
}

func (s *Server) adminSetUserPassword(c *call) string {
	var in struct {
		adminUserInput
		Password  *string `json:"Password"`
		Permanent bool    `json:"Permanent"`
	}
	p, u, e := s.adminUser(c, &in, &in.adminUserInput)
	if e != nil {
		return s.fail(c, e)
	}
	if in.Password == nil || *in.Password == "" {
		var vp cognito.ValidationProblems
		vp.Null("password")
		return s.fail(c, vp.Err())
	}
	if msg := p.cfg.passwordPolicy().passwordProblem(*in.Password); msg != "" {
		return s.fail(c, cognito.NewError(cognito.ErrInvalidPassword, msg))
	}
	u.mu.Lock()
	u.password = *in.Password
	if in.Permanent {
		if u.status == StatusForceChangePassword || u.status == StatusResetRequired {
			u.status = StatusConfirmed
		}
	} else {
		u.status = StatusForceChangePassword
	}
	u.modified = c.now
	u.mu.Unlock()
	return s.ok(c, struct{}{})
}

func (s *Server) adminGetUser(c *call) string {
	var in adminUserInput
	_, u, e := s.adminUser(c, &in, &in)
	if e != nil {
		return s.fail(c, e)
	}
	v := s.adminUserView(u)
	v["UserAttributes"] = v["Attributes"]
	delete(v, "Attributes")
	return s.ok(c, v)
}

func (s *Server) adminDisableUser(c *call) string {
	var in adminUserInput
	_, u, e := s.adminUser(c, &in, &in)
	if e != nil {
		return s.fail(c, e)
	}
	u.mu.Lock()
	u.enabled, u.modified = false, c.now
	u.mu.Unlock()
	s.signOut(u)
	return s.ok(c, struct{}{})
}

func (s *Server) adminEnableUser(c *call) string {
	var in adminUserInput
	_, u, e := s.adminUser(c, &in, &in)
	if e != nil {
		return s.fail(c, e)
	}
	u.mu.Lock()
	u.enabled, u.modified = true, c.now
	u.mu.Unlock()
	return s.ok(c, struct{}{})
}

func (s *Server) adminDeleteUser(c *call) string {
	var in adminUserInput
	p, u, e := s.adminUser(c, &in, &in)
	if e != nil {
		return s.fail(c, e)
	}
	u.mu.Lock()
	u.deleted = true
	u.mu.Unlock()
	p.releaseAliases(u)
	// Tokens are not revoked: they answer UserNotFoundException, as the
	// service does for a user who no longer exists.
	return s.ok(c, struct{}{})
}

func (s *Server) adminUserGlobalSignOut(c *call) string {
	var in adminUserInput
	_, u, e := s.adminUser(c, &in, &in)
	if e != nil {
		return s.fail(c, e)
	}
	s.signOut(u)
	return s.ok(c, struct{}{})
}

func (s *Server) adminUpdateUserAttributes(c *call) string {
	var in struct {
		adminUserInput
		UserAttributes []attrKV `json:"UserAttributes"`
	}
	p, u, e := s.adminUser(c, &in, &in.adminUserInput)
	if e == nil {
		e = checkAttributeFormats(in.UserAttributes)
	}
	if e != nil {
		return s.fail(c, e)
	}
	if e := p.moveAliases(u, in.UserAttributes); e != nil {
		return s.fail(c, e)
	}
	u.mu.Lock()
	for _, a := range in.UserAttributes {
		old, had := u.attrs[a.Name]
		u.attrs[a.Name] = a.Value
		if (a.Name == "email" || a.Name == "phone_number") && (!had || old != a.Value) {
			if !hasAttr(in.UserAttributes, a.Name+"_verified") {
				u.attrs[a.Name+"_verified"] = "false"
			}
		}
	}
	u.modified = c.now
	u.mu.Unlock()
	return s.ok(c, struct{}{})
}

func hasAttr(list []attrKV, name string) bool {
	for _, a := range list {
		if a.Name == name {
			return true
		}
	}
	return false
}
