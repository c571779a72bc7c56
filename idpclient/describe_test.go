package idpclient_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cogload/cogload/cognito"
	"github.com/cogload/cogload/idpclient"
)

func TestDescribeAndList(t *testing.T) {
	e := newEnv(t, idpclient.Config{})
	ctx := context.Background()
	c := e.client

	pool, err := c.DescribeUserPool(ctx, e.info.UserPoolID)
	if err != nil {
		t.Fatal(err)
	}
	if pool.ID != e.info.UserPoolID || pool.EmailSendingAccount != idpclient.EmailCognitoDefault || pool.PasswordPolicy != idpclient.DefaultPasswordPolicy ||
		pool.SMSRoleARN == "" || pool.CustomMessageTrigger != "" || pool.EstimatedUsers < 1000 {
		t.Errorf("pool = %+v", pool)
	}
	cl, err := c.DescribeUserPoolClient(ctx, e.info.UserPoolID, e.info.ClientID)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(cl.ExplicitAuthFlows, "ALLOW_USER_PASSWORD_AUTH") || cl.HasSecret ||
		cl.AccessTokenValidity != time.Hour || cl.RefreshTokenValidity != 30*24*time.Hour {
		t.Errorf("client = %+v", cl)
	}

	var names []string
	page := ""
	for {
		users, next, err := c.ListUsers(ctx, e.info.UserPoolID, `username ^= "user001"`, page)
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range users {
			names = append(names, u.Username)
		}
		if next == "" {
			break
		}
		page = next
	}
	if len(names) != 100 || names[0] != "user00100" || names[99] != "user00199" {
		t.Errorf("listed %d users from %v to %v", len(names), names[0], names[len(names)-1])
	}
	u, err := c.AdminGetUser(ctx, e.info.UserPoolID, names[0])
	if err != nil {
		t.Fatal(err)
	}
	if u.Username != names[0] || u.Status == "" {
		t.Errorf("user = %+v", u)
	}
	_, err = c.AdminGetUser(ctx, e.info.UserPoolID, "nobody")
	if !idpclient.NotFound(err) {
		t.Errorf("missing user: %v", err)
	}
	_, err = c.DescribeUserPool(ctx, "us-east-1_nope")
	wantAPIError[*types.ResourceNotFoundException](t, err, "User pool us-east-1_nope does not exist.")
}

// A client's validities in each unit, and the defaults of a client that
// sets none, as the service writes them.
func TestClientValidityUnits(t *testing.T) {
	for _, tc := range []struct {
		name                string
		client              map[string]any
		access, id, refresh time.Duration
		hasSecret           bool
	}{
		{"unset", map[string]any{}, time.Hour, time.Hour, 30 * 24 * time.Hour, false},
		{"no units", map[string]any{"AccessTokenValidity": 2, "IdTokenValidity": 3, "RefreshTokenValidity": 10}, 2 * time.Hour, 3 * time.Hour, 10 * 24 * time.Hour, false},
		{"units", map[string]any{"AccessTokenValidity": 300, "IdTokenValidity": 15, "RefreshTokenValidity": 90,
			"TokenValidityUnits": map[string]string{"AccessToken": "seconds", "IdToken": "minutes", "RefreshToken": "minutes"},
			"ClientSecret":       "s3cr3t-never-kept"}, 5 * time.Minute, 15 * time.Minute, 90 * time.Minute, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				cognito.WriteJSON(w, cognito.NewRequestID(), map[string]any{"UserPoolClient": tc.client})
			}))
			defer ts.Close()
			c := idpclient.New(idpclient.Config{Endpoint: ts.URL, HTTPClient: ts.Client()})
			cl, err := c.DescribeUserPoolClient(context.Background(), "us-east-1_x", "c")
			if err != nil {
				t.Fatal(err)
			}
			if cl.AccessTokenValidity != tc.access || cl.IDTokenValidity != tc.id || cl.RefreshTokenValidity != tc.refresh || cl.HasSecret != tc.hasSecret {
				t.Errorf("client = %+v", cl)
			}
			if s := fmt.Sprintf("%#v", cl); strings.Contains(s, "s3cr3t") {
				t.Errorf("the client secret was kept: %s", s)
			}
		})
	}
}

// bodyRecorder keeps what each request's body looked like to net/http.
type bodyRecorder struct {
	next   idpclient.HTTPClient
	inMem  []bool
	length []int64
}

func (r *bodyRecorder) Do(req *http.Request) (*http.Response, error) {
	r.inMem = append(r.inMem, req.GetBody != nil)
	r.length = append(r.length, req.ContentLength)
	return r.next.Do(req)
}

// Request bodies reach net/http in memory and rewindable: the SDK's own
// streaming body loses a race with net/http (aws/aws-sdk-go-v2#1825).
func TestRequestBodiesAreInMemory(t *testing.T) {
	e := newEnv(t, idpclient.Config{})
	rec := &bodyRecorder{next: e.m.HTTP}
	c := idpclient.New(idpclient.Config{Endpoint: e.m.URL, Region: e.info.Region, HTTPClient: rec})
	if _, err := c.DescribeUserPool(context.Background(), e.info.UserPoolID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Login(context.Background(), e.info.ClientID, e.m.User(t)); err != nil {
		t.Fatal(err)
	}
	if len(rec.inMem) != 2 || !rec.inMem[0] || !rec.inMem[1] || rec.length[0] <= 0 {
		t.Errorf("bodies in memory: %v, lengths %v", rec.inMem, rec.length)
	}
}
