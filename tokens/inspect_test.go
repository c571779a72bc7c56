package tokens

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cogload/cogload/scenarios"
)

// TestInspectCountsWhatPoolsHold: validate's plan says what the run's
// pools will hold: a token file of 3 holds 3 (not the default 100), a size
// caps what a source gives (the run takes that many), a users file of 3
// users is 3 users for the quota prediction, and what cannot be known
// without running (a command, an unset variable) is left uncounted.
func TestInspectCountsWhatPoolsHold(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("three.txt", "a.b.c\nd.e.f\ng.h.i\n")
	write("users.csv", "u1,Passw0rd-1\nu2,Passw0rd-2\nu3,Passw0rd-3\n")
	sc, err := scenarios.Parse(filepath.Join(dir, "s.yaml"), []byte(`name: s
target:
  endpoint: {url: "http://127.0.0.1:1", userPoolId: us-east-1_abc, clientId: c123}
tokenPools:
  - {name: file, kind: valid, source: {file: three.txt}}
  - {name: capped, kind: valid, size: 2, source: {file: three.txt}}
  - {name: oversized, kind: valid, size: 50, source: {file: three.txt}}
  - {name: env, kind: valid, source: {env: TOKS}}
  - {name: unset, kind: valid, source: {env: NOT_SET}}
  - {name: exec, kind: valid, source: {exec: [sh, -c, "echo x.y.z"]}}
  - {name: minted, kind: valid, size: 40, source: {mint: {users: users.csv}}}
load:
  stages:
    - {duration: 10s, rate: 7}
`))
	if err != nil {
		t.Fatal(err)
	}
	plan, err := sc.Compile(scenarios.CompileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if plan.TokenPools[0].Size != 0 {
		t.Fatalf("an unsized file pool compiles to size %d, want 0 (what the file holds)", plan.TokenPools[0].Size)
	}
	env := Env{Dir: dir, Getenv: func(k string) string { return map[string]string{"TOKS": "t1,t2,t3,t4"}[k] }}
	if err := Inspect(context.Background(), plan, env); err != nil {
		t.Fatal(err)
	}
	got := map[string][2]int{}
	for _, tp := range plan.TokenPools {
		got[tp.Name] = [2]int{tp.Size, tp.Users}
	}
	want := map[string][2]int{"file": {3, 0}, "capped": {2, 0}, "oversized": {3, 0}, "env": {4, 0}, "unset": {0, 0}, "exec": {0, 0}, "minted": {40, 3}}
	for name, w := range want {
		if got[name] != w {
			t.Errorf("pool %s: size, users = %v, want %v", name, got[name], w)
		}
	}
	if len(plan.Warnings) == 0 || !strings.Contains(strings.Join(plan.Warnings, "\n"), "token pool oversized: size 50, but its file source holds 3 tokens") {
		t.Errorf("warnings %q", plan.Warnings)
	}
	if use := strings.Join(plan.QuotaUse(), "\n"); !strings.Contains(use, "pool minted sends about") || !strings.Contains(use, "over 3 users") {
		t.Errorf("the quota prediction does not use the 3 users of users.csv:\n%s", use)
	}

	// The run takes what the plan said: 2 of the file's 3 for "capped".
	set, err := Fill(context.Background(), &scenarios.Plan{TokenPools: plan.TokenPools[1:2]}, env)
	if err != nil {
		t.Fatal(err)
	}
	if n := set.Pool(0).Len(); n != 2 {
		t.Errorf("a pool of size 2 from a file of 3 holds %d", n)
	}
}
