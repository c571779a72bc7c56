package preflight_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cogload/cogload/domain"
	"github.com/cogload/cogload/idpclient"
	"github.com/cogload/cogload/internal/mocktest"
	"github.com/cogload/cogload/mock"
	"github.com/cogload/cogload/preflight"
	"github.com/cogload/cogload/scenarios"
)

const secretPassword = "Pw-sEcReT-9f8e7d"

// usersFile writes n users, all with secretPassword.
func usersFile(t *testing.T, n int, login func(i int) string) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("username,password\n")
	for i := range n {
		fmt.Fprintf(&b, "%s,%s\n", login(i), secretPassword)
	}
	p := filepath.Join(t.TempDir(), "users.csv")
	if err := os.WriteFile(p, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func plain(i int) string { return fmt.Sprintf("cogload-abc123-%05d", i+1) }

func plan(t *testing.T, builtin, users string) *scenarios.Plan {
	t.Helper()
	s, err := scenarios.Builtin(builtin)
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.Compile(scenarios.CompileOptions{Endpoint: &scenarios.EndpointOverride{
		URL: "http://127.0.0.1:9229", UserPoolID: "us-east-1_Test1", ClientID: "client1", Users: users}})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// goodPool is a pool and client release-gate runs on as planned.
func goodPool() (idpclient.Pool, idpclient.AppClient) {
	return idpclient.Pool{ID: "us-east-1_Test1", Name: "team", EmailSendingAccount: idpclient.EmailDeveloper,
			EmailSourceARN: "arn:aws:ses:us-east-1:123456789012:identity/no-reply@example.com", SMSRoleARN: "arn:aws:iam::123456789012:role/sms",
			CustomMessageTrigger: "arn:aws:lambda:us-east-1:123456789012:function:msg", PasswordPolicy: idpclient.DefaultPasswordPolicy, EstimatedUsers: 1200},
		idpclient.AppClient{ID: "client1", ExplicitAuthFlows: []string{"ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"},
			AccessTokenValidity: time.Hour, IDTokenValidity: time.Hour, RefreshTokenValidity: 30 * 24 * time.Hour}
}

func judge(t *testing.T, p *scenarios.Plan, pool idpclient.Pool, cl idpclient.AppClient, users string) []preflight.Finding {
	t.Helper()
	in := preflight.Inputs{Pool: &pool, Client: &cl, Users: map[string]preflight.UsersFile{}}
	for _, tp := range p.TokenPools {
		if path := tp.Source.Path; path != "" {
			f := preflight.UsersFile{}
			b, err := os.ReadFile(path)
			if err != nil {
				f.Err = err
			}
			for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n")[1:] {
				if l != "" {
					u, _, _ := strings.Cut(l, ",")
					f.Logins = append(f.Logins, u)
				}
			}
			in.Users[path] = f
		}
	}
	return preflight.Judge(p, in)
}

func find(fs []preflight.Finding, topic, text string) (preflight.Finding, bool) {
	for _, f := range fs {
		if f.Topic == topic && strings.Contains(f.Message, text) {
			return f, true
		}
	}
	return preflight.Finding{}, false
}

func TestAGoodPoolPasses(t *testing.T) {
	users := usersFile(t, 1000, plain)
	pool, cl := goodPool()
	fs := judge(t, plan(t, "release-gate", users), pool, cl, users)
	for _, f := range fs {
		if f.Level == preflight.Error || f.Level == preflight.Warning && f.Topic != "sms" {
			t.Errorf("%s %s: %s", f.Level, f.Topic, f.Message)
		}
	}
	if f, ok := find(fs, "email", "Amazon SES sends"); !ok || !strings.Contains(f.Message, "$0.") {
		t.Errorf("no SES cost line: %+v", fs)
	}
	if f, ok := find(fs, "sms", "paid SMS"); !ok || f.Level != preflight.Warning || !strings.Contains(f.Message, "end-user-messaging/pricing") {
		t.Errorf("SMS cost: %+v", f)
	}
}

// Every mismatch the check knows, each with its level and what it says.
func TestMismatches(t *testing.T) {
	many := usersFile(t, 1000, plain)
	for _, tc := range []struct {
		name     string
		scenario string
		users    string
		change   func(*idpclient.Pool, *idpclient.AppClient)
		level    preflight.Level
		topic    string
		want     string
	}{
		{"default email over its daily limit", "release-gate", many, func(p *idpclient.Pool, _ *idpclient.AppClient) { p.EmailSendingAccount = idpclient.EmailCognitoDefault },
			preflight.Error, "email", "allows 50 emails a day for the account"},
		{"default email within its limit", "smoke", many, func(p *idpclient.Pool, _ *idpclient.AppClient) { p.EmailSendingAccount = idpclient.EmailCognitoDefault },
			preflight.Warning, "email", "of the account's 50 a day"},
		{"custom email sender", "release-gate", many, func(p *idpclient.Pool, _ *idpclient.AppClient) {
			p.EmailSendingAccount, p.CustomEmailSender = idpclient.EmailCognitoDefault, "arn:aws:lambda:x:1:function:send"
		}, preflight.OK, "email", "custom email sender"},
		{"no SMS configuration", "release-gate", many, func(p *idpclient.Pool, _ *idpclient.AppClient) { p.SMSRoleARN = "" },
			preflight.Warning, "sms", "has no SMS configuration"},
		{"SMS failing", "release-gate", many, func(p *idpclient.Pool, _ *idpclient.AppClient) { p.SMSConfigurationFailure = "SNS sandbox" },
			preflight.Warning, "sms", "does not work (SNS sandbox)"},
		{"metadata without a trigger", "release-gate", many, func(p *idpclient.Pool, _ *idpclient.AppClient) { p.CustomMessageTrigger = "" },
			preflight.Warning, "trigger", "ClientMetadata variants empty, fixed, large have no effect"},
		{"client secret", "release-gate", many, func(_ *idpclient.Pool, c *idpclient.AppClient) { c.HasSecret = true },
			preflight.Error, "client", "has a client secret"},
		{"no password sign-in", "release-gate", many, func(_ *idpclient.Pool, c *idpclient.AppClient) {
			c.ExplicitAuthFlows = []string{"ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}
		},
			preflight.Error, "client", "does not allow USER_PASSWORD_AUTH"},
		{"legacy password flow accepted", "release-gate", many, func(_ *idpclient.Pool, c *idpclient.AppClient) {
			c.ExplicitAuthFlows = []string{"USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}
		},
			preflight.OK, "tokens", "no refresh needed"},
		{"no refresh in a run that refreshes", "nightly-soak", usersFile(t, 1800, plain), func(_ *idpclient.Pool, c *idpclient.AppClient) {
			c.ExplicitAuthFlows = []string{"ALLOW_USER_PASSWORD_AUTH"}
		},
			preflight.Error, "tokens", "does not allow REFRESH_TOKEN_AUTH"},
		{"short access tokens refresh", "nightly-soak", usersFile(t, 1800, plain), func(_ *idpclient.Pool, c *idpclient.AppClient) { c.AccessTokenValidity = 5 * time.Minute },
			preflight.Warning, "tokens", "load.tokenRefresh is 10m0s, longer than the access tokens' 5m0s"},
		{"refresh tokens end before the run", "nightly-soak", usersFile(t, 1800, plain), func(_ *idpclient.Pool, c *idpclient.AppClient) { c.RefreshTokenValidity = 20 * time.Minute },
			preflight.Error, "tokens", "refresh tokens last 20m0s, less than the run's 30m0s"},
		{"too few users for the code limit", "nightly-soak", usersFile(t, 500, plain), nil,
			preflight.Warning, "users", "Create at least"},
		{"too few users for the revoked pool", "release-gate", usersFile(t, 1, plain), nil,
			preflight.Error, "users", "revoked pools need users of their own"},
		{"enough users", "release-gate", many, nil,
			preflight.OK, "users", "every token gets a user of its own"},
		{"real mailboxes", "release-gate", usersFile(t, 1000, func(i int) string { return fmt.Sprintf("qa%d@example.org", i) }), func(p *idpclient.Pool, _ *idpclient.AppClient) {
			p.UsernameAttributes = []string{"email"}
		}, preflight.Warning, "email", "1000 users of the users files have addresses outside the SES mailbox simulator"},
		{"simulator mailboxes", "release-gate", usersFile(t, 1000, func(i int) string { return fmt.Sprintf("success+u%d@simulator.amazonses.com", i) }), func(p *idpclient.Pool, _ *idpclient.AppClient) {
			p.UsernameAttributes = []string{"email"}
		}, preflight.OK, "pool", "users sign in with email"},
		{"above the category quota", "throttle-probe", many, nil,
			preflight.Warning, "quota", "above the account's 50 req/s category quota"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pool, cl := goodPool()
			if tc.change != nil {
				tc.change(&pool, &cl)
			}
			fs := judge(t, plan(t, tc.scenario, tc.users), pool, cl, tc.users)
			f, ok := find(fs, tc.topic, tc.want)
			if !ok {
				t.Fatalf("no %s finding saying %q in:\n%v", tc.topic, tc.want, fs)
			}
			if f.Level != tc.level {
				t.Errorf("%s finding is %s, want %s: %s", tc.topic, f.Level, tc.level, f.Message)
			}
			if tc.name == "simulator mailboxes" {
				if _, real := find(fs, "email", "outside the SES mailbox simulator"); real {
					t.Errorf("simulator addresses reported as real mailboxes")
				}
			}
		})
	}
}

func TestUnreadableUsersFile(t *testing.T) {
	users := usersFile(t, 10, plain)
	p := plan(t, "release-gate", users)
	pool, cl := goodPool()
	fs := preflight.Judge(p, preflight.Inputs{Pool: &pool, Client: &cl, Users: map[string]preflight.UsersFile{users: {Err: errors.New("users.csv:3: want 2 fields")}}})
	if f, ok := find(fs, "users", "want 2 fields"); !ok || f.Level != preflight.Error {
		t.Fatalf("%+v", fs)
	}
}

// Check reads a served mock through the API, as it would a real pool,
// and never prints a password from the users file.
func TestCheckAgainstTheMock(t *testing.T) {
	for _, tc := range []struct {
		name      string
		pool      string
		poolID    func(real string) string
		worst     preflight.Level
		want      string
		wantTopic string
	}{
		{"email-default", "email-default", nil, preflight.Error, "allows 50 emails a day", "email"},
		{"custom-message-trigger", "custom-message-trigger", nil, preflight.Warning, "paid SMS", "sms"},
		{"missing pool", "email-ses", func(string) string { return "us-east-1_Missing1" }, preflight.Error, "does not exist", "pool"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := mock.Builtin(tc.pool)
			if err != nil {
				t.Fatal(err)
			}
			m := mocktest.StartConfig(t, cfg, nil)
			info := m.Info
			poolID := info.UserPoolID
			if tc.poolID != nil {
				poolID = tc.poolID(poolID)
			}
			users := usersFile(t, 1000, plain)
			s, _ := scenarios.Builtin("release-gate")
			p, err := s.Compile(scenarios.CompileOptions{Endpoint: &scenarios.EndpointOverride{URL: m.URL, UserPoolID: poolID, ClientID: info.ClientID, Users: users}})
			if err != nil {
				t.Fatal(err)
			}
			rep, err := preflight.Check(context.Background(), p, preflight.Options{HTTPClient: m.HTTP})
			if err != nil {
				t.Fatal(err)
			}
			if worst(rep) != tc.worst {
				t.Errorf("worst %s, want %s: %+v", worst(rep), tc.worst, rep.Findings)
			}
			if _, ok := find(rep.Findings, tc.wantTopic, tc.want); !ok {
				t.Errorf("no %s finding %q: %+v", tc.wantTopic, tc.want, rep.Findings)
			}
			err = rep.Err()
			var ee *domain.ExitError
			if (tc.worst == preflight.Error) != (err != nil) || err != nil && (!errors.As(err, &ee) || ee.Code != domain.ExitUsage) {
				t.Errorf("Err() = %v", err)
			}
			var out bytes.Buffer
			if err := rep.Write(&out); err != nil {
				t.Fatal(err)
			}
			text := out.String()
			if err != nil {
				text += err.Error()
			}
			if strings.Contains(text, secretPassword) {
				t.Errorf("a password in the report:\n%s", text)
			}
			if !strings.Contains(out.String(), "Pre-flight check of pool "+poolID) {
				t.Errorf("report:\n%s", out.String())
			}
		})
	}
	if _, err := preflight.Check(context.Background(), mustMockPlan(t), preflight.Options{}); !errors.Is(err, preflight.ErrMockTarget) {
		t.Errorf("a mock plan: %v", err)
	}
}

func mustMockPlan(t *testing.T) *scenarios.Plan {
	s, _ := scenarios.Builtin("smoke")
	p, err := s.Compile(scenarios.CompileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// worst is the highest level among rep's findings.
func worst(rep preflight.Report) preflight.Level {
	w := preflight.OK
	for _, f := range rep.Findings {
		w = max(w, f.Level)
	}
	return w
}
