// Package preflight checks a real user pool against a plan before any
// request is sent: it reads the pool and its app client with read-only
// calls (DescribeUserPool, DescribeUserPoolClient), reads the users files
// the plan mints tokens from, and compares them with what the plan will
// do. Each mismatch is a finding: a warning when the run works but not as
// its author likely thinks (codes that cannot be delivered, ClientMetadata
// no trigger reads, a per-user limit the users are too few for), an error
// when it cannot work or would do harm (sign-ins the client refuses,
// tokens that expire unrefreshed, the account's default email used up).
//
// Nothing here sends a code, signs a user in or writes anything.
package preflight

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/olekukonko/tablewriter/tw"

	"github.com/cogload/cogload/domain"
	"github.com/cogload/cogload/idpclient"
	"github.com/cogload/cogload/internal/textfmt"
	"github.com/cogload/cogload/scenarios"
	"github.com/cogload/cogload/tokens"
)

// Level is how much a finding matters.
type Level int

// Levels, in increasing order.
const (
	// OK: the check passed; the message says what was found.
	OK Level = iota
	// Warning: the run works, but not as planned or at a cost.
	Warning
	// Error: the run cannot work, or would do harm; it is refused.
	Error
)

// MarshalText writes the level by name, as in reports.
func (l Level) MarshalText() ([]byte, error) { return []byte(l.String()), nil }

func (l Level) String() string {
	switch l {
	case Warning:
		return "warning"
	case Error:
		return "error"
	}
	return "ok"
}

// Finding is one result of the check.
type Finding struct {
	Level Level `json:"level"`
	// Topic is what was checked: pool, client, email, sms, trigger,
	// tokens, users, quota.
	Topic   string `json:"topic"`
	Message string `json:"message"`
}

// Report is the outcome of a check.
type Report struct {
	// Target names the pool checked ("pool X at URL").
	Target   string    `json:"target"`
	Findings []Finding `json:"findings"`
}

// Err is nil unless a finding is an error; then it is invalid input (exit
// 2) listing the errors.
func (r Report) Err() error {
	var msgs []string
	for _, f := range r.Findings {
		if f.Level == Error {
			msgs = append(msgs, f.Topic+": "+f.Message)
		}
	}
	if len(msgs) == 0 {
		return nil
	}
	return domain.Exit(domain.ExitUsage, fmt.Errorf("the pool cannot run this plan (%s):\n  %s", r.Target, strings.Join(msgs, "\n  ")))
}

// Write prints the report as a table, errors first.
func (r Report) Write(w io.Writer) error {
	if _, err := fmt.Fprintf(w, "Pre-flight check of %s\n", r.Target); err != nil {
		return err
	}
	fs := slices.Clone(r.Findings)
	slices.SortStableFunc(fs, func(a, b Finding) int { return int(b.Level) - int(a.Level) })
	t := textfmt.Table{Header: []string{"", "check", "finding"}, Align: []tw.Align{textfmt.Left, textfmt.Left, textfmt.Left}, Wrap: map[int]int{2: 100}}
	for _, f := range fs {
		t.Rows = append(t.Rows, []string{f.Level.String(), f.Topic, f.Message})
	}
	return t.Write(w)
}

// Options say how to reach the pool and where the plan's files are.
type Options struct {
	// Region scopes the signatures (the cli's: the plan's region, else
	// its pool id's, else the environment's, else us-east-1). Empty: the
	// plan's region, else its pool id's, else us-east-1.
	Region string
	// Credentials sign the Describe calls (the default AWS chain in the
	// cli); nil sends them unsigned, which only the mock accepts.
	Credentials aws.CredentialsProvider
	HTTPClient  *http.Client
}

// ErrMockTarget is returned for a plan that targets the embedded mock,
// whose pools are known without asking.
var ErrMockTarget = errors.New("the plan targets the embedded mock: there is no real pool to check")

// Check reads the plan's pool, app client and users files and judges them
// against the plan. Failing to read the pool or client is itself a
// finding (an error), not a failure of Check.
func Check(ctx context.Context, plan *scenarios.Plan, o Options) (Report, error) {
	t := plan.Target
	if t.Mock {
		return Report{}, ErrMockTarget
	}
	endpoint := t.URL
	rep := Report{Target: fmt.Sprintf("pool %s at %s", t.UserPoolID, endpoint)}
	if t.UserPoolID == "" {
		rep.Findings = append(rep.Findings, Finding{Error, "pool", "the plan names no user pool: set target.endpoint.userPoolId or pass --user-pool-id"})
		return rep, nil
	}
	// Signatures are scoped to the pool's region.
	region := cmp.Or(o.Region, idpclient.RegionFor(t.Region, t.UserPoolID))
	cfg := idpclient.Config{Endpoint: endpoint, Region: region, Credentials: o.Credentials}
	if o.HTTPClient != nil {
		cfg.HTTPClient = o.HTTPClient
	}
	c := idpclient.New(cfg)
	in := Inputs{Users: map[string]UsersFile{}}
	var pool idpclient.Pool
	err := idpclient.Backoff{}.Do(ctx, func(ctx context.Context) (err error) {
		pool, err = c.DescribeUserPool(ctx, t.UserPoolID)
		return err
	})
	if err != nil {
		rep.Findings = append(rep.Findings, Finding{Error, "pool", unreadable("DescribeUserPool", "the pool", err)})
	} else {
		in.Pool = &pool
	}
	if t.ClientID != "" {
		var cl idpclient.AppClient
		err := idpclient.Backoff{}.Do(ctx, func(ctx context.Context) (err error) {
			cl, err = c.DescribeUserPoolClient(ctx, t.UserPoolID, t.ClientID)
			return err
		})
		if err != nil {
			rep.Findings = append(rep.Findings, Finding{Error, "client", unreadable("DescribeUserPoolClient", "app client "+t.ClientID, err)})
		} else {
			in.Client = &cl
		}
	}
	for _, tp := range plan.TokenPools {
		p := tp.Source.Path
		if tp.Source.Kind != scenarios.SourceMint || p == "" {
			continue
		}
		if _, done := in.Users[p]; done {
			continue
		}
		users, err := tokens.LoadUsers(ctx, p)
		in.Users[p] = UsersFile{Err: err, Logins: logins(users)}
	}
	rep.Findings = append(rep.Findings, Judge(plan, in)...)
	return rep, nil
}

func logins(users []domain.Credential) []string {
	out := make([]string, len(users))
	for i, u := range users {
		out[i] = u.Username
	}
	return out
}

// unreadable explains a failed read of the pool or client.
func unreadable(op, what string, err error) string {
	if idpclient.NotFound(err) {
		return fmt.Sprintf("%s does not exist: check the id and the region or endpoint (%v)", what, err)
	}
	return fmt.Sprintf("cannot read %s: %v; the check needs cognito-idp:%s on the pool (see docs/real-pools.md)", what, err, op)
}
