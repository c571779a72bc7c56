package users

import (
	"context"
	"crypto/rand"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cogload/cogload/cognito"
	"github.com/cogload/cogload/domain"
	"github.com/cogload/cogload/idpclient"
	"github.com/cogload/cogload/internal/atomicfile"
)

// MaxUsers bounds one manifest (the labels have five digits).
const MaxUsers = 99_999

// Spec is one user to create.
type Spec struct {
	// Login is the name the user signs in with: a free-form username, or
	// the email address (phone number) in pools that sign in with it.
	Login        string
	Email, Phone string
}

// creator creates users in one pool.
type creator struct {
	client    *idpclient.Client
	poolID    string
	policy    idpclient.PasswordPolicy
	backoff   idpclient.Backoff
	throttles *throttleCounter
}

// CreateOne creates a confirmed user with a permanent random password
// that meets policy: AdminCreateUser without an invitation, then
// AdminSetUserPassword, each riding out throttling with b. It returns the
// user's credential (Username is spec.Login) and the service's username.
func CreateOne(ctx context.Context, c *idpclient.Client, poolID string, policy idpclient.PasswordPolicy, spec Spec, b idpclient.Backoff) (domain.Credential, string, error) {
	cr := creator{client: c, poolID: poolID, policy: policy, backoff: b, throttles: &throttleCounter{}}
	return cr.create(ctx, spec, false)
}

// errTaken reports a user that exists but was not made by this manifest.
var errTaken = errors.New("a user of that name exists and was not created by this manifest")

// create makes spec's user. adopt says the user may exist from an earlier,
// interrupted attempt of the same manifest: then it is taken over and its
// password set anew.
func (cr creator) create(ctx context.Context, spec Spec, adopt bool) (domain.Credential, string, error) {
	var attrs []idpclient.Attribute
	if spec.Email != "" {
		attrs = append(attrs, idpclient.Attribute{Name: cognito.AttributeEmail, Value: spec.Email})
	}
	if spec.Phone != "" {
		attrs = append(attrs, idpclient.Attribute{Name: cognito.AttributePhoneNumber, Value: spec.Phone})
	}
	var username string
	err := cr.throttles.do(ctx, cr.backoff, func(ctx context.Context) (err error) {
		username, err = cr.client.AdminCreateUser(ctx, cr.poolID, spec.Login, "", attrs...)
		return err
	})
	var exists *types.UsernameExistsException
	switch {
	case errors.As(err, &exists) && adopt:
		err = cr.throttles.do(ctx, cr.backoff, func(ctx context.Context) error {
			u, err := cr.client.AdminGetUser(ctx, cr.poolID, spec.Login)
			username = u.Username
			return err
		})
		if err != nil {
			return domain.Credential{}, "", err
		}
	case errors.As(err, &exists):
		return domain.Credential{}, "", fmt.Errorf("user %s: %w", spec.Login, errTaken)
	case err != nil:
		return domain.Credential{}, "", err
	}
	pw := NewPassword(cr.policy)
	if err := cr.throttles.do(ctx, cr.backoff, func(ctx context.Context) error {
		return cr.client.AdminSetUserPassword(ctx, cr.poolID, username, pw)
	}); err != nil {
		return domain.Credential{}, username, err
	}
	return domain.Credential{Username: spec.Login, Password: pw, Email: spec.Email, PhoneNumber: spec.Phone}, username, nil
}

// CreateOptions say which users to create and where to record them.
type CreateOptions struct {
	Client *idpclient.Client
	Target Target
	// Count is how many users the manifest should hold, those of earlier
	// runs included.
	Count int
	// Manifest and Users are the paths of the manifest and of the users
	// file (username,password).
	Manifest, Users string
	// EmailDomain receives the users' addresses (<label>@EmailDomain);
	// empty: the SES mailbox simulator (success+<label>@cognito.SESSimulator).
	EmailDomain string
	// Phone gives the users a phone number: one E.164 number for all, or
	// a pattern with one %d verb for the user's number (+1555010%04d).
	// Every phone_number request of a run then sends a paid SMS.
	Phone string
	// Known are the users file's credentials from an earlier run of the
	// same manifest, whose passwords need not be set again.
	Known  []domain.Credential
	Pacing Pacing
	// Progress, when set, is told after each user (never concurrently).
	Progress func(Progress)
}

// Progress is how far a Create or Delete is.
type Progress struct {
	Done, Total int
	Throttled   int
	Elapsed     time.Duration
}

// CreateReport is what a Create did.
type CreateReport struct {
	Manifest *Manifest
	// Created is how many users this run made ready; Ready is how many
	// the manifest holds in all.
	Created, Ready int
	// Throttled counts throttled calls (each retried).
	Throttled int
	Policy    idpclient.PasswordPolicy
}

var e164 = regexp.MustCompile(`^\+[1-9][0-9]{4,14}$`)

func (o *CreateOptions) check() error {
	switch {
	case o.Client == nil || o.Target.UserPoolID == "":
		return errors.New("create users: no client or user pool")
	case o.Count < 1 || o.Count > MaxUsers:
		return fmt.Errorf("count %d: give 1 to %d", o.Count, MaxUsers)
	case o.Manifest == "" || o.Users == "":
		return errors.New("create users: the manifest and users file paths are required")
	case o.EmailDomain != "" && (strings.ContainsAny(o.EmailDomain, "@ \t") || !strings.Contains(o.EmailDomain, ".")):
		return fmt.Errorf("email domain %q: give a domain such as mail.example.com", o.EmailDomain)
	}
	if o.Phone != "" {
		if n := strings.Count(o.Phone, "%"); n > 1 || (n == 1 && !strings.Contains(o.Phone, "%0") && !strings.Contains(o.Phone, "%d")) {
			return fmt.Errorf("phone %q: give an E.164 number or a pattern with one %%d verb such as +1555010%%04d", o.Phone)
		}
		if !e164.MatchString(phoneFor(o.Phone, 1)) {
			return fmt.Errorf("phone %q: %s is not an E.164 number such as +14155550100", o.Phone, phoneFor(o.Phone, 1))
		}
	}
	return nil
}

func phoneFor(pattern string, i int) string {
	if !strings.Contains(pattern, "%") {
		return pattern
	}
	return fmt.Sprintf(pattern, i)
}

// signInOf says what the pool's users sign in with.
func signInOf(p idpclient.Pool) string {
	switch {
	case slices.Contains(p.UsernameAttributes, SignInEmail):
		return SignInEmail
	case slices.Contains(p.UsernameAttributes, SignInPhone):
		return SignInPhone
	}
	return SignInUsername
}

// Create makes the manifest hold Count ready users: it continues an
// earlier, interrupted run of the same manifest, then creates the rest,
// writing the manifest and the users file after every batch. On error or
// interrupt both files describe exactly what exists.
func Create(ctx context.Context, o CreateOptions) (*CreateReport, error) {
	if err := o.check(); err != nil {
		return nil, err
	}
	p := o.Pacing.withDefaults()
	throttles := &throttleCounter{}
	var pool idpclient.Pool
	err := throttles.do(ctx, p.Backoff, func(ctx context.Context) (err error) {
		pool, err = o.Client.DescribeUserPool(ctx, o.Target.UserPoolID)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read the pool's password policy and username attributes: %w", err)
	}
	m, err := openManifest(ctx, o, signInOf(pool))
	if err != nil {
		return nil, err
	}
	if abs, err := filepath.Abs(o.Users); err == nil {
		m.UsersFile = abs
	}
	if m.SignIn == SignInPhone && !strings.Contains(m.Phone, "%") {
		return nil, errors.New("the pool signs users in with their phone number: give --phone a pattern such as +1555010%04d so each user gets their own")
	}
	c := &createRun{opts: o, pacing: p, m: m, passwords: map[string]string{}, start: time.Now(),
		cr: creator{client: o.Client, poolID: o.Target.UserPoolID, policy: pool.PasswordPolicy, backoff: p.Backoff, throttles: throttles}}
	for _, k := range o.Known {
		c.passwords[k.Username] = k.Password
	}
	err = c.run(ctx)
	rep := &CreateReport{Manifest: m, Created: c.created, Ready: m.Count(StateReady), Throttled: int(throttles.n.Load()), Policy: pool.PasswordPolicy}
	return rep, err
}

// openManifest loads the manifest of an earlier run, which must be for
// the same pool, or starts one.
func openManifest(ctx context.Context, o CreateOptions, signIn string) (*Manifest, error) {
	m, err := LoadManifest(ctx, o.Manifest)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return &Manifest{Version: ManifestVersion, Target: o.Target, Prefix: newPrefix(), SignIn: signIn,
			EmailDomain: o.EmailDomain, Phone: o.Phone, Created: time.Now().UTC()}, nil
	case err != nil:
		return nil, err
	}
	if m.Target.UserPoolID != o.Target.UserPoolID || m.Target.Endpoint != o.Target.Endpoint || m.Target.Region != o.Target.Region {
		return nil, fmt.Errorf("%s: %w (%s), not %s: use another --manifest", o.Manifest, errTargetMismatch, m.Target, o.Target)
	}
	if m.SignIn != signIn {
		return nil, fmt.Errorf("%s: made for a pool signing in by %s, the pool now signs in by %s", o.Manifest, m.SignIn, signIn)
	}
	if m.EmailDomain != o.EmailDomain || m.Phone != o.Phone {
		return nil, fmt.Errorf("%s: made with email domain %q and phone %q: continue it with the same --email-domain and --phone", o.Manifest, m.EmailDomain, m.Phone)
	}
	if m.Target.ClientID == "" {
		m.Target.ClientID = o.Target.ClientID
	}
	return m, nil
}

func newPrefix() string {
	b := make([]byte, 3)
	_, _ = rand.Read(b) // never fails (crypto/rand documents it)
	return "cogload-" + hex.EncodeToString(b) + "-"
}

// nextNumber is the number of the next user: one past the highest of the
// manifest's labels (entries left out leave gaps, never a label twice).
func (m *Manifest) nextNumber() int {
	next := max(m.Next, 1)
	for _, e := range m.Users {
		if n, err := strconv.Atoi(strings.TrimPrefix(e.Label, m.Prefix)); err == nil && n >= next {
			next = n + 1
		}
	}
	return next
}

// entry builds the manifest entry of user number n (from 1).
func (m *Manifest) entry(n int) Entry {
	label := fmt.Sprintf("%s%05d", m.Prefix, n)
	e := Entry{Label: label, Email: "success+" + label + "@" + cognito.SESSimulator, State: StatePending}
	if m.EmailDomain != "" {
		e.Email = label + "@" + m.EmailDomain
	}
	if m.Phone != "" {
		e.Phone = phoneFor(m.Phone, n)
	}
	switch m.SignIn {
	case SignInEmail:
		e.Login = e.Email
	case SignInPhone:
		e.Login = e.Phone
	default:
		e.Login = label
	}
	return e
}

// createRun is one Create in progress.
type createRun struct {
	opts   CreateOptions
	pacing Pacing
	m      *Manifest
	cr     creator
	start  time.Time

	mu        sync.Mutex
	passwords map[string]string // by login
	created   int
	firstErr  error
	// started are the entries whose calls began; drop are entries to
	// leave out of the manifest: those naming someone else's user, and,
	// when the run stops, fresh ones never started (no user exists).
	started, drop map[int]bool
}

func (c *createRun) run(ctx context.Context) error {
	// Entries of an earlier run that are not known to be ready with a
	// known password are finished first; they may exist already.
	var todo []int
	adopt := map[int]bool{}
	for i, e := range c.m.Users {
		if e.State == StatePending || e.State == StateReady && c.passwords[e.Login] == "" {
			todo = append(todo, i)
			adopt[i] = true
		}
	}
	live := c.m.Count(StateReady) + c.m.Count(StatePending)
	fresh := max(0, c.opts.Count-live)
	total := len(todo) + fresh
	batch := c.pacing.batch()
	next := c.m.nextNumber()
	c.started, c.drop = map[int]bool{}, map[int]bool{}
	for len(todo) > 0 || fresh > 0 {
		var work []int
		for len(work) < batch && len(todo) > 0 {
			work, todo = append(work, todo[0]), todo[1:]
		}
		for len(work) < batch && fresh > 0 {
			c.m.Users = append(c.m.Users, c.m.entry(next))
			work = append(work, len(c.m.Users)-1)
			next++
			fresh--
		}
		c.m.Next = next
		// The intent is on disk before any call, so whatever happens next
		// Delete can find these users.
		if err := c.m.Save(c.opts.Manifest); err != nil {
			return err
		}
		c.pacing.run(ctx, len(work), func(ctx context.Context, k int) bool {
			return c.one(ctx, work[k], adopt[work[k]], total)
		})
		if c.firstErr != nil || ctx.Err() != nil {
			for _, i := range work {
				if !adopt[i] && !c.started[i] {
					c.drop[i] = true
				}
			}
		}
		if err := c.save(); err != nil {
			return err
		}
		if c.firstErr != nil {
			return c.firstErr
		}
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("interrupted: %d of %d users ready; run the same command again to continue: %w", c.m.Count(StateReady), c.opts.Count, err)
		}
	}
	return nil
}

// one creates entry i and records the outcome; false stops the run.
func (c *createRun) one(ctx context.Context, i int, adopt bool, total int) bool {
	c.mu.Lock()
	c.started[i] = true
	e := c.m.Users[i]
	c.mu.Unlock()
	cred, username, err := c.cr.create(ctx, Spec{Login: e.Login, Email: e.Email, Phone: e.Phone}, adopt)
	c.mu.Lock()
	defer c.mu.Unlock()
	if username != "" {
		c.m.Users[i].Username = username
	}
	switch {
	case errors.Is(err, errTaken):
		c.drop[i] = true
		c.fail(fmt.Errorf("%w; the pool already has a user %s, left alone: run the same command again to continue past it", err, e.Login))
		return false
	case err != nil && ctx.Err() != nil:
		return false // the interrupt is reported once, by run
	case err != nil:
		c.fail(err)
		return false
	}
	c.passwords[e.Login] = cred.Password
	c.m.Users[i].State = StateReady
	c.created++
	if c.opts.Progress != nil {
		c.opts.Progress(Progress{Done: c.created, Total: total, Throttled: int(c.cr.throttles.n.Load()), Elapsed: time.Since(c.start)})
	}
	return true
}

func (c *createRun) fail(err error) {
	if c.firstErr == nil {
		c.firstErr = err
	}
}

// save writes the users file, then the manifest: a user is ready in the
// manifest only once their password is on disk.
func (c *createRun) save() error {
	if len(c.drop) > 0 {
		kept := c.m.Users[:0]
		for i, e := range c.m.Users {
			if !c.drop[i] {
				kept = append(kept, e)
			}
		}
		c.m.Users, c.drop = kept, map[int]bool{}
	}
	err := atomicfile.Write(c.opts.Users, 0o600, func(w io.Writer) error {
		cw := csv.NewWriter(w)
		_ = cw.Write([]string{"username", "password"})
		for _, e := range c.m.Users {
			if pw := c.passwords[e.Login]; e.State == StateReady && pw != "" {
				_ = cw.Write([]string{e.Login, pw})
			}
		}
		cw.Flush()
		return cw.Error()
	})
	if err != nil {
		return fmt.Errorf("write the users file: %w", err)
	}
	return c.m.Save(c.opts.Manifest)
}
