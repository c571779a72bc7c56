package tokens

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"

	"github.com/cogload/cogload/cognito"
	"github.com/cogload/cogload/domain"
)

// authClient performs the logins behind minted pools through the real
// aws-sdk-go-v2 client with retries off: a retry would hide the quota
// behaviour being measured and double the InitiateAuth load.
type authClient struct {
	sdk      *cip.Client
	http     *http.Client
	endpoint string
	clientID string
	now      func() time.Time
}

func newAuthClient(env *Env) *authClient {
	opts := cip.Options{
		Region:     env.Region,
		HTTPClient: env.HTTPClient,
		Retryer:    aws.NopRetryer{},
	}
	if env.Endpoint != "" {
		opts.BaseEndpoint = aws.String(env.Endpoint)
	}
	return &authClient{
		sdk:      cip.New(opts),
		http:     env.HTTPClient,
		endpoint: strings.TrimSuffix(env.Endpoint, "/"),
		clientID: env.ClientID,
		now:      env.Now,
	}
}

// mintAttempts bounds the tries of one login when the service throttles
// (InitiateAuth has its own quota, 120/s by default). The SDK's retryer
// stays off; this is the only retry, and only before the attack.
const mintAttempts = 5

// throttled reports whether err is the service's throttling answer.
func throttled(err error) bool {
	var ae smithy.APIError
	return errors.As(err, &ae) && cognito.IsThrottle(ae.ErrorCode())
}

// backoffBase is the first retry's wait (a variable for tests).
var backoffBase = 100 * time.Millisecond

// backoff waits before retry n (1, 2, ...) of a throttled call.
func backoff(ctx context.Context, n int) error {
	t := time.NewTimer(backoffBase << n)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// login runs InitiateAuth USER_PASSWORD_AUTH. Errors name the user, never
// the password (the SDK's error text holds neither).
func (c *authClient) login(ctx context.Context, cred domain.Credential) (*login, error) {
	var (
		issued time.Time
		out    *cip.InitiateAuthOutput
		err    error
	)
	for n := range mintAttempts {
		if n > 0 {
			if berr := backoff(ctx, n); berr != nil {
				break
			}
		}
		issued = c.now()
		out, err = c.sdk.InitiateAuth(ctx, &cip.InitiateAuthInput{
			ClientId:       aws.String(c.clientID),
			AuthFlow:       types.AuthFlowTypeUserPasswordAuth,
			AuthParameters: map[string]string{"USERNAME": cred.Username, "PASSWORD": cred.Password},
		})
		if err == nil || !throttled(err) {
			break
		}
	}
	if err != nil {
		return nil, fmt.Errorf("user %s: InitiateAuth: %w", cred.Username, err)
	}
	r := out.AuthenticationResult
	if r == nil || aws.ToString(r.AccessToken) == "" {
		return nil, fmt.Errorf("user %s: InitiateAuth answered challenge %q instead of tokens: set a permanent password for the user", cred.Username, out.ChallengeName)
	}
	return &login{
		username:     cred.Username,
		accessToken:  aws.ToString(r.AccessToken),
		idToken:      aws.ToString(r.IdToken),
		refreshToken: aws.ToString(r.RefreshToken),
		issued:       issued,
		expiresIn:    time.Duration(r.ExpiresIn) * time.Second,
	}, nil
}

// refresh runs InitiateAuth REFRESH_TOKEN_AUTH and updates l in place.
func (c *authClient) refresh(ctx context.Context, l *login) error {
	if l.refreshToken == "" {
		return fmt.Errorf("user %s: no refresh token", l.username)
	}
	issued := c.now()
	out, err := c.sdk.InitiateAuth(ctx, &cip.InitiateAuthInput{
		ClientId:       aws.String(c.clientID),
		AuthFlow:       types.AuthFlowTypeRefreshTokenAuth,
		AuthParameters: map[string]string{"REFRESH_TOKEN": l.refreshToken},
	})
	if err != nil {
		return fmt.Errorf("user %s: refresh: %w", l.username, err)
	}
	r := out.AuthenticationResult
	if r == nil || aws.ToString(r.AccessToken) == "" {
		return fmt.Errorf("user %s: refresh answered no tokens", l.username)
	}
	l.accessToken = aws.ToString(r.AccessToken)
	if t := aws.ToString(r.IdToken); t != "" {
		l.idToken = t
	}
	if t := aws.ToString(r.RefreshToken); t != "" {
		l.refreshToken = t // rotation enabled
	}
	l.issued = issued
	l.expiresIn = time.Duration(r.ExpiresIn) * time.Second
	return nil
}

// signOut runs GlobalSignOut, which revokes every token of the user.
func (c *authClient) signOut(ctx context.Context, username, accessToken string) error {
	if _, err := c.sdk.GlobalSignOut(ctx, &cip.GlobalSignOutInput{AccessToken: aws.String(accessToken)}); err != nil {
		return fmt.Errorf("user %s: GlobalSignOut: %w", username, err)
	}
	return nil
}

// mockToken asks the mock's side door for a special token (e.g. expired).
func (c *authClient) mockToken(ctx context.Context, username, kind string) (string, error) {
	body, _ := json.Marshal(map[string]string{"username": username, "kind": kind})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.endpoint+"/_mock/tokens", bytes.NewReader(body))
	if err != nil {
		return "", fmt.Errorf("mock tokens: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return "", fmt.Errorf("user %s: mock %s token: %w", username, kind, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return "", fmt.Errorf("user %s: mock %s token: %w", username, kind, err)
	}
	if resp.StatusCode != http.StatusOK {
		// The body of an error is the mock's message, never a token, but
		// it is scrubbed anyway.
		return "", fmt.Errorf("user %s: mock %s token: %s: %s", username, kind, resp.Status, tail(domain.Redact(string(data)), 200))
	}
	var out struct {
		Token string `json:"token"`
	}
	if err := json.Unmarshal(data, &out); err != nil || out.Token == "" {
		return "", fmt.Errorf("user %s: mock %s token: answer has no token", username, kind)
	}
	return out.Token, nil
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
