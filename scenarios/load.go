package scenarios

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"
)

//go:embed builtin/*.yaml
var builtinFS embed.FS

// BuiltinPrefix marks a built-in scenario's source ("builtin:smoke").
const BuiltinPrefix = "builtin:"

// maxScenarioBytes bounds what Load reads; a scenario is a page of YAML.
const maxScenarioBytes = 4 << 20

// Load reads and parses a scenario file. File references inside it
// (pool configurations, token and users files) resolve relative to it.
func Load(path string) (*Scenario, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, &Error{File: path, Msg: "cannot read the scenario: " + errText(err), Hint: "check the path, or name a built-in: " + strings.Join(BuiltinNames(), ", ")}
	}
	if st.IsDir() {
		return nil, &Error{File: path, Msg: "is a directory", Hint: "name a scenario file (.yaml)"}
	}
	if st.Size() > maxScenarioBytes {
		return nil, &Error{File: path, Msg: fmt.Sprintf("file is %d bytes, more than the %d a scenario may have", st.Size(), maxScenarioBytes)}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &Error{File: path, Msg: "cannot read the scenario: " + errText(err)}
	}
	return parse(path, filepath.Dir(path), data)
}

// Parse parses scenario YAML; name is used in messages and to resolve
// relative file references (its directory).
func Parse(name string, data []byte) (*Scenario, error) {
	return parse(name, filepath.Dir(name), data)
}

// Builtin returns a built-in scenario by name.
func Builtin(name string) (*Scenario, error) {
	data, err := builtinFS.ReadFile("builtin/" + name + ".yaml")
	if err != nil {
		return nil, &Error{File: BuiltinPrefix + name, Msg: "no such built-in scenario", Hint: oneOf(name, BuiltinNames())}
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
func Resolve(nameOrPath string) (*Scenario, error) {
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
		return nil, &Error{File: nameOrPath, Msg: "no such scenario file or built-in scenario", Hint: oneOf(nameOrPath, BuiltinNames())}
	}
	return Load(nameOrPath)
}

func parse(source, dir string, data []byte) (*Scenario, error) {
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		return nil, fromYAMLError(source, err)
	}
	var docs []*ast.DocumentNode
	for _, d := range f.Docs {
		if d != nil && d.Body != nil {
			docs = append(docs, d)
		}
	}
	if len(docs) == 0 {
		return nil, &Error{File: source, Line: 1, Col: 1, Msg: "the scenario is empty", Hint: "start from a built-in: cogload validate smoke, or see scenarios/scenario.schema.json"}
	}
	if len(docs) > 1 {
		e := nodeErr(docs[1].Body, "$", "more than one YAML document", "keep one scenario per file")
		e.File = source
		return nil, e
	}
	body := docs[0].Body
	if e := checkNode(body, reflect.TypeFor[Scenario](), "$"); e != nil {
		e.File = source
		return nil, e
	}
	s := &Scenario{}
	// The parser already refuses duplicate keys; the decoder would also
	// refuse a key that overrides one merged in with <<: *anchor.
	if err := yaml.NodeToValue(body, s, yaml.DisallowUnknownField(), yaml.AllowDuplicateMapKey()); err != nil {
		return nil, fromYAMLError(source, err)
	}
	s.source, s.dir, s.data, s.file = source, dir, data, f
	return s, nil
}

// fromYAMLError turns a goccy error into an *Error at its token.
func fromYAMLError(source string, err error) error {
	var ye yaml.Error
	if !errors.As(err, &ye) {
		return &Error{File: source, Msg: err.Error(), Hint: "fix the YAML syntax"}
	}
	e := &Error{File: source, Msg: ye.GetMessage(), Hint: "fix the YAML syntax"}
	if tk := ye.GetToken(); tk != nil && tk.Position != nil {
		e.Line, e.Col = tk.Position.Line, tk.Position.Column
		if _, first, ok := strings.Cut(e.Msg, "already defined at "); ok {
			var line, col int
			if _, err := fmt.Sscanf(first, "[%d:%d]", &line, &col); err == nil {
				first = fmt.Sprintf("line %d, column %d", line, col)
			}
			e.Msg = fmt.Sprintf("duplicate key %q, first defined at %s", tk.Value, first)
			e.Hint = "each key may appear once in a mapping; remove or merge the duplicate"
		}
	}
	var dk *yaml.DuplicateKeyError
	if errors.As(err, &dk) {
		e.Hint = "each key may appear once in a mapping; remove or merge the duplicate"
	}
	var uf *yaml.UnknownFieldError
	if errors.As(err, &uf) {
		e.Hint = "remove it or check its spelling against scenarios/scenario.schema.json"
	}
	var te *yaml.TypeError
	if errors.As(err, &te) {
		e.Hint = "check the value's type against scenarios/scenario.schema.json"
	}
	return e
}

// at returns an *Error positioned at the node for path (YAMLPath syntax,
// e.g. "$.load.stages[1].rate"): a scalar's value, else the key that
// introduces it; a missing field points at its nearest present ancestor.
func (s *Scenario) at(p, msg, hint string) *Error {
	e := &Error{File: s.source, Field: displayPath(p), Msg: msg, Hint: hint}
	if s.file == nil || len(s.file.Docs) == 0 {
		return e
	}
	var body ast.Node
	for _, d := range s.file.Docs {
		if d != nil && d.Body != nil {
			body = d.Body
			break
		}
	}
	if tk := locate(body, p); tk != nil && tk.Position != nil {
		e.Line, e.Col = tk.Position.Line, tk.Position.Column
	}
	return e
}

var pathSegment = regexp.MustCompile(`\.([^.\[]+)|\[(\d+)\]`)

// locate walks path from the document body and returns the token to
// report: see Scenario.at.
func locate(body ast.Node, p string) *token.Token {
	node := unwrap(body)
	var key *token.Token
	best := func() *token.Token {
		if key != nil {
			return key
		}
		return startToken(node)
	}
	for _, m := range pathSegment.FindAllStringSubmatch(strings.TrimPrefix(p, "$"), -1) {
		if m[1] != "" {
			entries, ok := mappingEntries(node)
			if !ok {
				return best()
			}
			var found *ast.MappingValueNode
			for _, mv := range entries {
				if keyString(mv) == m[1] {
					found = mv
				}
			}
			if found == nil {
				return best()
			}
			node, key = unwrap(found.Value), found.Key.GetToken()
			continue
		}
		idx, _ := strconv.Atoi(m[2])
		seq, ok := node.(*ast.SequenceNode)
		if !ok || idx >= len(seq.Values) {
			return best()
		}
		node, key = unwrap(seq.Values[idx]), nil
	}
	switch node.(type) {
	case *ast.MappingNode, *ast.MappingValueNode, *ast.SequenceNode, *ast.NullNode, nil:
		return best()
	}
	return node.GetToken()
}

// startToken is where a collection begins in the text: its opening
// bracket when written in flow style, else its first key or dash.
func startToken(n ast.Node) *token.Token {
	switch v := n.(type) {
	case *ast.MappingNode:
		if !v.IsFlowStyle && len(v.Values) > 0 {
			return v.Values[0].Key.GetToken()
		}
		return v.Start
	case *ast.MappingValueNode:
		return v.Key.GetToken()
	case *ast.SequenceNode:
		return v.Start
	case nil:
		return nil
	}
	return n.GetToken()
}
