package main

import (
	"encoding/json"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// allowedImports is the package map's direction, as code: for each of
// cogload's packages, the cogload packages it may import. A new edge (or
// a new package) must be added here deliberately.
var allowedImports = map[string][]string{
	"":                       {"cli", "domain"},
	"domain":                 nil,
	"cognito":                nil,
	"internal/atomicfile":    nil,
	"internal/awsenv":        nil,
	"internal/golden":        nil,
	"internal/input":         nil,
	"internal/jws":           nil,
	"internal/junit":         nil,
	"internal/mocktest":      {"domain", "idpclient", "mock", "mock/sidedoor"},
	"internal/textfmt":       nil,
	"internal/stats":         nil,
	"internal/reportfixture": {"aggregate", "domain", "internal/textfmt", "scenarios"},
	"internal/s3fake":        nil,
	"mock/internal/latency":  nil,
	"mock/internal/quota":    nil,
	"mock/sidedoor":          {"domain"},
	"mock/evidence":          {"internal/textfmt"},
	"mock":                   {"cognito", "domain", "internal/input", "internal/jws", "mock/evidence", "mock/internal/latency", "mock/internal/quota", "mock/sidedoor"},
	"idpclient":              {"cognito", "domain"},
	"users":                  {"cognito", "domain", "idpclient", "internal/atomicfile", "internal/input"},
	"preflight":              {"cognito", "domain", "idpclient", "internal/textfmt", "scenarios", "tokens"},
	"scenarios":              {"cognito", "domain", "internal/input", "internal/textfmt", "mock/evidence"},
	"tokens":                 {"cognito", "domain", "idpclient", "internal/input", "internal/jws", "mock/sidedoor", "scenarios"},
	"attack":                 {"cognito", "domain", "scenarios", "tokens"},
	"aggregate":              {"cognito", "domain", "internal/stats", "internal/textfmt", "scenarios"},
	"compare":                {"aggregate", "internal/textfmt", "scenarios"},
	"fidelity":               {"aggregate", "compare", "internal/stats", "scenarios"},
	"render":                 {"aggregate", "compare", "domain", "fidelity", "internal/junit", "internal/stats", "internal/textfmt", "scenarios"},
	"archive":                {"aggregate", "domain", "internal/input", "render", "scenarios"},
	"s3archive":              {"archive", "internal/awsenv"},
	"calibrate":              {"aggregate", "cognito", "domain", "internal/stats", "internal/textfmt", "mock", "scenarios"},
	"run":                    {"aggregate", "archive", "attack", "cognito", "domain", "internal/input", "mock", "preflight", "scenarios", "tokens"},
	"conformance":            {"cognito", "domain", "idpclient", "internal/input", "internal/junit", "internal/jws", "internal/textfmt", "mock/evidence", "mock/sidedoor", "users"},
	"cli":                    {"*"},
	"bench":                  nil,
	"bench/trivial":          nil,
	"bench/cpuprofile":       {"cli"},
	"examples":               nil,
	"deploy":                 nil,
}

// reporting packages render and compare archives: they must not link the
// attack, the token machinery or the AWS SDK.
var reporting = []string{"aggregate", "compare", "fidelity", "render", "archive"}

const module = "github.com/cogload/cogload"

type listed struct {
	ImportPath string
	Imports    []string
	Deps       []string
}

func goList(t *testing.T) []listed {
	t.Helper()
	out, err := exec.Command("go", "list", "-json", "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	var pkgs []listed
	for dec.More() {
		var p listed
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs
}

func rel(path string) (string, bool) {
	if path == module {
		return "", true
	}
	r, ok := strings.CutPrefix(path, module+"/")
	return r, ok
}

func TestPackagesDependDownwards(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	for _, p := range goList(t) {
		name, _ := rel(p.ImportPath)
		allowed, known := allowedImports[name]
		if !known {
			t.Errorf("package %q is not in the package map (layers_test.go): add it with the packages it may import", name)
			continue
		}
		for _, imp := range p.Imports {
			dep, ours := rel(imp)
			if !ours || slices.Contains(allowed, "*") {
				continue
			}
			if dep == "cli" && name != "" && name != "bench/cpuprofile" {
				t.Errorf("%s imports cli: nothing but main may", name)
			}
			if !slices.Contains(allowed, dep) {
				t.Errorf("%s imports %s, which the package map does not allow", name, dep)
			}
		}
		if slices.Contains(reporting, name) {
			for _, d := range p.Deps {
				if strings.HasPrefix(d, "github.com/aws/aws-sdk-go-v2") || d == module+"/attack" || d == module+"/tokens" {
					t.Errorf("reporting package %s links %s", name, d)
				}
			}
		}
		if name == "domain" {
			for _, d := range p.Deps {
				if strings.Contains(strings.SplitN(d, "/", 2)[0], ".") {
					t.Errorf("domain links %s: it must use the standard library only", d)
				}
			}
		}
	}
}
