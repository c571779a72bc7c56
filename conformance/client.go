package conformance

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"

	"github.com/cogload/cogload/cognito"
	"github.com/cogload/cogload/domain"
)

// maxBody bounds what is kept of a response; answers are small JSON.
const maxBody = 1 << 20

// recorder is an SDK HTTP client that keeps a copy of the last response so a
// case driven through the SDK can still check the wire (status, headers).
type recorder struct {
	hc   *http.Client
	mu   sync.Mutex
	last *wire
}

// wire is one response as it came over the network.
type wire struct {
	Status int
	Header http.Header
	Body   []byte
}

func (r *recorder) Do(req *http.Request) (*http.Response, error) {
	resp, err := r.hc.Do(req)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	resp.Body.Close()
	if err != nil {
		return nil, fmt.Errorf("read response: %w", err)
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	r.mu.Lock()
	r.last = &wire{Status: resp.StatusCode, Header: resp.Header.Clone(), Body: body}
	r.mu.Unlock()
	return resp, nil
}

func (r *recorder) take() *wire {
	r.mu.Lock()
	defer r.mu.Unlock()
	w := r.last
	r.last = nil
	return w
}

// poolClient drives one pool: the SDK client for the self-service
// operations, raw HTTP for the wire cases, and the mock's side doors.
type poolClient struct {
	endpoint string
	region   string
	pool     Pool
	hc       *http.Client
	rec      *recorder
	sdk      *cip.Client
}

func newPoolClient(endpoint, region string, p Pool, hc *http.Client) *poolClient {
	rec := &recorder{hc: hc}
	if region == "" {
		region = "us-east-1"
	}
	sdk := cip.New(cip.Options{
		Region:       region,
		BaseEndpoint: aws.String(endpoint),
		Retryer:      aws.NopRetryer{},
		HTTPClient:   rec,
	})
	return &poolClient{endpoint: endpoint, region: region, pool: p, hc: hc, rec: rec, sdk: sdk}
}

// Observation is what a case saw: the last response on the wire and, for
// SDK calls, the error the SDK returned.
type Observation struct {
	Status  int
	Header  http.Header
	Body    []byte
	ErrType string // sanitized error type, "" on success
	Message string
	SDKErr  error
	// Note adds context to the actual-outcome line (e.g. "after 5 calls").
	Note string
}

// String renders the observation on one line, tokens redacted.
func (o *Observation) String() string {
	if o == nil {
		return "no response"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d", o.Status)
	if o.ErrType != "" {
		fmt.Fprintf(&b, " %s: %q", o.ErrType, o.Message)
	} else if len(o.Body) > 0 {
		b.WriteString(" " + clip(domain.Redact(string(o.Body)), 160))
	}
	if o.Note != "" {
		b.WriteString(" (" + o.Note + ")")
	}
	return b.String()
}

// observe turns an SDK call's result into an Observation.
func (c *poolClient) observe(err error) (*Observation, error) {
	w := c.rec.take()
	o := &Observation{SDKErr: err}
	if w != nil {
		o.Status, o.Header, o.Body = w.Status, w.Header, w.Body
	}
	if err == nil {
		return o, nil
	}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		o.ErrType, o.Message = ae.ErrorCode(), ae.ErrorMessage()
		return o, nil
	}
	if w == nil {
		return nil, fmt.Errorf("no response: %w", err)
	}
	// The SDK failed without an API error (e.g. a body it cannot decode):
	// fall back to reading the wire.
	o.ErrType, o.Message, _ = cognito.ParseError(w.Header, w.Body)
	return o, nil
}

// guavc calls GetUserAttributeVerificationCode through the SDK. md nil
// leaves ClientMetadata out; an empty non-nil map sends {}.
func (c *poolClient) guavc(ctx context.Context, token, attr string, md map[string]string) (*Observation, error) {
	_, err := c.sdk.GetUserAttributeVerificationCode(ctx, &cip.GetUserAttributeVerificationCodeInput{
		AccessToken: aws.String(token), AttributeName: aws.String(attr), ClientMetadata: md,
	})
	return c.observe(err)
}

// tokens is what a sign-in returned. It is never printed.
type tokens struct {
	Access, ID, Refresh string
}

func (t tokens) String() string { return "tokens{redacted}" }

// login signs u in with USER_PASSWORD_AUTH through clientID.
func (c *poolClient) login(ctx context.Context, u domain.Credential) (tokens, error) {
	out, err := c.sdk.InitiateAuth(ctx, &cip.InitiateAuthInput{
		ClientId: aws.String(c.pool.ClientID),
		AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{
			"USERNAME": u.Username, "PASSWORD": u.Password,
		},
	})
	c.rec.take()
	if err != nil {
		return tokens{}, fmt.Errorf("sign in %s: %w", u.Username, err)
	}
	if out.AuthenticationResult == nil {
		return tokens{}, fmt.Errorf("sign in %s: challenge %s instead of tokens", u.Username, out.ChallengeName)
	}
	r := out.AuthenticationResult
	return tokens{Access: aws.ToString(r.AccessToken), ID: aws.ToString(r.IdToken), Refresh: aws.ToString(r.RefreshToken)}, nil
}

// raw sends one POST / with the given headers and body, bypassing the SDK.
// A nil header map means the usual JSON 1.1 headers for op.
func (c *poolClient) raw(ctx context.Context, op string, header map[string]string, body []byte) (*Observation, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.endpoint+"/", bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("build request: %w", err)
	}
	if header == nil {
		header = map[string]string{"Content-Type": cognito.ContentType, cognito.HeaderTarget: cognito.Target(op)}
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("post %s: %w", op, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return nil, fmt.Errorf("read %s response: %w", op, err)
	}
	o := &Observation{Status: resp.StatusCode, Header: resp.Header, Body: b}
	if resp.StatusCode != http.StatusOK {
		o.ErrType, o.Message, _ = cognito.ParseError(resp.Header, b)
	}
	return o, nil
}

// rawJSON sends op with v encoded as its body.
func (c *poolClient) rawJSON(ctx context.Context, op string, v any) (*Observation, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode %s: %w", op, err)
	}
	return c.raw(ctx, op, nil, b)
}

// sideDoor calls one of the mock's /_mock/ endpoints and decodes the JSON
// answer into out (when non-nil).
func (c *poolClient) sideDoor(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return fmt.Errorf("encode %s: %w", path, err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.endpoint+path, body)
	if err != nil {
		return fmt.Errorf("build %s: %w", path, err)
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s %s: status %d: %s", method, path, resp.StatusCode, clip(domain.Redact(string(b)), 200))
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			return fmt.Errorf("%s %s: decode: %w", method, path, err)
		}
	}
	return nil
}

// delivery is one outbox entry of the mock.
type delivery struct {
	Username       string             `json:"username"`
	Attribute      string             `json:"attribute"`
	Medium         string             `json:"medium"`
	Destination    string             `json:"destination"`
	Code           string             `json:"code"`
	ClientMetadata *map[string]string `json:"clientMetadata"`
	TriggerSource  string             `json:"triggerSource"`
	PoolID         string             `json:"poolId"`
}

// outbox returns the deliveries to username's attribute, oldest first.
func (c *poolClient) outbox(ctx context.Context, username, attribute string) ([]delivery, error) {
	q := url.Values{"username": {username}}
	if attribute != "" {
		q.Set("attribute", attribute)
	}
	var out struct {
		Deliveries []delivery `json:"deliveries"`
	}
	if err := c.sideDoor(ctx, http.MethodGet, "/_mock/outbox?"+q.Encode(), nil, &out); err != nil {
		return nil, err
	}
	return out.Deliveries, nil
}

// mint asks the mock for a special token of kind for username.
func (c *poolClient) mint(ctx context.Context, username, kind string) (string, error) {
	var out struct {
		Token string `json:"token"`
	}
	if err := c.sideDoor(ctx, http.MethodPost, "/_mock/tokens", map[string]string{"username": username, "kind": kind}, &out); err != nil {
		return "", err
	}
	if out.Token == "" {
		return "", fmt.Errorf("mint %s token: empty answer", kind)
	}
	return out.Token, nil
}

// userState is the mock's view of a user, as read and written through
// /_mock/users/{username}.
type userState struct {
	Status     string            `json:"status,omitempty"`
	Enabled    *bool             `json:"enabled,omitempty"`
	Deleted    *bool             `json:"deleted,omitempty"`
	Attributes map[string]string `json:"attributes,omitempty"`
}

func (c *poolClient) setUser(ctx context.Context, username string, s userState) error {
	return c.sideDoor(ctx, http.MethodPost, "/_mock/users/"+url.PathEscape(username), s, nil)
}

func (c *poolClient) reset(ctx context.Context) error {
	return c.sideDoor(ctx, http.MethodPost, "/_mock/reset", nil, nil)
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
