package scenarios

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func mustCompile(t *testing.T, builtin string, opts CompileOptions) *Plan {
	t.Helper()
	s, err := Builtin(builtin)
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.Compile(opts)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func mustParse(t *testing.T, yamlText string, opts CompileOptions) *Plan {
	t.Helper()
	s, err := Parse("test.yaml", []byte(yamlText))
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.Compile(opts)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func cmpIgnorePlanSource() cmp.Option {
	return cmp.FilterPath(func(p cmp.Path) bool {
		switch p.Last().String() {
		case ".SourcePath", ".Hash", ".Resolved", ".Pos":
			return true
		}
		return false
	}, cmp.Ignore())
}
