package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/cogload/cogload/domain"
)

func validateCLI(t *testing.T, args ...string) (code domain.ExitCode, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Main(context.Background(), args, Stdio{Out: &out, Err: &errb})
	return code, out.String(), errb.String()
}

func TestValidateExitCodes(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("name: bad\ntokenPools:\n  - {name: v, weight: 0}\nload: {stages: [{duration: 1s, rate: 1}]}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	typo := filepath.Join(dir, "typo.yaml")
	if err := os.WriteFile(typo, []byte("name: typo\ntokenpools: []\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		args     []string
		code     domain.ExitCode
		out, err string
	}{
		{"builtin", []string{"validate", "smoke"}, domain.ExitOK, "Scenario smoke", ""},
		{"overrides", []string{"validate", "--rate", "20", "--duration", "30s", "--pool", "sms,email-ses", "smoke"}, domain.ExitOK, "Total: 600 requests over 30s, peak 20 req/s", ""},
		{"semantic error", []string{"validate", bad}, domain.ExitUsage, "", regexp.QuoteMeta(bad) + `:3:23: tokenPools\[0\]\.weight: weight must be > 0`},
		{"unknown field", []string{"validate", typo}, domain.ExitUsage, "", regexp.QuoteMeta(typo) + `:2:1: tokenpools: unknown field "tokenpools" \(did you mean "tokenPools"\?`},
		{"missing file", []string{"validate", filepath.Join(dir, "none.yaml")}, domain.ExitUsage, "", "no such file"},
		{"unknown builtin", []string{"validate", "smok"}, domain.ExitUsage, "", `did you mean "smoke"`},
		{"no argument", []string{"validate"}, domain.ExitUsage, "", "validate takes one scenario"},
		{"bad pool flag", []string{"validate", "--pool", "nope", "smoke"}, domain.ExitUsage, "", `--pool: unknown pool configuration "nope"`},
		{"bad flag", []string{"validate", "--nope", "smoke"}, domain.ExitUsage, "", "flag provided but not defined"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, out, errOut := validateCLI(t, tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, tt.code, errOut)
			}
			if tt.out != "" && !strings.Contains(out, tt.out) {
				t.Errorf("stdout lacks %q:\n%s", tt.out, out)
			}
			if tt.err != "" && !regexp.MustCompile(tt.err).MatchString(errOut) {
				t.Errorf("stderr does not match %q:\n%s", tt.err, errOut)
			}
		})
	}
}

func TestValidateJSON(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "inline.yaml")
	const secret = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.dG9wLXNlY3JldA"
	scenario := "name: inline\ntarget: {endpoint: {url: 'http://127.0.0.1:9229'}}\ntokenPools:\n  - {name: v, source: {inline: [" + secret + "]}}\nload: {stages: [{duration: 2s, rate: 1}]}\n"
	if err := os.WriteFile(path, []byte(scenario), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"validate", "--json", path}, {"validate", path}} {
		code, out, errOut := validateCLI(t, args...)
		if code != domain.ExitOK {
			t.Fatalf("%v: exit %d: %s", args, code, errOut)
		}
		if strings.Contains(out, "dG9wLXNlY3JldA") {
			t.Errorf("%v printed the inline token:\n%s", args, out)
		}
		if args[1] == "--json" {
			var plan map[string]any
			if err := json.Unmarshal([]byte(out), &plan); err != nil {
				t.Fatalf("--json output is not JSON: %v\n%s", err, out)
			}
			if plan["name"] != "inline" || plan["totalRequests"] != 2.0 {
				t.Errorf("plan %v", plan)
			}
		}
	}
}

// TestScenarioFromStdin: "-" reads the scenario from standard input.
func TestScenarioFromStdin(t *testing.T) {
	var out, errb bytes.Buffer
	sc := "name: piped\ntokenPools: [{name: g, weight: 1, kind: garbage, size: 3}]\nattributes: [{name: email, weight: 1}]\nload: {stages: [{duration: 2s, rate: 5}]}\n"
	code := Main(context.Background(), []string{"validate", "-"}, Stdio{In: strings.NewReader(sc), Out: &out, Err: &errb})
	if code != domain.ExitOK || !strings.Contains(out.String(), "Scenario piped") {
		t.Fatalf("exit %d\n%s\n%s", code, out.String(), errb.String())
	}
	code = Main(context.Background(), []string{"validate", "-"}, Stdio{In: strings.NewReader("name: x\nbogus: 1\n"), Err: &errb})
	if code != domain.ExitUsage || !strings.Contains(errb.String(), "<stdin>:2:1") {
		t.Errorf("a bad piped scenario: exit %d, %s", code, errb.String())
	}
}

// validate --json answers invalid input with a JSON document of positioned
// errors on stdout, and still exits 2.
func TestValidateJSONErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	typo := write("typo.yaml", "name: typo\nload:\n  stages:\n    - {duration: 1s, rat: 5}\n")
	two := write("two.yaml", "name: two\ntokenPools:\n  - {name: v, weight: -1}\nload:\n  stages:\n    - {duration: 1s, rate: -5}\n")
	pool := write("pool.yaml", "name: p\nquotas:\n  rsp: 3\n")
	usesPool := write("uses-pool.yaml", "name: up\ntarget:\n  mock:\n    pools: [pool.yaml]\ntokenPools:\n  - {name: v, kind: garbage, size: 1}\nload:\n  stages:\n    - {duration: 1s, rate: 1}\n")
	notYAML := write("binary.yaml", "\x00\x01\x02")
	type entry struct {
		File    string `json:"file"`
		Line    int    `json:"line"`
		Col     int    `json:"col"`
		Field   string `json:"field"`
		Message string `json:"message"`
		Hint    string `json:"hint"`
	}
	for _, tc := range []struct {
		name      string
		args      []string
		files     []string // each entry's file, in order
		field     string   // of the first entry
		positions bool
	}{
		{"unknown field", []string{typo}, []string{typo}, "load.stages[0].rat", true},
		{"two invalid values", []string{two}, []string{two, two}, "", true},
		{"pool configuration the scenario names", []string{usesPool}, []string{pool}, "quotas.rsp", true},
		{"not YAML", []string{notYAML}, []string{notYAML}, "", false},
		{"no such scenario", []string{filepath.Join(dir, "missing.yaml")}, []string{filepath.Join(dir, "missing.yaml")}, "", false},
		{"two arguments", []string{typo, two}, []string{""}, "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := validateCLI(t, append([]string{"validate", "--json"}, tc.args...)...)
			if code != domain.ExitUsage {
				t.Fatalf("exit %d, want 2 (stderr %q)", code, stderr)
			}
			var doc struct {
				Valid  *bool   `json:"valid"`
				Errors []entry `json:"errors"`
			}
			dec := json.NewDecoder(strings.NewReader(stdout))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&doc); err != nil {
				t.Fatalf("stdout is not the JSON error document: %v\n%s", err, stdout)
			}
			if doc.Valid == nil || *doc.Valid || len(doc.Errors) != len(tc.files) {
				t.Fatalf("document = %+v, want valid false and %d errors\n%s", doc, len(tc.files), stdout)
			}
			for i, e := range doc.Errors {
				if e.File != tc.files[i] || e.Message == "" {
					t.Errorf("error %d = %+v, want file %q and a message", i, e, tc.files[i])
				}
				if tc.positions && (e.Line < 1 || e.Col < 1) {
					t.Errorf("error %d has no line and column: %+v", i, e)
				}
				if !strings.Contains(stderr, e.Message) {
					t.Errorf("stderr %q does not carry the message %q", stderr, e.Message)
				}
			}
			if tc.field != "" && doc.Errors[0].Field != tc.field {
				t.Errorf("field = %q, want %q", doc.Errors[0].Field, tc.field)
			}
		})
	}
}
