package conformance

import (
	"regexp"
	"strings"
	"testing"

	"github.com/cogload/cogload/mock/evidence"
)

func mustRE(t *testing.T, s string) *regexp.Regexp {
	t.Helper()
	re, err := regexp.Compile(s)
	if err != nil {
		t.Fatal(err)
	}
	return re
}

// buildCatalog builds the catalog, failing the test (rather than crashing
// the binary) when ev panics on an id the ledger does not list.
func buildCatalog(t *testing.T) (cases []Case) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Fatalf("building the catalog: %v (docs/fidelity.md does not list it)", r)
		}
	}()
	return Catalog()
}

func TestCatalogIsWellFormed(t *testing.T) {
	cases := buildCatalog(t)
	if len(cases) < 40 {
		t.Fatalf("catalog has %d cases, want at least 40", len(cases))
	}
	idRE := regexp.MustCompile(`^[a-z-]+\.[a-z0-9-]+$`)
	seen := map[string]bool{}
	areas := map[Area]int{}
	for _, c := range cases {
		if seen[c.ID] {
			t.Errorf("duplicate id %s", c.ID)
		}
		seen[c.ID] = true
		areas[c.Area]++
		if !idRE.MatchString(c.ID) {
			t.Errorf("%s: id is not area.name", c.ID)
		}
		if c.Rule == "" || c.Requests == "" || len(c.Checks) == 0 || c.run == nil {
			t.Errorf("%s: rule, requests, checks and run are required", c.ID)
		}
		known := true
		for _, id := range c.Checks {
			if _, ok := evidence.Lookup(id); !ok {
				t.Errorf("%s checks %q, which docs/fidelity.md does not list", c.ID, id)
				known = false
			}
		}
		if known { // Sources panics on an unknown id, reported above
			for _, src := range c.Sources() {
				if strings.ContainsAny(src, "§[") {
					t.Errorf("%s cites a private reference: %q", c.ID, src)
				}
			}
		}
		if c.Expect.Message != "" {
			if _, err := regexp.Compile(c.Expect.Message); err != nil {
				t.Errorf("%s: message pattern: %v", c.ID, err)
			}
		}
		if (c.Expect.AllowSuccess || len(c.Expect.AltErrorTypes) > 0) && c.Uncertain == "" {
			t.Errorf("%s accepts alternatives but does not say why (Uncertain)", c.ID)
		}
		if c.Expect.ErrorType == "" && c.Expect.Shape == "" {
			t.Errorf("%s: a success case must say what shape it checks", c.ID)
		}
	}
	for _, a := range Areas() {
		if areas[a] == 0 {
			t.Errorf("area %s has no cases", a)
		}
	}
}

// TestEvidenceLevelOfACase: a case is as weak as the weakest behaviour it
// checks.
func TestEvidenceLevelOfACase(t *testing.T) {
	byID := map[string]Case{}
	for _, c := range Catalog() {
		byID[c.ID] = c
	}
	for id, want := range map[string]evidence.Level{
		"input.access-token-pattern": evidence.Observed,   // documented constraint, observed message
		"limits.per-user-hourly":     evidence.Observed,   // documented limit, observed message
		"auth.other-pool":            evidence.Inferred,   // no capture either way
		"round-trip.superseded-code": evidence.Assumed,    // undocumented
		"delivery.shape":             evidence.Documented, // the model's shape
	} {
		if got := byID[id].Evidence(); got != want {
			t.Errorf("%s: evidence %s, want %s", id, got, want)
		}
	}
}
