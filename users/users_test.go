package users_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode"

	"github.com/cogload/cogload/cognito"
	"github.com/cogload/cogload/domain"
	"github.com/cogload/cogload/idpclient"
	"github.com/cogload/cogload/internal/mocktest"
	"github.com/cogload/cogload/mock"
	"github.com/cogload/cogload/users"
)

// pool is a mock served for one test, reached through idpclient.
type pool struct {
	t      *testing.T
	client *idpclient.Client
	target users.Target
	dir    string
}

func newPool(t *testing.T, cfg *mock.Config, wrap func(http.Handler) http.Handler) *pool {
	t.Helper()
	m := mocktest.StartConfig(t, cfg, wrap)
	return &pool{t: t, client: idpclient.New(idpclient.Config{Endpoint: m.URL, Region: m.Info.Region, HTTPClient: m.HTTP}),
		target: users.Target{UserPoolID: m.Info.UserPoolID, Endpoint: m.URL, ClientID: m.Info.ClientID}, dir: t.TempDir()}
}

func (p *pool) opts(count int) users.CreateOptions {
	return users.CreateOptions{Client: p.client, Target: p.target, Count: count,
		Manifest: filepath.Join(p.dir, "users.manifest.json"), Users: filepath.Join(p.dir, "users.csv"),
		Pacing: users.Pacing{Rate: 2000, Concurrency: 8, Backoff: idpclient.Backoff{Base: time.Millisecond}}}
}

// usernames lists the pool's live users.
func (p *pool) usernames() []string { return mocktest.Usernames(p.t, p.client, p.target.UserPoolID) }

func (p *pool) readUsers(path string) []domain.Credential {
	p.t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		p.t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if lines[0] != "username,password" {
		p.t.Fatalf("users file starts %q", lines[0])
	}
	var out []domain.Credential
	for _, l := range lines[1:] {
		u, pw, _ := strings.Cut(l, ",")
		out = append(out, domain.Credential{Username: u, Password: pw})
	}
	return out
}

func loadManifest(t *testing.T, path string) *users.Manifest {
	t.Helper()
	m, err := users.LoadManifest(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// noSecrets fails when a password appears in any of texts.
func noSecrets(t *testing.T, creds []domain.Credential, texts ...string) {
	t.Helper()
	for _, c := range creds {
		for _, s := range texts {
			if strings.Contains(s, c.Password) {
				t.Fatalf("a password appears outside the users file: %.200s", s)
			}
		}
	}
}

func TestNewPasswordMeetsEveryPolicy(t *testing.T) {
	for _, policy := range []idpclient.PasswordPolicy{
		idpclient.DefaultPasswordPolicy,
		{MinimumLength: 6},
		{MinimumLength: 99, RequireUppercase: true, RequireSymbols: true},
	} {
		seen := map[string]bool{}
		for range 50 {
			pw := users.NewPassword(policy)
			if len(pw) < max(policy.MinimumLength, 24) || strings.ContainsAny(pw, `,"' \`) || seen[pw] {
				t.Fatalf("password %q for %+v", pw, policy)
			}
			seen[pw] = true
			for _, class := range []func(rune) bool{unicode.IsUpper, unicode.IsLower, unicode.IsDigit, func(r rune) bool { return unicode.IsPunct(r) || unicode.IsSymbol(r) }} {
				if strings.IndexFunc(pw, class) < 0 {
					t.Fatalf("password %q lacks a character class", pw)
				}
			}
		}
	}
}

// Create, List and Delete on a pool that already has users: Delete leaves
// the pool as it was, and spares a user that only shares the prefix.
func TestCreateListDelete(t *testing.T) {
	p := newPool(t, nil, nil)
	ctx := context.Background()
	before := p.usernames()
	var progress []users.Progress
	o := p.opts(30)
	o.Pacing.Concurrency = 1 // progress in order
	o.Progress = func(pr users.Progress) { progress = append(progress, pr) }
	rep, err := users.Create(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Created != 30 || rep.Ready != 30 || len(progress) != 30 || progress[29].Done != 30 || progress[29].Total != 30 {
		t.Fatalf("report %+v, %d progress reports", rep, len(progress))
	}
	fi, err := os.Stat(o.Users)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("users file: %v, mode %v", err, fi.Mode().Perm())
	}
	creds := p.readUsers(o.Users)
	m := loadManifest(t, o.Manifest)
	if len(creds) != 30 || len(m.Users) != 30 || m.SignIn != users.SignInUsername || m.Target.ClientID != p.target.ClientID {
		t.Fatalf("%d credentials, manifest %+v", len(creds), m)
	}
	for i, e := range m.Users {
		if e.State != users.StateReady || e.Username != e.Login || creds[i].Username != e.Login ||
			e.Email != "success+"+e.Label+"@simulator.amazonses.com" || e.Phone != "" {
			t.Fatalf("entry %d = %+v, credential %q", i, e, creds[i].Username)
		}
	}
	for _, c := range []domain.Credential{creds[0], creds[29]} {
		if _, err := p.client.Login(ctx, p.target.ClientID, c); err != nil {
			t.Fatalf("sign in as %s: %v", c.Username, err)
		}
	}
	manifest, _ := os.ReadFile(o.Manifest)
	noSecrets(t, creds, string(manifest))

	// A user of the pool that shares the prefix but is not in the
	// manifest.
	outsider := m.Prefix + "99999"
	if _, err := p.client.AdminCreateUser(ctx, p.target.UserPoolID, outsider, ""); err != nil {
		t.Fatal(err)
	}
	st, err := users.List(ctx, p.client, m, o.Pacing)
	if err != nil {
		t.Fatal(err)
	}
	if len(st) != 30 || !st[0].Found || st[0].Status != "CONFIRMED" || !st[0].Enabled {
		t.Fatalf("list: %d, first %+v", len(st), st[0])
	}
	for _, s := range st {
		if s.Entry.Login == outsider {
			t.Fatal("list reports a user the manifest does not hold")
		}
	}

	drep, err := users.Delete(ctx, users.DeleteOptions{Client: p.client, Manifest: m, Path: o.Manifest, Pacing: o.Pacing})
	if err != nil {
		t.Fatal(err)
	}
	if drep.Deleted != 30 || drep.Gone != 0 || len(drep.Failed) != 0 {
		t.Fatalf("delete report %+v", drep)
	}
	after := p.usernames()
	if !slices.Equal(after, append(slices.Clone(before), outsider)) {
		t.Fatalf("after delete the pool has %d users, want the %d of before and the outsider", len(after), len(before))
	}
	if m := loadManifest(t, o.Manifest); m.Count(users.StateDeleted) != 30 {
		t.Fatalf("manifest after delete: %d deleted", m.Count(users.StateDeleted))
	}
	// Deleting again does nothing.
	drep, err = users.Delete(ctx, users.DeleteOptions{Client: p.client, Manifest: loadManifest(t, o.Manifest), Path: o.Manifest, Pacing: o.Pacing})
	if err != nil || drep.Deleted+drep.Gone != 0 {
		t.Fatalf("second delete: %+v %v", drep, err)
	}
}

// An interrupted Create leaves a manifest and users file that describe
// exactly what exists; running it again finishes the job with no
// duplicate, and Delete then leaves nothing behind.
func TestInterruptedCreateResumesAndDeletes(t *testing.T) {
	p := newPool(t, nil, nil)
	before := p.usernames()
	ctx, cancel := context.WithCancel(context.Background())
	o := p.opts(40)
	o.Progress = func(pr users.Progress) {
		if pr.Done == 13 {
			cancel()
		}
	}
	_, err := users.Create(ctx, o)
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "run the same command again") {
		t.Fatalf("err = %v, want the interrupt", err)
	}

	m := loadManifest(t, o.Manifest)
	creds := p.readUsers(o.Users)
	if ready := m.Count(users.StateReady); ready < 13 || ready != len(creds) {
		t.Fatalf("%d ready in the manifest, %d in the users file", ready, len(creds))
	}
	// The manifest holds exactly the users that exist: calls under way
	// finished, entries never started were left out.
	inManifest := map[string]bool{}
	for _, e := range m.Users {
		inManifest[e.Login] = true
	}
	added := 0
	for _, u := range p.usernames() {
		if !slices.Contains(before, u) {
			added++
			if !inManifest[u] {
				t.Fatalf("user %s exists but is not in the manifest", u)
			}
		}
	}
	if added != len(m.Users) {
		t.Fatalf("%d users exist, the manifest holds %d", added, len(m.Users))
	}

	o.Progress = nil
	o.Known = creds
	rep, err := users.Create(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	creds = p.readUsers(o.Users)
	m = loadManifest(t, o.Manifest)
	if rep.Ready != 40 || len(creds) != 40 || len(m.Users) != 40 || len(p.usernames()) != len(before)+40 {
		t.Fatalf("after resuming: report %+v, %d credentials, %d entries, %d new users", rep, len(creds), len(m.Users), len(p.usernames())-len(before))
	}
	for _, c := range creds {
		if _, err := p.client.Login(context.Background(), p.target.ClientID, c); err != nil {
			t.Fatalf("sign in as %s: %v", c.Username, err)
		}
	}

	ctx, cancel = context.WithCancel(context.Background())
	_, err = users.Delete(ctx, users.DeleteOptions{Client: p.client, Manifest: m, Path: o.Manifest, Pacing: o.Pacing,
		Progress: func(pr users.Progress) {
			if pr.Done == 7 {
				cancel()
			}
		}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted delete: %v", err)
	}

	if _, err := users.Delete(context.Background(), users.DeleteOptions{Client: p.client, Manifest: loadManifest(t, o.Manifest), Path: o.Manifest, Pacing: o.Pacing}); err != nil {
		t.Fatal(err)
	}
	if after := p.usernames(); !slices.Equal(after, before) {
		t.Fatalf("%d users after delete, want the %d of before", len(after), len(before))
	}
}

// An interrupted Create followed straight by Delete leaves nothing.
func TestInterruptedCreateThenDelete(t *testing.T) {
	p := newPool(t, nil, nil)
	before := p.usernames()
	ctx, cancel := context.WithCancel(context.Background())
	o := p.opts(50)
	o.Progress = func(pr users.Progress) {
		if pr.Done == 21 {
			cancel()
		}
	}
	if _, err := users.Create(ctx, o); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}

	rep, err := users.Delete(context.Background(), users.DeleteOptions{Client: p.client, Manifest: loadManifest(t, o.Manifest), Path: o.Manifest, Pacing: o.Pacing})
	if err != nil || rep.Deleted < 21 {
		t.Fatalf("delete %+v %v", rep, err)
	}
	if after := p.usernames(); !slices.Equal(after, before) {
		t.Fatalf("%d users after delete, want the %d of before", len(after), len(before))
	}
}

// In a pool that signs in by email the users file holds the addresses and
// the manifest the generated usernames.
func TestEmailUsernamePool(t *testing.T) {
	p := newPool(t, &mock.Config{UsernameAttributes: []string{"email"}}, nil)
	o := p.opts(5)
	o.EmailDomain = "sink.example.org"
	if _, err := users.Create(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	m := loadManifest(t, o.Manifest)
	creds := p.readUsers(o.Users)
	if m.SignIn != users.SignInEmail {
		t.Fatalf("sign-in %q", m.SignIn)
	}
	for i, e := range m.Users {
		if e.Login != e.Label+"@sink.example.org" || creds[i].Username != e.Login || len(e.Username) != 36 {
			t.Fatalf("entry %+v, credential %q", e, creds[i].Username)
		}
		if _, err := p.client.Login(context.Background(), p.target.ClientID, creds[i]); err != nil {
			t.Fatal(err)
		}
	}
	st, err := users.List(context.Background(), p.client, m, o.Pacing)
	if err != nil || len(st) != 5 || !st[4].Found {
		t.Fatalf("list %+v %v", st, err)
	}
	if _, err := users.Delete(context.Background(), users.DeleteOptions{Client: p.client, Manifest: m, Path: o.Manifest, Pacing: o.Pacing}); err != nil {
		t.Fatal(err)
	}
	if left := p.usernames(); len(left) != 0 {
		t.Fatalf("left behind: %v", left)
	}
}

// Throttled admin calls are retried, counted and never lose a user.
func TestCreateRidesOutThrottling(t *testing.T) {
	var calls atomic.Int64
	throttle := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			op, _ := cognito.OperationFromTarget(r.Header.Get(cognito.HeaderTarget))
			if op == cognito.OpAdminCreateUser && calls.Add(1)%3 == 0 {
				cognito.WriteError(w, cognito.NewRequestID(), cognito.NewError(cognito.ErrTooManyRequests, cognito.MsgRateExceeded), cognito.StatusObserved)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
	p := newPool(t, nil, throttle)
	rep, err := users.Create(context.Background(), p.opts(12))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Ready != 12 || rep.Throttled < 4 {
		t.Fatalf("report %+v", rep)
	}
}

// A fresh user whose name is already taken is someone else's: Create stops
// without recording it, so Delete cannot remove it.
func TestCreateNeverAdoptsAStranger(t *testing.T) {
	p := newPool(t, nil, nil)
	o := p.opts(1)
	if _, err := users.Create(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	m := loadManifest(t, o.Manifest)
	stranger := m.Prefix + "00002"
	if _, err := p.client.AdminCreateUser(context.Background(), p.target.UserPoolID, stranger, ""); err != nil {
		t.Fatal(err)
	}
	o.Count, o.Known = 2, p.readUsers(o.Users)
	_, err := users.Create(context.Background(), o)
	if err == nil || !strings.Contains(err.Error(), stranger) || !strings.Contains(err.Error(), "not created by this manifest") {
		t.Fatalf("err = %v", err)
	}
	m = loadManifest(t, o.Manifest)
	if len(m.Users) != 1 {
		t.Fatalf("the stranger was recorded: %+v", m.Users)
	}
	// Running again continues past the stranger's name.
	o.Known = p.readUsers(o.Users)
	if _, err := users.Create(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	m = loadManifest(t, o.Manifest)
	if len(m.Users) != 2 || m.Users[1].Label != m.Prefix+"00003" {
		t.Fatalf("after continuing: %+v", m.Users)
	}
	if _, err := users.Delete(context.Background(), users.DeleteOptions{Client: p.client, Manifest: m, Path: o.Manifest, Pacing: o.Pacing}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.client.AdminGetUser(context.Background(), p.target.UserPoolID, stranger); err != nil {
		t.Fatalf("the stranger was deleted: %v", err)
	}
}

func TestCreateRefusals(t *testing.T) {
	p := newPool(t, nil, nil)
	phones := newPool(t, &mock.Config{UsernameAttributes: []string{"phone_number"}}, nil)
	other := newPool(t, nil, nil)
	first := p.opts(1)
	if _, err := users.Create(context.Background(), first); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		o    func() users.CreateOptions
		want string
	}{
		{"count", func() users.CreateOptions { o := p.opts(0); return o }, "count 0"},
		{"phone pattern", func() users.CreateOptions { o := p.opts(1); o.Phone = "+1555%s"; return o }, "E.164 number or a pattern"},
		{"phone number", func() users.CreateOptions { o := p.opts(1); o.Phone = "555-0100"; return o }, "not an E.164 number"},
		{"email domain", func() users.CreateOptions { o := p.opts(1); o.EmailDomain = "me@example.org"; return o }, "give a domain"},
		{"phone pool needs a pattern", func() users.CreateOptions { o := phones.opts(1); o.Phone = "+14155550100"; return o }, "phone number"},
		{"another pool's manifest", func() users.CreateOptions { o := other.opts(2); o.Manifest = first.Manifest; return o }, "belongs to another pool"},
		{"other settings", func() users.CreateOptions { o := first; o.Count, o.EmailDomain = 2, "example.org"; return o }, "same --email-domain"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := users.Create(context.Background(), tc.o())
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

// Phone numbers only on request: a pattern gives each user their own.
func TestCreateWithPhones(t *testing.T) {
	p := newPool(t, &mock.Config{UsernameAttributes: []string{"phone_number"}}, nil)
	o := p.opts(3)
	o.Phone = "+1555010%04d"
	if _, err := users.Create(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	m := loadManifest(t, o.Manifest)
	for i, e := range m.Users {
		if want := fmt.Sprintf("+1555010%04d", i+1); e.Phone != want || e.Login != want {
			t.Fatalf("entry %+v, want phone and login %s", e, want)
		}
	}
	if _, err := users.List(context.Background(), p.client, m, o.Pacing); err != nil {
		t.Fatal(err)
	}
}
