package conformance

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/cogload/cogload/domain"
	"github.com/cogload/cogload/idpclient"
	"github.com/cogload/cogload/users"
)

// ProvisionOptions say where and how to create a temporary pool.
type ProvisionOptions struct {
	// Endpoint overrides the region's endpoint (the mock, a proxy).
	Endpoint string
	Region   string
	// Credentials sign the admin calls (the default AWS credential chain in
	// the cli; static dummy keys against the mock).
	Credentials aws.CredentialsProvider
	HTTPClient  *http.Client
	// NamePrefix starts the pool's name (default "cogload-conform-").
	NamePrefix string
	// Logf, when set, is told about each resource created and removed
	// (names and ids only, never passwords).
	Logf func(format string, args ...any)
}

// Resource is one thing Provision created.
type Resource struct {
	Kind string // user-pool, app-client, user
	ID   string
}

// Provisioned is a temporary pool, app client and users. Call Cleanup when
// done, also on failure or interrupt: it removes everything Created lists.
type Provisioned struct {
	Target  *Target
	Created []Resource
	client  *idpclient.Client
	logf    func(string, ...any)
	poolID  string
}

// provisionUsers are the users the catalog wants: one with an email only,
// one with a phone number only, then several with both (a real pool allows
// 5 codes per user an hour and a run requests about 30; the last two users
// with an email are kept for the two limit cases).
var provisionUsers = func() []struct{ name, email, phone string } {
	out := []struct{ name, email, phone string }{
		{"conform-email", "conform.email@example.com", ""},
		{"conform-phone", "", "+14155550102"},
	}
	for i := 1; i <= 8; i++ {
		out = append(out, struct{ name, email, phone string }{
			fmt.Sprintf("conform-both-%d", i), fmt.Sprintf("conform.both.%d@example.com", i), fmt.Sprintf("+1415555011%d", i)})
	}
	return out
}()

// Provision creates a user pool, an app client allowing USER_PASSWORD_AUTH
// and REFRESH_TOKEN_AUTH, and confirmed users with permanent random
// passwords through the admin API. On error it removes what it had
// created before returning.
func Provision(ctx context.Context, o ProvisionOptions) (*Provisioned, error) {
	if o.Credentials == nil {
		return nil, errors.New("provision: no AWS credentials to sign the admin calls")
	}
	if o.Region == "" && o.Endpoint == "" {
		return nil, errors.New("provision: set a region or an endpoint")
	}
	if o.HTTPClient == nil {
		o.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	if o.NamePrefix == "" {
		o.NamePrefix = "cogload-conform-"
	}
	logf := o.Logf
	if logf == nil {
		logf = func(string, ...any) {}
	}
	c := idpclient.New(idpclient.Config{Endpoint: o.Endpoint, Region: o.Region, HTTPClient: o.HTTPClient, Credentials: o.Credentials})
	p := &Provisioned{client: c, logf: logf}
	if err := p.create(ctx, o); err != nil {
		if cerr := p.Cleanup(context.WithoutCancel(ctx)); cerr != nil {
			err = errors.Join(err, cerr)
		}
		return nil, err
	}
	return p, nil
}

func (p *Provisioned) create(ctx context.Context, o ProvisionOptions) error {
	name := o.NamePrefix + randomHex(4)
	poolID, clientID, err := createPoolAndClient(ctx, p.client, name, func(kind, id string) {
		if kind == "user-pool" {
			p.poolID = id
			p.logf("created %s %s (%s)", kind, id, name)
		} else {
			p.logf("created %s %s", kind, id)
		}
		p.Created = append(p.Created, Resource{kind, id})
	})
	if err != nil {
		return fmt.Errorf("provision: %w", err)
	}
	t := &Target{
		Name: "provisioned " + p.poolID, Endpoint: o.Endpoint, Region: o.Region,
		Pool:         Pool{UserPoolID: poolID, ClientID: clientID},
		Capabilities: []Capability{CapAdmin},
	}
	for _, spec := range provisionUsers {
		u, err := p.createUser(ctx, spec.name, spec.email, spec.phone)
		if err != nil {
			return err
		}
		t.Users = append(t.Users, u)
	}
	p.Target = t
	return nil
}

// createPoolAndClient creates a user pool called name and its app client
// "cogload-conform" through c, riding out throttling. created hears of each
// resource ("user-pool", then "app-client") as soon as it exists, so that
// the caller can remove it even when the next step fails.
func createPoolAndClient(ctx context.Context, c *idpclient.Client, name string, created func(kind, id string)) (poolID, clientID string, err error) {
	err = prepare.Do(ctx, func(ctx context.Context) (err error) {
		poolID, err = c.CreateUserPool(ctx, name)
		return err
	})
	if err != nil {
		return "", "", fmt.Errorf("create user pool: %w", err)
	}
	created("user-pool", poolID)
	err = prepare.Do(ctx, func(ctx context.Context) (err error) {
		clientID, err = c.CreateUserPoolClient(ctx, poolID, "cogload-conform")
		return err
	})
	if err != nil {
		return poolID, "", fmt.Errorf("create app client: %w", err)
	}
	created("app-client", clientID)
	return poolID, clientID, nil
}

func (p *Provisioned) createUser(ctx context.Context, name, email, phone string) (domain.Credential, error) {
	// The pool was just created without a password policy: it has the
	// service's default one.
	cred, username, err := users.CreateOne(ctx, p.client, p.poolID, idpclient.DefaultPasswordPolicy,
		users.Spec{Login: name, Email: email, Phone: phone}, prepare)
	if username != "" {
		p.Created = append(p.Created, Resource{"user", username})
		p.logf("created user %s", username)
	}
	if err != nil {
		return domain.Credential{}, fmt.Errorf("provision: create user %s: %w", name, err)
	}
	return cred, nil
}

// Cleanup removes what Provision created, newest first, and keeps going
// past errors so that one failure leaves as little behind as possible.
// Removing an already removed resource is not an error.
func (p *Provisioned) Cleanup(ctx context.Context) error {
	var errs []error
	var left []Resource
	for i := len(p.Created) - 1; i >= 0; i-- {
		r := p.Created[i]
		err := prepare.Do(ctx, func(ctx context.Context) error {
			switch r.Kind {
			case "user":
				return p.client.AdminDeleteUser(ctx, p.poolID, r.ID)
			case "app-client":
				return p.client.DeleteUserPoolClient(ctx, p.poolID, r.ID)
			case "user-pool":
				return p.client.DeleteUserPool(ctx, r.ID)
			}
			return nil
		})
		if err != nil && !idpclient.NotFound(err) {
			errs = append(errs, fmt.Errorf("remove %s %s: %w", r.Kind, r.ID, err))
			left = append([]Resource{r}, left...)
			continue
		}
		p.logf("removed %s %s", r.Kind, r.ID)
	}
	p.Created = left
	return errors.Join(errs...)
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
