package conformance

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

	"github.com/aws/smithy-go"

	"github.com/cogload/cogload/cognito"
	"github.com/cogload/cogload/domain"
	"github.com/cogload/cogload/idpclient"
	"github.com/cogload/cogload/mock/sidedoor"
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

// poolClient drives one pool: idpclient for the API (recording each
// answer), raw HTTP for the wire cases, and the mock's side doors.
type poolClient struct {
	endpoint string
	region   string
	pool     Pool
	hc       *http.Client
	rec      *recorder
	idp      *idpclient.Client
	doors    *sidedoor.Client
}

func newPoolClient(endpoint, region string, p Pool, hc *http.Client) *poolClient {
	rec := &recorder{hc: hc}
	return &poolClient{
		endpoint: endpoint, region: region, pool: p, hc: hc, rec: rec,
		idp:   idpclient.New(idpclient.Config{Endpoint: endpoint, Region: region, HTTPClient: rec}),
		doors: sidedoor.New(endpoint, hc),
	}
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
	_, err := c.idp.GetUserAttributeVerificationCode(ctx, token, attr, md)
	return c.observe(err)
}

// prepare rides out throttling of the calls that prepare a case or a
// provisioned pool (sign-ins, admin calls, whose quotas the account's other
// applications share); the requests a case checks are never retried.
var prepare = idpclient.Backoff{}

// login signs u in with USER_PASSWORD_AUTH through the pool's client.
func (c *poolClient) login(ctx context.Context, u domain.Credential) (idpclient.Tokens, error) {
	var tk idpclient.Tokens
	err := prepare.Do(ctx, func(ctx context.Context) error {
		var err error
		tk, err = c.idp.Login(ctx, c.pool.ClientID, u)
		return err
	})
	c.rec.take()
	return tk, err
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

// outbox returns the deliveries to username's attribute, oldest first.
func (c *poolClient) outbox(ctx context.Context, username, attribute string) ([]sidedoor.Delivery, error) {
	return c.doors.Outbox(ctx, sidedoor.OutboxQuery{Username: username, Attribute: attribute})
}

// mint asks the mock for a special token of kind for username.
func (c *poolClient) mint(ctx context.Context, username, kind string) (string, error) {
	return c.doors.MintToken(ctx, sidedoor.MintRequest{Username: username, Kind: kind})
}

// setUser changes a user of the pool through the mock's side door.
func (c *poolClient) setUser(ctx context.Context, username string, u sidedoor.UserUpdate) error {
	_, err := c.doors.SetUser(ctx, "", username, u)
	return err
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
