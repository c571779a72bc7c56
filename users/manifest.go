package users

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/cogload/cogload/internal/atomicfile"
	"github.com/cogload/cogload/internal/input"
)

// ManifestVersion is the version of the manifest format this package
// writes and reads.
const ManifestVersion = 1

// Target is the pool users are created in, recorded in the manifest so
// every later command talks to the same one.
type Target struct {
	UserPoolID string `json:"userPoolId"`
	// Region and Endpoint locate the API: Endpoint when set (the mock, a
	// proxy), else Region's public endpoint.
	Region   string `json:"region,omitempty"`
	Endpoint string `json:"endpoint,omitempty"`
	// ClientID is the app client the users sign in through.
	ClientID string `json:"clientId,omitempty"`
}

func (t Target) String() string {
	where := t.Endpoint
	if where == "" {
		where = "region " + t.Region
	}
	return fmt.Sprintf("pool %s at %s", t.UserPoolID, where)
}

// Sign-in names: how the users file's usernames sign users in.
const (
	SignInUsername = "username"
	SignInEmail    = "email"
	SignInPhone    = "phone_number"
)

// States of a manifest entry.
const (
	// StatePending: the user may or may not exist (recorded before the
	// calls that create them).
	StatePending = "pending"
	// StateReady: confirmed with a permanent password, written to the
	// users file.
	StateReady = "ready"
	// StateDeleted: removed (or found not to exist) by Delete.
	StateDeleted = "deleted"
)

// Manifest records every user a Create made for one pool. It holds no
// password.
type Manifest struct {
	Version int    `json:"version"`
	Target  Target `json:"target"`
	// Prefix starts every user's label (cogload-<random>-), so two
	// manifests never name the same user.
	Prefix string `json:"prefix"`
	// SignIn says what the users sign in with: username, email or
	// phone_number (the pool's UsernameAttributes).
	SignIn string `json:"signIn"`
	// EmailDomain is where addresses go ("" for the SES mailbox
	// simulator); Phone is the phone number or pattern, if any.
	EmailDomain string `json:"emailDomain,omitempty"`
	Phone       string `json:"phone,omitempty"`
	// UsersFile is where the passwords went (an absolute path), so a run
	// can be pointed at the manifest alone.
	UsersFile string `json:"usersFile,omitempty"`
	// Next is the number of the next user, so a number is never used
	// twice, not even one left out of the manifest.
	Next    int       `json:"next,omitempty"`
	Created time.Time `json:"created"`
	Users   []Entry   `json:"users"`
}

// Entry is one user of a manifest.
type Entry struct {
	// Label is unique to the manifest: Prefix and the entry's number.
	Label string `json:"label"`
	// Login is the name the user signs in with (the users file's
	// username): Label, the email address or the phone number.
	Login string `json:"login"`
	// Username is the service's username once known: Login, or a UUID in
	// pools where users sign in with an email address or phone number.
	Username string `json:"username,omitempty"`
	Email    string `json:"email,omitempty"`
	Phone    string `json:"phone,omitempty"`
	State    string `json:"state"`
}

// Name is how the admin calls find the user: the service's username when
// known, else the sign-in name (which the service accepts for both).
func (e Entry) Name() string {
	if e.Username != "" {
		return e.Username
	}
	return e.Login
}

// Count returns how many entries are in state.
func (m *Manifest) Count(state string) int {
	n := 0
	for _, e := range m.Users {
		if e.State == state {
			n++
		}
	}
	return n
}

// LoadManifest reads a manifest (bounded, interruptible by ctx); a
// missing file is reported with errors.Is(err, os.ErrNotExist).
func LoadManifest(ctx context.Context, path string) (*Manifest, error) {
	data, err := input.ReadFile(ctx, input.UsersManifest, path)
	if err != nil {
		return nil, err
	}
	return ParseManifest(path, data)
}

// ParseManifest decodes and checks a manifest; path names it in errors.
func ParseManifest(path string, data []byte) (*Manifest, error) {
	var m Manifest
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("manifest %s: %w", path, err)
	}
	if m.Version != ManifestVersion {
		return nil, fmt.Errorf("manifest %s: version %d, this cogload reads version %d", path, m.Version, ManifestVersion)
	}
	if m.Target.UserPoolID == "" || m.Prefix == "" {
		return nil, fmt.Errorf("manifest %s: no user pool or prefix: not a cogload users manifest", path)
	}
	for i, e := range m.Users {
		switch e.State {
		case StatePending, StateReady, StateDeleted:
		default:
			return nil, fmt.Errorf("manifest %s: users[%d]: unknown state %q", path, i, e.State)
		}
		if e.Login == "" {
			return nil, fmt.Errorf("manifest %s: users[%d]: no login", path, i)
		}
	}
	return &m, nil
}

// Save writes the manifest whole or not at all.
func (m *Manifest) Save(path string) error {
	err := atomicfile.Write(path, 0o600, func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(m)
	})
	if err != nil {
		return fmt.Errorf("write manifest: %w", err)
	}
	return nil
}

// errTargetMismatch reports a manifest of another pool.
var errTargetMismatch = errors.New("the manifest belongs to another pool")
