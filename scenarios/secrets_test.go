package scenarios

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

const (
	jwtSecret    = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzZWNyZXQifQ.c2VjcmV0LXNpZ25hdHVyZQ"
	jweSecret    = "eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIn0.ZW5jcnlwdGVka2V5.aXZpdml2.Y2lwaGVydGV4dC1zZWNyZXQ.dGFn"
	opaqueSecret = "hunter2-Opaque-S3cret"
)

var allSecrets = []string{jwtSecret, "c2VjcmV0LXNpZ25hdHVyZQ", jweSecret, "Y2lwaGVydGV4dC1zZWNyZXQ", opaqueSecret}

// renderings are every form a plan is written in: the resolved scenario
// (run.json), validate's JSON (which holds the resolved scenario too).
func renderings(t *testing.T, p *Plan) map[string]string {
	t.Helper()
	js, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	return map[string]string{"resolved": string(p.Resolved), "json": string(js), "description": p.Description}
}

// Secrets a scenario may hold (a token command's arguments, metadata
// values, a description) never appear in what is rendered from its plan,
// JWT-shaped or opaque; the plan itself keeps what it needs to run.
func TestPlanRenderingsHoldNoSecret(t *testing.T) {
	t.Parallel()
	p := mustParse(t, `
name: secrets
description: the command prints `+jwtSecret+` and `+jweSecret+`
tokenPools:
  - {name: jwt, source: {exec: ["printf", "%s\n", "`+jwtSecret+`"]}}
  - {name: opaque, source: {exec: [vault-token, --password, "`+opaqueSecret+`", "--token=`+opaqueSecret+`"]}}
  - {name: shell, source: {exec: ["sh -c 'echo `+opaqueSecret+`'"]}}
  - {name: encrypted, source: {exec: [get-token, "`+jweSecret+`"]}}
metadata:
  - {name: creds, values: {password: "`+opaqueSecret+`", plain: ok}}
  - {name: bearer, values: {ctx: "Bearer `+jweSecret+`"}}
load: {stages: [{duration: 1s, rate: 1}]}
`, CompileOptions{})
	for name, out := range renderings(t, p) {
		for _, s := range allSecrets {
			if strings.Contains(out, s) {
				t.Errorf("the %s rendering holds a secret (%.8s...):\n%s", name, s, out)
			}
		}
	}
	if got := p.TokenPools[1].Source.Command; len(got) != 4 || got[2] != opaqueSecret {
		t.Errorf("the plan lost the command it runs: %q", got)
	}
	if p.Metadata[0].Values["password"] != opaqueSecret || p.Metadata[0].Values["plain"] != "ok" {
		t.Errorf("the plan lost the metadata it sends: %v", p.Metadata[0].Values)
	}
	// What is shown still says what runs, and the resolved scenario
	// still reads back.
	if !strings.Contains(string(p.Resolved), "vault-token") || !strings.Contains(string(p.Resolved), "plain: ok") {
		t.Errorf("the resolved scenario no longer names the program or the harmless values:\n%s", p.Resolved)
	}
	if _, err := Parse("resolved", p.Resolved); err != nil {
		t.Errorf("the redacted resolved scenario does not parse: %v", err)
	}
}

// A token pasted where a name belongs is refused without being quoted;
// an endpoint URL carrying a user, password, query or fragment is refused
// without its secret part.
func TestSecretsWhereTheyDoNotBelongAreRefused(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, yaml, field string }{
		{"scenario name", "name: " + jwtSecret + "\n", "name"},
		{"token pool name", "tokenPools: [{name: " + jwtSecret + "}]\n", "tokenPools[0].name"},
		{"attribute name", "attributes: [{name: " + jweSecret + "}]\n", "attributes[0].name"},
		{"metadata name", "metadata: [{name: " + jwtSecret + ", absent: true}]\n", "metadata[0].name"},
		{"stage name", "load: {stages: [{name: " + jwtSecret + ", duration: 1s, rate: 1}]}\n", "load.stages[0].name"},
		{"url with a password", "target: {endpoint: {url: \"https://admin:" + opaqueSecret + "@cognito.example\"}}\n", "target.endpoint.url"},
		{"url with a user", "target: {endpoint: {url: \"https://" + opaqueSecret + "@cognito.example\"}}\n", "target.endpoint.url"},
		{"url with a query", "target: {endpoint: {url: \"https://cognito.example/?key=" + opaqueSecret + "\"}}\n", "target.endpoint.url"},
		{"url with a fragment", "target: {endpoint: {url: \"https://cognito.example/#" + opaqueSecret + "\"}}\n", "target.endpoint.url"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := tc.yaml
			if !strings.Contains(body, "tokenPools") {
				body += "tokenPools: [{name: v, kind: garbage, size: 1}]\n"
			}
			if !strings.Contains(body, "load:") {
				body += "load: {stages: [{duration: 1s, rate: 1}]}\n"
			}
			s, err := Parse("test.yaml", []byte(body))
			if err == nil {
				_, err = s.Compile(CompileOptions{})
			}
			if err == nil {
				t.Fatal("accepted")
			}
			if !strings.Contains(err.Error(), tc.field) {
				t.Errorf("error %q does not name %s", err, tc.field)
			}
			for _, sec := range allSecrets {
				if strings.Contains(err.Error(), sec) {
					t.Errorf("error quotes the secret: %v", err)
				}
			}
		})
	}
}

func TestShownCommand(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want []string }{
		{nil, []string{}},
		{[]string{"get-tokens"}, []string{"get-tokens"}},
		{[]string{"vault", "read", "-field=token", "secret/x"}, []string{"vault", Redacted, Redacted, Redacted}},
		{[]string{"sh -c 'echo x'"}, []string{Redacted}},
		{[]string{jwtSecret}, []string{Redacted}},
	} {
		got := ShownCommand(tc.in)
		if !bytes.Equal([]byte(strings.Join(got, "\x00")), []byte(strings.Join(tc.want, "\x00"))) || len(got) != len(tc.want) {
			t.Errorf("ShownCommand(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
