package users

import (
	"context"
	"strings"
	"sync"

	"github.com/cogload/cogload/idpclient"
)

// Status is a manifest user as the pool has them now.
type Status struct {
	Entry Entry
	// Found: the user exists; then Status and Enabled are the service's.
	Found   bool
	Status  string
	Enabled bool
}

// List looks up every user of the manifest not yet deleted. When the
// sign-in names share the manifest's prefix it pages through ListUsers
// filtered on that prefix (a page of 60 users a call); otherwise it asks
// AdminGetUser for each user. Either way only the manifest's users are
// reported: a user of the pool that merely shares the prefix is not.
func List(ctx context.Context, c *idpclient.Client, m *Manifest, p Pacing) ([]Status, error) {
	p = p.withDefaults()
	var out []Status
	for _, e := range m.Users {
		if e.State != StateDeleted {
			out = append(out, Status{Entry: e})
		}
	}
	if len(out) == 0 {
		return out, nil
	}
	if attr, prefix, ok := m.listFilter(); ok {
		return out, listByPrefix(ctx, c, m.Target.UserPoolID, attr, prefix, p, out)
	}
	throttles := &throttleCounter{}
	var mu sync.Mutex
	var firstErr error
	p.run(ctx, len(out), func(ctx context.Context, i int) bool {
		var u idpclient.User
		err := throttles.do(ctx, p.Backoff, func(ctx context.Context) (err error) {
			u, err = c.AdminGetUser(ctx, m.Target.UserPoolID, out[i].Entry.Name())
			return err
		})
		mu.Lock()
		defer mu.Unlock()
		switch {
		case err == nil:
			out[i].Found, out[i].Status, out[i].Enabled = true, u.Status, u.Enabled
		case idpclient.NotFound(err):
		default:
			if firstErr == nil {
				firstErr = err
			}
			return false
		}
		return true
	})
	if firstErr == nil {
		firstErr = ctx.Err()
	}
	return out, firstErr
}

// listFilter is the ListUsers filter that finds the manifest's users: the
// longest common start of their sign-in names, when it holds the prefix.
func (m *Manifest) listFilter() (attr, prefix string, ok bool) {
	switch m.SignIn {
	case SignInUsername:
		attr = "username"
	case SignInEmail:
		attr = "email"
	default:
		return "", "", false
	}
	var common string
	for i, e := range m.Users {
		if i == 0 {
			common = e.Login
			continue
		}
		for !strings.HasPrefix(e.Login, common) {
			common = common[:len(common)-1]
		}
	}
	if !strings.Contains(common, m.Prefix) || strings.ContainsAny(common, `"\`) {
		return "", "", false
	}
	return attr, common, true
}

func listByPrefix(ctx context.Context, c *idpclient.Client, poolID, attr, prefix string, p Pacing, out []Status) error {
	byName := map[string]idpclient.User{}
	byLogin := map[string]idpclient.User{}
	throttles := &throttleCounter{}
	pace := newPacer(p.Rate)
	page := ""
	for {
		if err := pace.wait(ctx); err != nil {
			return err
		}
		var users []idpclient.User
		var next string
		err := throttles.do(ctx, p.Backoff, func(ctx context.Context) (err error) {
			users, next, err = c.ListUsers(ctx, poolID, attr+` ^= "`+prefix+`"`, page)
			return err
		})
		if err != nil {
			return err
		}
		for _, u := range users {
			byName[u.Username] = u
			if attr == "username" {
				byLogin[u.Username] = u
			} else if v, ok := u.Attribute(attr); ok {
				byLogin[v] = u
			}
		}
		if next == "" {
			break
		}
		page = next
	}
	for i, s := range out {
		u, ok := byName[s.Entry.Username]
		if !ok && s.Entry.Username == "" {
			u, ok = byLogin[s.Entry.Login]
		}
		if ok {
			out[i].Found, out[i].Status, out[i].Enabled = true, u.Status, u.Enabled
		}
	}
	return nil
}
