package scenarios

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cogload/cogload/cognito"
)

func usersFile(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "users.csv")
	if err := os.WriteFile(p, []byte("username,password\nu1,Pw-1-aaaaaaaa\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// A built-in scenario for the mock, sent to a team's pool from the
// command line: the users file replaces the mock's users, expired tokens
// (which only the mock mints) are left out with a warning.
func TestEndpointOverride(t *testing.T) {
	users := usersFile(t)
	p := mustCompile(t, "release-gate", CompileOptions{Endpoint: &EndpointOverride{
		URL: "http://127.0.0.1:9229", UserPoolID: "us-east-1_AbC123", ClientID: "client1", Users: users}})
	tg := p.Target
	if tg.Mock || tg.URL != "http://127.0.0.1:9229" || tg.UserPoolID != "us-east-1_AbC123" || tg.ClientID != "client1" || tg.MaxRate != DefaultMaxRate {
		t.Fatalf("target = %+v", tg)
	}
	var names []string
	for _, tp := range p.TokenPools {
		names = append(names, tp.Name)
		switch tp.Kind {
		case KindGarbage:
			if tp.Source.Kind != SourceNone {
				t.Errorf("garbage pool source %+v", tp.Source)
			}
		default:
			if tp.Source.Kind != SourceMint || tp.Source.Path != users {
				t.Errorf("pool %s source %+v, want the users file", tp.Name, tp.Source)
			}
		}
	}
	if !slices.Equal(names, []string{"valid", "revoked", "tampered", "garbage"}) {
		t.Errorf("pools %v", names)
	}
	if !slices.ContainsFunc(p.Warnings, func(w string) bool { return strings.Contains(w, "token pool expired left out") }) {
		t.Errorf("warnings %v", p.Warnings)
	}
	res := string(p.Resolved)
	if !strings.Contains(res, "url: http://127.0.0.1:9229") || !strings.Contains(res, "users: "+users) || strings.Contains(res, "mock:") {
		t.Errorf("resolved:\n%s", res)
	}
	if p.ExpectedCodes(cognito.AttributeEmail) < 500 || p.ExpectedCodes("") <= p.ExpectedCodes(cognito.AttributeEmail) {
		t.Errorf("expected codes: email %.0f, all %.0f", p.ExpectedCodes(cognito.AttributeEmail), p.ExpectedCodes(""))
	}

	// A region gives the public endpoint.
	p = mustCompile(t, "smoke", CompileOptions{Endpoint: &EndpointOverride{Region: "eu-west-1", UserPoolID: "eu-west-1_x1", ClientID: "c", Users: users}})
	if p.Target.URL != cognito.Endpoint("eu-west-1") || p.Target.Region != "eu-west-1" {
		t.Errorf("target %+v", p.Target)
	}
}

func TestEndpointOverrideRefusals(t *testing.T) {
	users := usersFile(t)
	for _, tc := range []struct {
		name string
		o    CompileOptions
		want []string
	}{
		{"no users", CompileOptions{Endpoint: &EndpointOverride{URL: "http://127.0.0.1:1", UserPoolID: "us-east-1_a", ClientID: "c"}}, []string{"--users: token pool valid mints tokens"}},
		{"no client", CompileOptions{Endpoint: &EndpointOverride{URL: "http://127.0.0.1:1", UserPoolID: "us-east-1_a", Users: users}}, []string{"--client-id"}},
		{"bad values", CompileOptions{Endpoint: &EndpointOverride{URL: "ftp://x", Region: "mars", UserPoolID: "nope", ClientID: "c", Users: filepath.Join(t.TempDir(), "missing.csv")}},
			[]string{"--endpoint: ftp://x: the endpoint is not an absolute http or https URL", "--region: \"mars\"", "--user-pool-id: \"nope\"", "--users: users file"}},
		{"credentials in the url", CompileOptions{Endpoint: &EndpointOverride{URL: "https://admin:S3cret-pw@cognito.example/?key=S3cret-key", UserPoolID: "us-east-1_a", ClientID: "c", Users: users}},
			[]string{"--endpoint: https://cognito.example/: the endpoint must not carry a user, password, query or fragment"}},
		{"with --pool", CompileOptions{Pools: []string{"sms"}, Endpoint: &EndpointOverride{URL: "http://127.0.0.1:1", ClientID: "c", Users: users}}, []string{"--pool"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Builtin("release-gate")
			if err != nil {
				t.Fatal(err)
			}
			_, err = s.Compile(tc.o)
			if err == nil {
				t.Fatal("compiled")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
			if strings.Contains(err.Error(), "S3cret") {
				t.Errorf("the error quotes a secret:\n%v", err)
			}
			if strings.Count(err.Error(), "--users: token pool") > 1 {
				t.Errorf("one flag, several errors:\n%v", err)
			}
		})
	}
}
