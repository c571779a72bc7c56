package tokens

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/cogload/cogload/domain"
	"github.com/cogload/cogload/idpclient"
	"github.com/cogload/cogload/mock/sidedoor"
)

// authClient performs the logins behind minted pools (idpclient, retries
// off: a retry would hide the quota behaviour being measured and double the
// InitiateAuth load) and fetches the mock's special tokens.
type authClient struct {
	idp      *idpclient.Client
	doors    *sidedoor.Client
	clientID string
	now      func() time.Time
}

func newAuthClient(env *Env) *authClient {
	return &authClient{
		idp:      idpclient.New(idpclient.Config{Endpoint: env.Endpoint, Region: env.Region, HTTPClient: env.HTTPClient}),
		doors:    sidedoor.New(env.Endpoint, env.HTTPClient),
		clientID: env.ClientID,
		now:      env.Now,
	}
}

// loginBackoff rides out throttling of the logins before the attack
// (InitiateAuth has its own quota, 120/s by default); a variable for tests.
var loginBackoff = idpclient.Backoff{Attempts: 5, Base: 200 * time.Millisecond}

// login runs InitiateAuth USER_PASSWORD_AUTH. Errors name the user, never
// the password.
func (c *authClient) login(ctx context.Context, cred domain.Credential) (*login, error) {
	var (
		issued time.Time
		tk     idpclient.Tokens
	)
	err := loginBackoff.Do(ctx, func(ctx context.Context) error {
		issued = c.now()
		var err error
		tk, err = c.idp.Login(ctx, c.clientID, cred)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &login{
		username:     cred.Username,
		accessToken:  tk.Access,
		idToken:      tk.ID,
		refreshToken: tk.Refresh,
		issued:       issued,
		expiresIn:    tk.ExpiresIn,
	}, nil
}

// refresh runs InitiateAuth REFRESH_TOKEN_AUTH and updates l in place.
func (c *authClient) refresh(ctx context.Context, l *login) error {
	if l.refreshToken == "" {
		return fmt.Errorf("user %s: no refresh token", l.username)
	}
	issued := c.now()
	tk, err := c.idp.Refresh(ctx, c.clientID, l.refreshToken)
	if err != nil {
		return fmt.Errorf("user %s: refresh: %w", l.username, err)
	}
	l.accessToken = tk.Access
	if tk.ID != "" {
		l.idToken = tk.ID
	}
	if tk.Refresh != "" {
		l.refreshToken = tk.Refresh // rotation enabled
	}
	l.issued = issued
	l.expiresIn = tk.ExpiresIn
	return nil
}

// signOut runs GlobalSignOut, which revokes every token of the user.
func (c *authClient) signOut(ctx context.Context, username, accessToken string) error {
	if err := c.idp.GlobalSignOut(ctx, accessToken); err != nil {
		return fmt.Errorf("user %s: %w", username, err)
	}
	return nil
}

// mockToken asks the mock's side door for a special token (e.g. expired).
func (c *authClient) mockToken(ctx context.Context, username, kind string) (string, error) {
	tok, err := c.doors.MintToken(ctx, sidedoor.MintRequest{Username: username, Kind: kind})
	if err != nil {
		return "", fmt.Errorf("user %s: mock %s token: %w", username, kind, err)
	}
	return tok, nil
}

// parallel runs fn(0..n-1) with at most limit at once and returns the
// error of the lowest index, so the reported error does not depend on
// scheduling.
func parallel(ctx context.Context, n, limit int, fn func(ctx context.Context, i int) error) error {
	if n == 0 {
		return nil
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errs := make([]error, n)
	sem := make(chan struct{}, max(limit, 1))
	var wg sync.WaitGroup
	for i := range n {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			errs[i] = ctx.Err()
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if err := fn(ctx, i); err != nil {
				errs[i] = err
				cancel()
			}
		}()
	}
	wg.Wait()
	// Prefer a real failure over the cancellations it caused.
	for _, err := range errs {
		if err != nil && !errors.Is(err, context.Canceled) {
			return err
		}
	}
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
