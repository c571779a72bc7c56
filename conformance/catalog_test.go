package conformance

import (
	"regexp"
	"testing"
)

func mustRE(t *testing.T, s string) *regexp.Regexp {
	t.Helper()
	re, err := regexp.Compile(s)
	if err != nil {
		t.Fatal(err)
	}
	return re
}

func TestCatalogIsWellFormed(t *testing.T) {
	cases := Catalog()
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
		if c.Rule == "" || c.Requests == "" || c.Source.Kind == "" || c.Source.Ref == "" || c.run == nil {
			t.Errorf("%s: rule, requests, source and run are required", c.ID)
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
