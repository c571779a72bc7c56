// Package idpclient is cogload's one client of the Amazon Cognito user pools
// API (cognito-idp), a thin layer over aws-sdk-go-v2's
// cognitoidentityprovider client: sign-in, refresh, sign-out and token
// revocation for the token pools, the self-service calls the conformance
// suite makes, and the admin calls that provision users and pools.
//
// The SDK's retryer is off: a retry would hide the throttling a load or
// conformance run measures, and double the load. Callers that want to ride
// out throttling (filling token pools, provisioning) say so with Backoff.
//
// Nothing here reads the process environment. Calls go unsigned unless
// Config.Credentials is set: the token operations need no signature, and
// neither does the mock. The caller that needs SigV4 for the admin calls
// on the real service loads credentials (the default AWS chain) and passes
// them in.
//
// No error, and no printed form of a returned value, holds a password or
// a token.
package idpclient

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
)

// defaultRegion is the region used when Config.Region is empty.
const defaultRegion = "us-east-1"

// HTTPClient sends the requests. *http.Client is one; a wrapper that keeps
// a copy of each response (the conformance suite's recorder) is another.
type HTTPClient interface {
	Do(*http.Request) (*http.Response, error)
}

// Config says where the user pools API is and how to reach it. The zero
// value talks to us-east-1's public endpoint, unsigned.
type Config struct {
	// Endpoint is the base URL of the API (the mock, a proxy). Empty lets
	// the SDK resolve Region's public endpoint.
	Endpoint string
	// Region picks the public endpoint and scopes SigV4 signatures
	// (default us-east-1).
	Region string
	// HTTPClient sends every request (default: an *http.Client with a
	// 30 s timeout).
	HTTPClient HTTPClient
	// Credentials sign the admin calls with SigV4. Nil sends every call
	// unsigned, which the token operations and the mock accept and the
	// real service refuses for admin calls.
	Credentials aws.CredentialsProvider
}

// Client calls the user pools API. It is safe for concurrent use.
type Client struct {
	sdk *cip.Client
}

// New returns a client for cfg.
func New(cfg Config) *Client {
	opts := cip.Options{
		Region:      cfg.Region,
		Retryer:     aws.NopRetryer{},
		Credentials: cfg.Credentials,
	}
	if opts.Region == "" {
		opts.Region = defaultRegion
	}
	if cfg.Endpoint != "" {
		opts.BaseEndpoint = aws.String(cfg.Endpoint)
	}
	var hc HTTPClient = &http.Client{Timeout: 30 * time.Second}
	if cfg.HTTPClient != nil {
		hc = cfg.HTTPClient
	}
	opts.HTTPClient = inMemoryBodies{hc}
	return &Client{sdk: cip.New(opts)}
}

// inMemoryBodies hands each request to next with its body read into
// memory (the bodies are small JSON documents). The SDK's own body type
// makes net/http send the headers first and copy the body straight to
// the connection, and the SDK closes it as soon as the response's headers
// arrive: net/http's last read of the body then fails and it closes the
// connection under the response being read ("use of closed network
// connection", aws/aws-sdk-go-v2#1825). An in-memory body is written
// whole before the request is flushed, and can be sent again should the
// connection turn out to be dead before anything was written.
type inMemoryBodies struct{ next HTTPClient }

func (c inMemoryBodies) Do(req *http.Request) (*http.Response, error) {
	if req.Body == nil || req.Body == http.NoBody {
		return c.next.Do(req)
	}
	b, err := io.ReadAll(req.Body)
	_ = req.Body.Close()
	if err != nil {
		return nil, err
	}
	r := req.Clone(req.Context())
	r.Body = io.NopCloser(bytes.NewReader(b))
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
	r.ContentLength = int64(len(b))
	return c.next.Do(r)
}

// sdkCall is the shape of every operation method of the SDK client.
type sdkCall[In, Out any] func(context.Context, *In, ...func(*cip.Options)) (*Out, error)

// call runs one SDK operation and wraps its error in an *Error naming op
// and user, with secrets (the request's password or tokens) scrubbed from
// the text. Every method of Client goes through here, so adding an
// operation is one short method.
func call[In, Out any](ctx context.Context, fn sdkCall[In, Out], in *In, op, user string, secrets ...string) (*Out, error) {
	out, err := fn(ctx, in)
	if err != nil {
		return nil, newError(op, user, err, secrets)
	}
	return out, nil
}
