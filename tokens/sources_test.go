package tokens

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cogload/cogload/internal/input"
	"github.com/cogload/cogload/internal/jws"
	"github.com/cogload/cogload/scenarios"
)

const secretTok = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzZWNyZXQifQ.c2VjcmV0LXNpZ25hdHVyZQ"

// opaqueSecret is a secret no pattern recognises: a password, an API key,
// an opaque refresh token.
const opaqueSecret = "hunter2-Opaque-S3cret"

func TestStaticSources(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "toks.txt"), []byte("# header\n  aaa.bbb.ccc \n\nddd.eee.fff\n#x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "empty.txt"), []byte("# nothing\n\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	envVars := map[string]string{"TOKS": "t1, t2\tt3\nt4,,", "EMPTY": " "}
	tests := []struct {
		name    string
		src     scenarios.TokenSource
		kind    scenarios.TokenKind
		want    []string
		wantErr string
	}{
		{"inline", scenarios.TokenSource{Kind: scenarios.SourceInline, Inline: []string{"a.b.c", " ", "d.e.f"}}, scenarios.KindValid, []string{"a.b.c", "d.e.f"}, ""},
		{"inline empty", scenarios.TokenSource{Kind: scenarios.SourceInline}, scenarios.KindValid, nil, "lists no tokens"},
		{"file", scenarios.TokenSource{Kind: scenarios.SourceFile, Path: "toks.txt"}, scenarios.KindExpired, []string{"aaa.bbb.ccc", "ddd.eee.fff"}, ""},
		{"file tampered", scenarios.TokenSource{Kind: scenarios.SourceFile, Path: "toks.txt"}, scenarios.KindTampered, []string{jws.TamperSignature("aaa.bbb.ccc"), jws.TamperSignature("ddd.eee.fff")}, ""},
		{"file missing", scenarios.TokenSource{Kind: scenarios.SourceFile, Path: "nope.txt"}, scenarios.KindValid, nil, "nope.txt"},
		{"file empty", scenarios.TokenSource{Kind: scenarios.SourceFile, Path: "empty.txt"}, scenarios.KindValid, nil, "no tokens"},
		{"env", scenarios.TokenSource{Kind: scenarios.SourceEnv, Env: "TOKS"}, scenarios.KindValid, []string{"t1", "t2", "t3", "t4"}, ""},
		{"env empty", scenarios.TokenSource{Kind: scenarios.SourceEnv, Env: "EMPTY"}, scenarios.KindValid, nil, "EMPTY is empty or unset"},
		{"exec", scenarios.TokenSource{Kind: scenarios.SourceExec, Command: []string{"sh", "-c", "echo x.y.z; echo '# c'; echo p.q.r"}}, scenarios.KindValid, []string{"x.y.z", "p.q.r"}, ""},
		{"exec fails", scenarios.TokenSource{Kind: scenarios.SourceExec, Command: []string{"sh", "-c", "echo " + secretTok + "; echo " + secretTok + " >&2; echo 'login failed' >&2; exit 3"}}, scenarios.KindValid, nil, "exit status 3; it wrote 2 line(s) to stderr, not shown"},
		{"exec fails with an opaque secret on stderr", scenarios.TokenSource{Kind: scenarios.SourceExec, Command: []string{"sh", "-c", "echo " + opaqueSecret + "; printf 'password=" + opaqueSecret + "' >&2; exit 1"}}, scenarios.KindValid, nil, "exit status 1; it wrote 1 line(s) to stderr"},
		{"exec nothing", scenarios.TokenSource{Kind: scenarios.SourceExec, Command: []string{"true"}}, scenarios.KindValid, nil, "printed no tokens"},
		{"exec nothing but a secret on stderr", scenarios.TokenSource{Kind: scenarios.SourceExec, Command: []string{"sh", "-c", "echo 'token: " + opaqueSecret + "' >&2"}}, scenarios.KindValid, nil, "printed no tokens on stdout (one per line); it wrote 1 line(s)"},
		{"exec timeout with a secret on stderr", scenarios.TokenSource{Kind: scenarios.SourceExec, Command: []string{"sh", "-c", "echo " + opaqueSecret + " >&2; echo " + secretTok + " >&2; exec sleep 5"}}, scenarios.KindValid, nil, "timed out"},
		{"exec missing", scenarios.TokenSource{Kind: scenarios.SourceExec, Command: []string{"/nonexistent/cmd"}}, scenarios.KindValid, nil, "/nonexistent/cmd"},
		{"exec timeout", scenarios.TokenSource{Kind: scenarios.SourceExec, Command: []string{"sleep", "5"}}, scenarios.KindValid, nil, "timed out"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := Env{Dir: dir, Getenv: func(k string) string { return envVars[k] }}
			if strings.HasPrefix(tt.name, "exec timeout") {
				env.ExecTimeout = 200 * time.Millisecond
			}
			src := tt.src
			if src.Path != "" {
				src.Path = filepath.Join(dir, src.Path) // as Compile resolves it
			}
			// Unsized, as Compile leaves a static pool: it holds what its
			// source holds.
			plan := &scenarios.Plan{TokenPools: []scenarios.TokenPool{{Name: "p", Kind: tt.kind, Source: src}}}
			set, err := Fill(context.Background(), plan, env)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				for _, leak := range []string{secretTok, "c2VjcmV0LXNpZ25hdHVyZQ", opaqueSecret, "login failed"} {
					if strings.Contains(err.Error(), leak) {
						t.Errorf("error shows what the command printed (%q): %v", leak, err)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := set.Pool(0).load(); !slices.Equal(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestParseUsers(t *testing.T) {
	tests := []struct {
		name, file, data string
		want             int
		wantErr          string
	}{
		{"csv", "u.csv", "username,password\nalice,pw1\n# c\nbob, pw,2\n", 0, "u.csv:4:1: want 2 fields"},
		{"csv ok", "u.csv", "alice,pw1\n\nbob,\"p,w2\"\n", 2, ""},
		{"csv quoted", "u.csv", "alice,\"pw\n", 0, "u.csv:1:"},
		{"csv empty pw", "u.csv", "alice,\n", 0, "u.csv:1:1: empty username or password"},
		{"csv empty", "u.csv", "# none\n", 0, "no users"},
		{"yaml list", "u.yaml", "- username: alice\n  password: pw1\n- username: bob\n  password: pw2\n", 2, ""},
		{"yaml map", "u.yml", "users:\n  - {username: alice, password: pw1}\n", 1, ""},
		{"yaml bad", "u.yaml", "- username: alice\n  pasword: supersecretpw\n", 0, "u.yaml:2:"},
		{"yaml empty pw", "u.yaml", "- username: alice\n", 0, "u.yaml:1:3: [0].password: empty password"},
		{"yaml wrapped empty pw", "u.yaml", "users:\n  - username: alice\n    password: pw1\n  - {username: bob}\n", 0, "u.yaml:4:5: users[1].password: empty password"},
		{"yaml scalar", "u.yaml", "supersecretpw\n", 0, "u.yaml:1:1: invalid users file"},
		{"yaml typo", "u.yaml", "- username: alice\n  supersecretpw: x\n", 0, "u.yaml:2:3: [0]: unknown field (valid fields here: password, username)"},
		{"yaml duplicate", "u.yaml", "users: []\nusers: []\n", 0, "u.yaml:2:1: duplicate key, first defined at line 1, column 1"},
		{"yaml tag", "u.yaml", "users: ! supersecretpw\n", 0, "u.yaml:1:8: users: this YAML tag is not supported here"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseUsers(tt.file, []byte(tt.data))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				for _, pw := range []string{"pw1", "supersecretpw", "p,w2"} {
					if strings.Contains(err.Error(), pw) {
						t.Errorf("error leaks a password: %v", err)
					}
				}
				return
			}
			if err != nil || len(got) != tt.want {
				t.Fatalf("got %d users, err %v; want %d", len(got), err, tt.want)
			}
		})
	}
}

// FuzzParseUsers: a users file is parsed or refused with an *input.Error
// at a line and column (only "no users" is about the whole file), never a
// panic, and no error quotes a password: seeds carry the marker S3CRET
// where passwords and keys go. The seed corpus
// (testdata/fuzz/FuzzParseUsers) holds inputs that crashed or stalled
// go-yaml.
func FuzzParseUsers(f *testing.F) {
	f.Add("u.csv", "alice,pw\n")
	f.Add("u.csv", "alice,S3CRET\nbob\n")
	f.Add("u.yaml", "- username: a\n  password: b\n")
	f.Add("u.yaml", "users: [{username: a, password: b}]")
	f.Add("u.yaml", "- {username: a, password: S3CRET, S3CRET: x}\n")
	f.Add("u.yaml", "users: [{username: a, password: [S3CRET]}]\n")
	f.Add("u.yaml", strings.Repeat("[", 200_000))
	f.Fuzz(func(t *testing.T, name, data string) {
		users, err := ParseUsers(name, []byte(data))
		if err != nil {
			var e *input.Error
			if !errors.As(err, &e) || e.Msg != "no users" {
				if perr := input.CheckPositioned(err, name); perr != nil {
					t.Fatal(perr)
				}
			}
			if strings.Contains(data, "S3CRET") && strings.Contains(err.Error(), "S3CRET") {
				t.Fatalf("error quotes the file: %v", err)
			}
			return
		}
		if len(users) == 0 {
			t.Fatal("no error and no users")
		}
		for _, u := range users {
			if u.Username == "" || u.Password == "" {
				t.Fatal("empty credential accepted")
			}
			// A password the username holds is printed with the username,
			// which is no secret.
			if len(u.Password) >= 6 && !strings.Contains(u.Username, u.Password) && strings.Contains(fmt.Sprint(u), u.Password) {
				t.Fatal("password printed")
			}
		}
	})
}

func FuzzParseTokenLines(f *testing.F) {
	f.Add("a.b.c\n# x\n\n d.e.f \n")
	f.Fuzz(func(t *testing.T, data string) {
		for _, tok := range ParseTokenLines([]byte(data)) {
			if tok == "" || tok != strings.TrimSpace(tok) || strings.HasPrefix(tok, "#") || strings.ContainsAny(tok, "\n") {
				t.Fatalf("bad token %q", tok)
			}
		}
		for _, tok := range ParseTokenList(data) {
			if tok == "" || strings.ContainsAny(tok, ", \t\n") {
				t.Fatalf("bad token %q", tok)
			}
		}
	})
}
