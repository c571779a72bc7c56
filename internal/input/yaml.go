package input

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/lexer"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"
)

// Doc is one parsed YAML document, kept so that checks after decoding can
// point at a line and column.
type Doc struct {
	kind Kind
	name string
	body ast.Node // nil when the document is empty
}

// DecodeYAML parses data and decodes it strictly into v; name labels
// errors.
func DecodeYAML(kind Kind, name string, data []byte, v any) (*Doc, error) {
	d, err := ParseYAML(kind, name, data)
	if err != nil {
		return nil, err
	}
	if err := d.Decode(v); err != nil {
		return nil, err
	}
	return d, nil
}

// ParseYAML parses one YAML document. It refuses more than kind.MaxBytes,
// nesting deeper than MaxDepth (before go-yaml sees the bytes) and more
// than one document; name labels errors.
func ParseYAML(kind Kind, name string, data []byte) (d *Doc, err error) {
	if int64(len(data)) > kind.MaxBytes {
		return nil, tooLarge(kind, name)
	}
	if e := checkDepth(name, data, MaxDepth); e != nil {
		return nil, e
	}
	if e := checkText(name, data); e != nil {
		return nil, e
	}
	defer func() {
		if r := recover(); r != nil {
			d, err = nil, &Error{File: name, Line: 1, Col: 1, Msg: "go-yaml failed on this file", Hint: "this is a go-yaml bug; simplify the YAML (tags, anchors, unusual syntax)"}
		}
	}()
	tokens := lexer.Tokenize(string(data))
	if e := checkFlowDepth(name, tokens, MaxDepth); e != nil {
		return nil, e
	}
	f, perr := parser.Parse(tokens, 0)
	if perr != nil {
		return nil, yamlError(kind, name, perr)
	}
	d = &Doc{kind: kind, name: name}
	for _, doc := range f.Docs {
		if doc == nil || doc.Body == nil {
			continue
		}
		if d.body != nil {
			return nil, (&Doc{name: name, body: doc.Body}).At("$", "more than one YAML document", "keep one "+kind.Name+" per file")
		}
		d.body = doc.Body
	}
	return d, nil
}

// Empty reports whether the document holds nothing but comments.
func (d *Doc) Empty() bool { return d.body == nil }

// IsList reports whether the document is a list at its top.
func (d *Doc) IsList() bool {
	_, ok := unwrap(d.body).(*ast.SequenceNode)
	return ok
}

// IsMapping reports whether the document is a mapping at its top.
func (d *Doc) IsMapping() bool {
	_, ok := mappingEntries(unwrap(d.body))
	return ok
}

// Decode fills v (a pointer) from the document. Unknown fields, values of
// the wrong type and unsupported tags are errors at their line and column;
// an empty document leaves v as it was.
func (d *Doc) Decode(v any) (err error) {
	if d.body == nil {
		return nil
	}
	t := reflect.TypeOf(v).Elem()
	if e := (checker{root: t, secret: d.kind.Secret}).node(d.body, t, "$"); e != nil {
		e.File = d.name
		return e
	}
	defer func() {
		if r := recover(); r != nil {
			err = d.At("$", "go-yaml failed to decode this document", "this is a go-yaml bug; simplify the YAML (tags, anchors, aliases)")
		}
	}()
	// The parser already refuses duplicate keys; the decoder would also
	// refuse a key that overrides one merged in with <<: *anchor.
	if derr := yaml.NodeToValue(d.body, v, yaml.DisallowUnknownField(), yaml.AllowDuplicateMapKey()); derr != nil {
		e := yamlError(d.kind, d.name, derr)
		if d.kind.Secret {
			// Decoding messages may hold a value unquoted ("( overflow )").
			e.Msg = "cannot decode this value"
		}
		return e
	}
	return nil
}

// At returns an *Error positioned at the node for path (YAMLPath syntax,
// e.g. "$.load.stages[1].rate"): a scalar's value, else the key that
// introduces it; a missing field points at its nearest present ancestor.
// A nil Doc (a value built in Go) gives an error without a place.
func (d *Doc) At(path, msg, hint string) *Error {
	e := &Error{Field: displayPath(path), Msg: msg, Hint: hint}
	if d == nil {
		return e
	}
	e.File = d.name
	if tk := locate(d.body, path); tk != nil && tk.Position != nil {
		e.Line, e.Col = tk.Position.Line, tk.Position.Column
	} else {
		e.Line, e.Col = 1, 1
	}
	return e
}

var pathSegment = regexp.MustCompile(`\.([^.\[]+)|\[(\d+)\]`)

// locate walks path from the document body and returns the token to
// report: see Doc.At.
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

const duplicateHint = "each key may appear once in a mapping; remove or merge the duplicate"

// yamlError turns a goccy error into an *Error at its token. For secret
// kinds it keeps no text from the file: goccy quotes keys and values.
func yamlError(kind Kind, name string, err error) *Error {
	e := &Error{File: name, Line: 1, Col: 1, Hint: "fix the YAML syntax"}
	var ye yaml.Error
	if !errors.As(err, &ye) {
		e.Msg = "cannot decode the " + kind.Name
		if !kind.Secret {
			e.Msg += ": " + err.Error()
		}
		return e
	}
	e.Msg = ye.GetMessage()
	tk := ye.GetToken()
	if tk != nil && tk.Position != nil {
		e.Line, e.Col = tk.Position.Line, tk.Position.Column
		if _, first, ok := strings.Cut(e.Msg, "already defined at "); ok {
			var line, col int
			if _, err := fmt.Sscanf(first, "[%d:%d]", &line, &col); err == nil {
				first = fmt.Sprintf("line %d, column %d", line, col)
			}
			e.Msg = fmt.Sprintf("duplicate key %q, first defined at %s", tk.Value, first)
			if kind.Secret {
				e.Msg = "duplicate key, first defined at " + first
			}
			e.Hint = duplicateHint
		}
	}
	var dk *yaml.DuplicateKeyError
	if errors.As(err, &dk) {
		e.Hint = duplicateHint
	}
	var uf *yaml.UnknownFieldError
	if errors.As(err, &uf) {
		e.Hint = "remove it or check its spelling"
	}
	var te *yaml.TypeError
	if errors.As(err, &te) {
		e.Hint = "check the value's type"
	}
	if kind.Secret {
		e.Msg = quoted.ReplaceAllString(e.Msg, "…")
	}
	return e
}

// quoted matches text goccy quotes from the file; single characters
// (syntax such as ',' or ']') are kept.
var quoted = regexp.MustCompile(`"(?:[^"\\]|\\.){2,}"|'(?:[^']|''){2,}'`)

// checkText refuses what is not YAML text, at the first bad character:
// invalid UTF-8, or a control character YAML does not allow (go-yaml
// reads them unpredictably).
func checkText(name string, data []byte) *Error {
	line, start := 1, 0
	for i := 0; i < len(data); {
		c := data[i]
		if c < utf8.RuneSelf { // ASCII, most of any file
			if c < 0x20 && c != '\t' && c != '\n' && c != '\r' || c == 0x7f {
				return badText(name, line, data[start:i], fmt.Sprintf("control character %U is not allowed in YAML", c))
			}
			if c == '\n' {
				line, start = line+1, i+1
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(data[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			return badText(name, line, data[start:i], "not UTF-8 text")
		case r <= 0x9f && r != 0x85, r == 0xfffe, r == 0xffff:
			return badText(name, line, data[start:i], fmt.Sprintf("control character %U is not allowed in YAML", r))
		}
		i += size
	}
	return nil
}

func badText(name string, line int, before []byte, msg string) *Error {
	return &Error{File: name, Line: line, Col: utf8.RuneCount(before) + 1, Msg: msg, Hint: "save the file as UTF-8 text"}
}

func tooLarge(kind Kind, name string) *Error {
	return &Error{File: name, Msg: fmt.Sprintf("more than %s, the most a %s may hold", byteSize(kind.MaxBytes), kind.Name),
		Hint: "check that this is the right file; the input limits are listed in the README"}
}
