package mock

import (
	"encoding/base64"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/cogload/cogload/cognito"
)

// Users in pools that sign in with an email address or phone number
// (UsernameAttributes): the address given as Username becomes the email
// (or phone_number) attribute, the user's username is a generated UUID
// equal to sub, and every operation taking a username accepts the address
// too. A Username of the wrong shape is refused with
// InvalidParameterException "Username should be an email." (observed:
// boto/boto3#3836, AdminCreateUser) or "Username should be a phone number."
// (observed on SignUp: mobilequickie/amplify-passwordless-sms-auth#13);
// the text for pools allowing both is inferred. The generated username is
// observed (getmoto/moto#4249, against the real service). An email
// Username has the shape the email attribute must have (plausibleEmail).

// signInAttribute says which attribute a new user's Username is in a pool
// with UsernameAttributes ("" for free-form usernames).
func (p *pool) signInAttribute(username string) (string, *cognito.Error) {
	c := p.cfg
	if len(c.UsernameAttributes) == 0 {
		return "", nil
	}
	switch {
	case c.usernameIs(UsernameEmail) && plausibleEmail(username):
		return cognito.AttributeEmail, nil
	case c.usernameIs(UsernamePhone) && phoneRE.MatchString(username):
		return cognito.AttributePhoneNumber, nil
	case c.usernameIs(UsernameEmail) && c.usernameIs(UsernamePhone):
		return "", cognito.NewError(cognito.ErrInvalidParameter, "Username should be either an email or a phone number.")
	case c.usernameIs(UsernameEmail):
		return "", cognito.NewError(cognito.ErrInvalidParameter, "Username should be an email.")
	}
	return "", cognito.NewError(cognito.ErrInvalidParameter, "Username should be a phone number.")
}

// aliasAttributes are the attributes that sign users in (the username
// attributes are named as the attributes they use).
func (p *pool) aliasAttributes() []string { return p.cfg.UsernameAttributes }

// claimAliases registers the sign-in addresses of the configured users.
func (p *pool) claimAliases() error {
	for _, u := range p.users.all() {
		for _, a := range p.aliasAttributes() {
			if v := u.attr(a); v != "" && !p.users.claimAlias(v, u.username) {
				return fmt.Errorf("users %q and another share the %s %s, which signs users in", u.username, a, v)
			}
		}
	}
	return nil
}

// releaseAliases frees a deleted user's sign-in addresses.
func (p *pool) releaseAliases(u *user) {
	for _, a := range p.aliasAttributes() {
		if v := u.attr(a); v != "" {
			p.users.dropAlias(v, u.username)
		}
	}
}

// moveAliases follows a change of a sign-in address: the new one must be
// free (UsernameExistsException otherwise) and the old one is released.
func (p *pool) moveAliases(u *user, attrs []attrKV) *cognito.Error {
	for _, a := range attrs {
		if !slices.Contains(p.aliasAttributes(), a.Name) {
			continue
		}
		old := u.attr(a.Name)
		if old == a.Value {
			continue
		}
		if a.Value != "" && !p.users.claimAlias(a.Value, u.username) {
			return aliasTaken(a.Name)
		}
		if old != "" {
			p.users.dropAlias(old, u.username)
		}
	}
	return nil
}

// aliasTaken is the answer to a second user with the same sign-in
// address: "An account with the given email already exists." is the
// service's observed SignUp message (amplify-js issues); the AdminCreateUser
// wording is assumed to match.
func aliasTaken(attr string) *cognito.Error {
	return cognito.Errorf(cognito.ErrUsernameExists, "An account with the given %s already exists.", attr)
}

func (s *Server) adminCreateUser(c *call) string {
	var in struct {
		adminUserInput
		UserAttributes    []attrKV `json:"UserAttributes"`
		TemporaryPassword *string  `json:"TemporaryPassword"`
		MessageAction     string   `json:"MessageAction"`
	}
	if e := decodeInto(c.body, &in); e != nil {
		return s.fail(c, e)
	}
	var vp cognito.ValidationProblems
	if in.UserPoolId == nil {
		vp.Null("userPoolId")
	}
	if in.Username == nil {
		vp.Null("username")
	}
	if e := vp.Err(); e != nil {
		return s.fail(c, e)
	}
	p, e := s.adminPool(in.UserPoolId)
	if e != nil {
		return s.fail(c, e)
	}
	signIn, e := p.signInAttribute(*in.Username)
	if e != nil {
		return s.fail(c, e)
	}
	pw := deref(in.TemporaryPassword)
	if pw == "" {
		pw = "Tmp-" + s.uuid()
	} else if msg := p.cfg.passwordPolicy().passwordProblem(pw); msg != "" {
		return s.fail(c, cognito.NewError(cognito.ErrInvalidPassword, msg))
	}
	u := &user{username: *in.Username, sub: s.uuid(), password: pw, status: StatusForceChangePassword, enabled: true,
		attrs: map[string]string{}, created: c.now, modified: c.now}
	for _, a := range in.UserAttributes {
		u.attrs[a.Name] = a.Value
	}
	if signIn != "" {
		u.username = u.sub
		u.attrs[signIn] = *in.Username
	}
	for _, k := range []string{"email", "phone_number"} {
		if _, ok := u.attrs[k]; ok {
			if _, set := u.attrs[k+"_verified"]; !set {
				u.attrs[k+"_verified"] = "false"
			}
		}
	}
	var claimed []string
	for _, a := range p.aliasAttributes() {
		if v := u.attrs[a]; v != "" {
			if !p.users.claimAlias(v, u.username) {
				for _, done := range claimed {
					p.users.dropAlias(done, u.username)
				}
				return s.fail(c, aliasTaken(a))
			}
			claimed = append(claimed, v)
		}
	}
	if !p.users.put(u) {
		return s.fail(c, cognito.NewError(cognito.ErrUsernameExists, ""))
	}
	return s.ok(c, map[string]any{"User": s.adminUserView(u)})
}

// listUsersFilter is ListUsers' Filter: `name = "value"` (exact) or
// `name ^= "value"` (prefix), quotes inside the value escaped with a
// backslash (API model, ListUsersRequest.Filter).
var listUsersFilter = regexp.MustCompile(`^\s*([A-Za-z_:]+)\s*(\^?=)\s*"((?:[^"\\]|\\.)*)"\s*$`)

var filterEscape = regexp.MustCompile(`\\(.)`)

// searchable are the attributes ListUsers filters on (API model).
var searchable = []string{"username", "email", "phone_number", "name", "given_name", "family_name", "preferred_username", "cognito:user_status", "status", "sub"}

// userFilter is a parsed Filter; the zero value matches every user.
type userFilter struct {
	attr, value string
	prefix      bool
}

func parseUserFilter(f string) (userFilter, *cognito.Error) {
	if strings.TrimSpace(f) == "" {
		return userFilter{}, nil
	}
	m := listUsersFilter.FindStringSubmatch(f)
	if m == nil {
		return userFilter{}, cognito.NewError(cognito.ErrInvalidParameter, "Error while parsing filter.")
	}
	if !slices.Contains(searchable, m[1]) {
		return userFilter{}, cognito.Errorf(cognito.ErrInvalidParameter, "Invalid search attribute: %s", sanitize(m[1]))
	}
	value := filterEscape.ReplaceAllString(m[3], "$1")
	return userFilter{attr: m[1], value: value, prefix: m[2] == "^="}, nil
}

func (f userFilter) matches(u *user) bool {
	if f.attr == "" {
		return true
	}
	u.mu.Lock()
	var got string
	fold := false
	switch f.attr {
	case "username":
		got = u.username
	case "sub":
		got = u.sub
	case "cognito:user_status":
		got, fold = u.status, true
	case "status":
		got, fold = "Disabled", true
		if u.enabled {
			got = "Enabled"
		}
	default:
		got = u.attrs[f.attr]
	}
	u.mu.Unlock()
	want := f.value
	if fold {
		got, want = strings.ToLower(got), strings.ToLower(want)
	}
	if f.prefix {
		return strings.HasPrefix(got, want)
	}
	return got == want
}

// listUsersLimit is ListUsers' largest and default page (QueryLimitType).
const listUsersLimit = 60

// listUsers pages through the live users in creation order. The
// pagination token is opaque to clients; here it is the position in the
// store's creation order, so users created or deleted between pages
// neither repeat nor shift the listing.
func (s *Server) listUsers(c *call) string {
	var in struct {
		UserPoolId      *string  `json:"UserPoolId"`
		AttributesToGet []string `json:"AttributesToGet"`
		Limit           *int64   `json:"Limit"`
		PaginationToken *string  `json:"PaginationToken"`
		Filter          *string  `json:"Filter"`
	}
	if e := decodeInto(c.body, &in); e != nil {
		return s.fail(c, e)
	}
	var vp cognito.ValidationProblems
	if in.UserPoolId == nil {
		vp.Null("userPoolId")
	}
	limit := int64(listUsersLimit)
	if in.Limit != nil {
		switch {
		case *in.Limit > listUsersLimit:
			vp.Add("limit", strconv.FormatInt(*in.Limit, 10), false, "Member must have value less than or equal to 60")
		case *in.Limit < 0:
			vp.Add("limit", strconv.FormatInt(*in.Limit, 10), false, "Member must have value greater than or equal to 0")
		case *in.Limit > 0:
			limit = *in.Limit
		}
	}
	if f := deref(in.Filter); len(f) > 256 {
		vp.Add("filter", sanitize(f), false, "Member must have length less than or equal to 256")
	}
	if e := vp.Err(); e != nil {
		return s.fail(c, e)
	}
	p, e := s.adminPool(in.UserPoolId)
	if e != nil {
		return s.fail(c, e)
	}
	filter, e := parseUserFilter(deref(in.Filter))
	if e != nil {
		return s.fail(c, e)
	}
	start := 0
	if in.PaginationToken != nil {
		n, err := decodePageToken(*in.PaginationToken)
		if err != nil {
			return s.fail(c, cognito.NewError(cognito.ErrInvalidParameter, "Invalid pagination token."))
		}
		start = n
	}
	p.users.mu.Lock()
	order := p.users.order[min(start, len(p.users.order)):]
	names := append([]string(nil), order...)
	p.users.mu.Unlock()
	users := []map[string]any{}
	next := -1
	for i, name := range names {
		u := p.users.byUsername(name)
		if u == nil || u.state().deleted || !filter.matches(u) {
			continue
		}
		if int64(len(users)) == limit {
			next = start + i
			break
		}
		users = append(users, s.userView(u, in.AttributesToGet))
	}
	out := map[string]any{"Users": users}
	if next >= 0 {
		out["PaginationToken"] = encodePageToken(next)
	}
	return s.ok(c, out)
}

// userView is UserType, with only the attributes asked for when
// AttributesToGet is given.
func (s *Server) userView(u *user, only []string) map[string]any {
	v := s.adminUserView(u)
	if only != nil {
		var kept []attrKV
		for _, a := range v["Attributes"].([]attrKV) {
			if slices.Contains(only, a.Name) {
				kept = append(kept, a)
			}
		}
		v["Attributes"] = kept
	}
	return v
}

func encodePageToken(n int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("cogload-users:" + strconv.Itoa(n)))
}

func decodePageToken(t string) (int, error) {
	b, err := base64.RawURLEncoding.DecodeString(t)
	if err != nil {
		return 0, err
	}
	n, ok := strings.CutPrefix(string(b), "cogload-users:")
	if !ok {
		return 0, fmt.Errorf("not a page token")
	}
	i, err := strconv.Atoi(n)
	if err != nil || i < 0 {
		return 0, fmt.Errorf("not a page token")
	}
	return i, nil
}
