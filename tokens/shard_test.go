package tokens

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cogload/cogload/scenarios"
)

// TestFillDealsSourcesOutAmongShards: every token of an inline, file, env
// or exec source and every user of a users file goes to exactly one shard.
func TestFillDealsSourcesOutAmongShards(t *testing.T) {
	dir := t.TempDir()
	var toks []string
	for i := range 7 {
		toks = append(toks, fmt.Sprintf("tok%d.x.y", i))
	}
	write := func(name, text string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("toks.txt", strings.Join(toks, "\n"))
	write("two.txt", "a.b.c\nd.e.f\n")
	users := fakeUsers(6)
	var csv strings.Builder
	for _, u := range users {
		fmt.Fprintf(&csv, "%s,%s\n", u.Username, u.Password)
	}
	write("users.csv", csv.String())
	getenv := func(k string) string {
		if k == "TOKS" {
			return strings.Join(toks, ",")
		}
		return ""
	}
	sources := map[string]scenarios.TokenSource{
		"inline": {Kind: scenarios.SourceInline, Inline: toks},
		"file":   {Kind: scenarios.SourceFile, Path: filepath.Join(dir, "toks.txt")},
		"env":    {Kind: scenarios.SourceEnv, Env: "TOKS"},
		"exec":   {Kind: scenarios.SourceExec, Command: []string{"cat", "toks.txt"}},
	}
	const n = 3
	for name, src := range sources {
		seen := map[string]int{}
		for i := 1; i <= n; i++ {
			env := Env{Dir: dir, Getenv: getenv, Shard: scenarios.Shard{Index: i, Count: n}}
			plan := &scenarios.Plan{TokenPools: []scenarios.TokenPool{{Name: "p", Kind: scenarios.KindValid, Source: src}}}
			set, err := Fill(context.Background(), plan, env)
			if err != nil {
				t.Fatalf("%s, shard %d: %v", name, i, err)
			}
			for _, tok := range set.Pool(0).load() {
				seen[tok]++
			}
		}
		for _, tok := range toks {
			if seen[tok] != 1 {
				t.Errorf("%s: token %s used by %d shards", name, tok, seen[tok])
			}
		}
	}

	f := newFake(users)
	logins := map[string]int{}
	for i := 1; i <= n; i++ {
		env := testEnv(t, f, nil, &logSink{})
		env.MockAdmin, env.Dir, env.Shard = false, dir, scenarios.Shard{Index: i, Count: n}
		p := mintPool("v", scenarios.KindValid, 4)
		p.Source.Path = filepath.Join(dir, "users.csv")
		f.mu.Lock()
		clear(f.logins)
		f.mu.Unlock()
		if _, err := Fill(context.Background(), &scenarios.Plan{TokenPools: []scenarios.TokenPool{p}}, env); err != nil {
			t.Fatalf("users file, shard %d: %v", i, err)
		}
		f.mu.Lock()
		for u := range f.logins {
			logins[u]++
		}
		f.mu.Unlock()
	}
	for _, u := range users {
		if logins[u.Username] != 1 {
			t.Errorf("user %s logged in by %d shards", u.Username, logins[u.Username])
		}
	}

	env := Env{Dir: dir, Shard: scenarios.Shard{Index: 3, Count: 3}}
	plan := &scenarios.Plan{TokenPools: []scenarios.TokenPool{{Name: "few", Size: 1, Kind: scenarios.KindValid, Source: scenarios.TokenSource{Kind: scenarios.SourceFile, Path: filepath.Join(dir, "two.txt")}}}}
	_, err := Fill(context.Background(), plan, env)
	if err == nil || !strings.Contains(err.Error(), `pool "few": 2 tokens from file for 3 shards: shard 3/3 gets none`) {
		t.Errorf("fewer tokens than shards: %v", err)
	}
	if err != nil && slices.ContainsFunc([]string{"a.b.c", "d.e.f"}, func(s string) bool { return strings.Contains(err.Error(), s) }) {
		t.Errorf("error names a token: %v", err)
	}
}
