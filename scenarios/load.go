package scenarios

import (
	"context"
	"embed"
	"errors"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/cogload/cogload/internal/input"
)

//go:embed builtin/*.yaml
var builtinFS embed.FS

// BuiltinPrefix marks a built-in scenario's source ("builtin:smoke").
const BuiltinPrefix = "builtin:"

// Load reads and parses a scenario file (at most input.MaxScenarioBytes).
// File references inside it (pool configurations, token and users files)
// resolve relative to it. Cancelling ctx stops the read.
func Load(ctx context.Context, path string) (*Scenario, error) {
	data, err := input.ReadFile(ctx, input.Scenario, path)
	if err != nil {
		var e *Error
		if errors.Is(err, fs.ErrNotExist) && errors.As(err, &e) {
			e.Hint = "check the path, or name a built-in: " + strings.Join(BuiltinNames(), ", ")
		}
		return nil, err
	}
	return parse(path, filepath.Dir(path), data)
}

// Parse parses scenario YAML; name is used in messages and to resolve
// relative file references (its directory).
func Parse(name string, data []byte) (*Scenario, error) {
	return parse(name, filepath.Dir(name), data)
}

// Stdin names a scenario read from standard input.
const Stdin = "-"

// Read reads a scenario from r (at most input.MaxScenarioBytes); name
// labels messages ("<stdin>"), and relative file references resolve from
// the working directory. Cancelling ctx stops the read.
func Read(ctx context.Context, name string, r io.Reader) (*Scenario, error) {
	data, err := input.ReadAll(ctx, input.Scenario, name, r)
	if err != nil {
		return nil, err
	}
	return parse(name, ".", data)
}

// Builtin returns a built-in scenario by name.
func Builtin(name string) (*Scenario, error) {
	data, err := builtinFS.ReadFile("builtin/" + name + ".yaml")
	if err != nil {
		return nil, &Error{File: BuiltinPrefix + name, Msg: "no such built-in scenario", Hint: input.OneOf(name, BuiltinNames())}
	}
	// Built-ins reference only built-in pools, so "." is never consulted.
	return parse(BuiltinPrefix+name, ".", data)
}

// BuiltinNames lists the built-in scenarios, sorted.
func BuiltinNames() []string {
	entries, _ := fs.ReadDir(builtinFS, "builtin")
	var names []string
	for _, e := range entries {
		if n, ok := strings.CutSuffix(e.Name(), ".yaml"); ok {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names
}

// Resolve loads a built-in by name ("smoke" or "builtin:smoke") or a file
// by path. A name that is both a built-in and an existing file is the
// file only when written as a path (with a separator or an extension).
func Resolve(ctx context.Context, nameOrPath string) (*Scenario, error) {
	if n, ok := strings.CutPrefix(nameOrPath, BuiltinPrefix); ok {
		return Builtin(n)
	}
	looksLikePath := strings.ContainsAny(nameOrPath, `/\`) || path.Ext(nameOrPath) != ""
	if !looksLikePath {
		for _, n := range BuiltinNames() {
			if n == nameOrPath {
				return Builtin(n)
			}
		}
	}
	if _, err := os.Stat(nameOrPath); err != nil && !looksLikePath {
		return nil, &Error{File: nameOrPath, Msg: "no such scenario file or built-in scenario", Hint: input.OneOf(nameOrPath, BuiltinNames())}
	}
	return Load(ctx, nameOrPath)
}

func parse(source, dir string, data []byte) (*Scenario, error) {
	doc, err := input.ParseYAML(input.Scenario, source, data)
	if err != nil {
		return nil, err
	}
	if doc.Empty() {
		return nil, &Error{File: source, Line: 1, Col: 1, Msg: "the scenario is empty", Hint: "start from a built-in: cogload validate smoke, or see scenarios/scenario.schema.json"}
	}
	s := &Scenario{}
	if err := doc.Decode(s); err != nil {
		return nil, err
	}
	s.source, s.dir, s.data, s.doc = source, dir, data, doc
	return s, nil
}

// at returns an *Error positioned at the node for path (YAMLPath syntax,
// e.g. "$.load.stages[1].rate"); see input.Doc.At.
func (s *Scenario) at(p, msg, hint string) *Error {
	e := s.doc.At(p, msg, hint)
	e.File = s.source
	return e
}
