package input

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/lexer"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"
)

func TestDepthCounts(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name, yaml string
		want       int
	}{
		{"scalar", "a: 1\n", 1},
		{"block mappings", "a:\n  b:\n    c: 1\nd: 2\n", 3},
		{"sequence under a key", "a:\n- b\n- c\n", 3},
		{"compact sequences", "- - - x\n", 4},
		{"flow in block", "a: [[[x]]]\n", 4},
		{"flow mapping", "{a: {b: [c]}}\n", 4},
		{"flow across lines", "a: [\n  [b,\n   c],\n  d]\ne: 1\n", 3},
		{"double quotes", "a: \"[[[[\\\" {{{{\"\n", 1},
		{"single quotes", "a: 'it''s [[[['\n", 1},
		{"quoted in flow", "a: [\"]]]\", '[[[']\n", 2},
		{"multi-line quotes", "a: \"[[\n  [[[\"\nb: 1\n", 1},
		{"comment", "a: 1 # [[[[\n# {{{{\n", 1},
		{"hash inside a plain scalar", "a: b#[[[\n", 1},
		{"brackets inside plain scalars", "a: b[c\nd: e{f [g\n", 1},
		{"plain continuation", "key: some\n  words: here\nnext: 1\n", 2},
		{"plain continuation read as nodes", "key: text\n  [continued\nnext: 1\n", 4},
		{"literal block scalar", "a: |\n  [[[[\n    {{{{\nb: 1\n", 1},
		{"folded block scalar with comment", "a: >- # note\n  [[[[\nb: 1\n", 1},
		{"block scalar under a dash", "- |\n  [[[[\n- x\n", 2},
		{"block scalar ended by a shallower line", "- - |\n [[\n", 4},
		{"explicit indentation", "a: |2\n   [[[[\nb: 1\n", 1},
		{"tags and anchors", "a: !!seq &x [[b]]\nc: *x\n", 4},
		{"documents", "a:\n  b: 1\n---\nc: [d]\n", 2},
		{"crlf", "a:\r\n  b: [c]\r\n", 3},
		{"tab after indentation", "a:\n  \t\nb: 1\n", 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := maxDepth([]byte(tt.yaml)); got != tt.want {
				t.Errorf("maxDepth = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestDepthLimit(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		data []byte
		want string
	}{
		{"bracket bomb", bytes.Repeat([]byte("["), 200_000), "bomb.yaml:1:64: nested more than 64 levels deep"},
		{"brace bomb after a key", []byte("name: " + strings.Repeat("{a: ", 100)), "bomb.yaml:1:" + strconv.Itoa(7+63*4) + ": nested"},
		{"dash bomb", bytes.Repeat([]byte("- "), 100), "bomb.yaml:1:129: nested"},
		{"indentation bomb", []byte(indented(70)), "bomb.yaml:65:65: nested"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := checkDepth("bomb.yaml", tt.data, MaxDepth)
			if e == nil || !strings.HasPrefix(e.Error(), tt.want) {
				t.Fatalf("checkDepth = %v, want %q", e, tt.want)
			}
		})
	}
	if e := checkDepth("ok.yaml", []byte(strings.Repeat("[", 63)+strings.Repeat("]", 63)), MaxDepth); e != nil {
		t.Errorf("63 brackets refused: %v", e)
	}
}

// indented nests n block mappings, one per line.
func indented(n int) string {
	var b strings.Builder
	for i := range n {
		b.WriteString(strings.Repeat(" ", i) + "k:\n")
	}
	return b.String()
}

// The scan never counts fewer levels than go-yaml builds, on every YAML
// file in the repository and on inputs shaped to fool it.
func TestDepthNeverUndercounts(t *testing.T) {
	t.Parallel()
	files, _ := filepath.Glob("../../scenarios/builtin/*.yaml")
	pools, _ := filepath.Glob("../../mock/pools/*.yaml")
	broken, _ := filepath.Glob("../../scenarios/testdata/broken/*.yaml")
	files = append(append(files, pools...), broken...)
	if len(files) < 10 {
		t.Fatalf("found only %d YAML files", len(files))
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		assertCountsEnough(t, f, data)
		if got, ast := maxDepth(data), astDepth(data); ast > 0 && got > 2*ast+2 {
			t.Errorf("%s: scan counts %d levels, go-yaml builds %d", f, got, ast)
		}
	}
}

// FuzzDepth checks the scan against go-yaml's own reading of the input:
// never fewer levels than the lexer's open brackets or the parsed tree.
func FuzzDepth(f *testing.F) {
	for _, s := range []string{
		"a: [b, {c: d}]\n", "- - - x\n", "a: |\n  [[[\nb: [c]\n", "a: 'x''[' \n", "key: text\n  [cont\n",
		"a: \"b\\\"[\" [c\n", "? [a]\n: b\n", "a: &x [b]\nc: *x\n", "--- [a]\n--- {b: c}\n", "a: b #[\n", "[a#b, [c]]\n",
		"a: !tag [b]\n", "a:\n  - |2\n    x\n  - [y]\n", "\"a\":[b]\n", "[\"a\":[b]]\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 4096 || checkText("fuzz", data) != nil {
			// go-yaml's own cost on deep inputs is what the scan prevents;
			// ParseYAML refuses what is not YAML text before the scan.
			return
		}
		assertCountsEnough(t, "fuzz", data)
	})
}

// assertCountsEnough checks the scan on YAML go-yaml parses. On
// malformed YAML go-yaml's lexer has readings of its own (quotes right
// after scalars, directives, stray brackets); there checkFlowDepth, on
// go-yaml's tokens, keeps the bound.
func assertCountsEnough(t *testing.T, name string, data []byte) {
	t.Helper()
	tree := astDepth(data)
	if tree == 0 {
		return
	}
	got := maxDepth(data)
	if lex := lexerFlowDepth(data); got < lex {
		t.Errorf("%s: scan counts %d levels, go-yaml's lexer opens %d brackets:\n%q", name, got, lex, data)
	}
	// One level of slack: go-yaml splits a key such as "0<<" into a
	// key and a merge key and nests them, once, without any bracket or
	// indentation to show it.
	if got+1 < tree {
		t.Errorf("%s: scan counts %d levels, go-yaml builds %d:\n%q", name, got, tree, data)
	}
}

// lexerFlowDepth is the deepest run of open flow collections in go-yaml's
// tokens, 0 when they hold an invalid token: the parser then stops before
// building anything.
func lexerFlowDepth(data []byte) int {
	tokens := lexer.Tokenize(string(data))
	if tokens.InvalidToken() != nil {
		return 0
	}
	depth, deepest := 0, 0
	for _, tk := range tokens {
		switch tk.Type {
		case token.SequenceStartType, token.MappingStartType:
			depth++
			deepest = max(deepest, depth)
		case token.SequenceEndType, token.MappingEndType:
			depth = max(depth-1, 0)
		}
	}
	return deepest
}

// astDepth is the nesting of collections go-yaml builds, 0 when it cannot
// parse the input.
func astDepth(data []byte) (d int) {
	defer func() {
		if recover() != nil {
			d = 0
		}
	}()
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		return 0
	}
	for _, doc := range f.Docs {
		if doc != nil {
			d = max(d, nodeDepth(doc.Body))
		}
	}
	return d
}

func nodeDepth(n ast.Node) int {
	switch v := n.(type) {
	case *ast.AnchorNode:
		return nodeDepth(v.Value)
	case *ast.TagNode:
		return nodeDepth(v.Value)
	case *ast.MappingNode:
		d := 0
		for _, mv := range v.Values {
			d = max(d, entryDepth(mv))
		}
		return 1 + d
	case *ast.MappingValueNode:
		return 1 + entryDepth(v)
	case *ast.SequenceNode:
		d := 0
		for _, e := range v.Values {
			d = max(d, nodeDepth(e))
		}
		return 1 + d
	}
	return 0
}

func entryDepth(mv *ast.MappingValueNode) int {
	d := nodeDepth(mv.Value)
	if mk, ok := mv.Key.(*ast.MappingKeyNode); ok {
		d = max(d, nodeDepth(mk.Value))
	}
	return d
}
