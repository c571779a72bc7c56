package sidedoor

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/cogload/cogload/domain"
)

// Client calls the side doors of one mock. It is safe for concurrent use.
type Client struct {
	endpoint string
	hc       *http.Client
}

// New returns a client for the mock served at endpoint (its base URL).
// hc nil means an *http.Client with a 30 s timeout.
func New(endpoint string, hc *http.Client) *Client {
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	return &Client{endpoint: strings.TrimRight(endpoint, "/"), hc: hc}
}

// maxBody bounds what is read of an answer; side-door answers are small
// JSON documents.
const maxBody = 1 << 20

// Error is a side door's refusal, or an answer that is not what the
// contract promises. Its text never holds a token.
type Error struct {
	Method, Path string
	// Status is the HTTP status, 0 when the answer could not be read.
	Status int
	// Message is the mock's error text, redacted.
	Message string
}

func (e *Error) Error() string {
	if e.Status == 0 {
		return fmt.Sprintf("%s %s: %s", e.Method, e.Path, e.Message)
	}
	return fmt.Sprintf("%s %s: %d: %s", e.Method, e.Path, e.Status, e.Message)
}

// Info returns what the mock says about its default pool. Info.Endpoint is
// the address the mock saw in the request's Host header.
func (c *Client) Info(ctx context.Context) (Info, error) {
	var in Info
	if err := c.do(ctx, http.MethodGet, PathInfo, nil, &in); err != nil {
		return Info{}, err
	}
	if in.UserPoolID == "" {
		return Info{}, &Error{Method: http.MethodGet, Path: PathInfo, Status: http.StatusOK, Message: "the answer names no user pool"}
	}
	return in, nil
}

// Outbox returns the deliveries matching q, oldest first.
func (c *Client) Outbox(ctx context.Context, q OutboxQuery) ([]Delivery, error) {
	v := url.Values{}
	for k, s := range map[string]string{"poolId": q.PoolID, "username": q.Username, "attribute": q.Attribute} {
		if s != "" {
			v.Set(k, s)
		}
	}
	if q.Limit > 0 {
		v.Set("limit", strconv.Itoa(q.Limit))
	}
	path := PathOutbox
	if len(v) > 0 {
		path += "?" + v.Encode()
	}
	var out Outbox
	if err := c.do(ctx, http.MethodGet, path, nil, &out); err != nil {
		return nil, err
	}
	return out.Deliveries, nil
}

// ClearOutbox forgets every delivery.
func (c *Client) ClearOutbox(ctx context.Context) error {
	return c.do(ctx, http.MethodDelete, PathOutbox, nil, nil)
}

// MintToken returns a special token (see Kinds). The token is the point
// of the call; the errors never hold one.
func (c *Client) MintToken(ctx context.Context, r MintRequest) (string, error) {
	var out MintResponse
	if err := c.do(ctx, http.MethodPost, PathTokens, r, &out); err != nil {
		return "", err
	}
	if out.Token == "" {
		return "", &Error{Method: http.MethodPost, Path: PathTokens, Status: http.StatusOK, Message: "the answer has no token"}
	}
	return out.Token, nil
}

// User returns a user of the pool poolID (empty: the default pool).
func (c *Client) User(ctx context.Context, poolID, username string) (User, error) {
	var out User
	err := c.do(ctx, http.MethodGet, userPath(poolID, username), nil, &out)
	return out, err
}

// SetUser changes a user of the pool poolID (empty: the default pool) and
// returns the new state.
func (c *Client) SetUser(ctx context.Context, poolID, username string, u UserUpdate) (User, error) {
	var out User
	err := c.do(ctx, http.MethodPost, userPath(poolID, username), u, &out)
	return out, err
}

// Reset clears the mock's quota counters and its outbox.
func (c *Client) Reset(ctx context.Context) error {
	return c.do(ctx, http.MethodPost, PathReset, nil, nil)
}

func userPath(poolID, username string) string {
	p := PathUsers + url.PathEscape(username)
	if poolID != "" {
		p += "?" + url.Values{"poolId": {poolID}}.Encode()
	}
	return p
}

// do sends in (JSON, when not nil) to path and decodes a 2xx answer into
// out (when not nil).
func (c *Client) do(ctx context.Context, method, path string, in, out any) error {
	fail := func(status int, msg string) error {
		return &Error{Method: method, Path: path, Status: status, Message: msg}
	}
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return fail(0, "encode the request: "+err.Error())
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.endpoint+path, body)
	if err != nil {
		return fail(0, err.Error())
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
		return fmt.Errorf("%s %s: read the answer: %w", method, path, err)
	}
	if resp.StatusCode/100 != 2 {
		var eb ErrorBody
		msg := strings.TrimSpace(string(b))
		if json.Unmarshal(b, &eb) == nil && eb.Error != "" {
			msg = eb.Error
		}
		// The mock never echoes a token, but the text comes from the
		// network: scrub it anyway.
		return fail(resp.StatusCode, clip(domain.Redact(msg), 200))
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			return fail(resp.StatusCode, "the answer is not the expected JSON: "+err.Error())
		}
	}
	return nil
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
