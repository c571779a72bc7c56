package input

import (
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/goccy/go-yaml/ast"
)

// checker walks the syntax tree beside the Go type it will decode into
// and reports the first node of the wrong shape. goccy's decoder is
// lenient (1.5 into an int truncates, "10" into an int parses, 5 into a
// string converts) and panics on some shapes (a tagged scalar into a
// list), so strictness is enforced here, with the field path, a message in
// the file's terms and a hint. It never quotes a value; for secret kinds
// it quotes nothing from the file at all.
type checker struct {
	root   reflect.Type
	secret bool
}

func (c checker) node(n ast.Node, t reflect.Type, path string) *Error {
	n, done, e := c.properties(n, t, path)
	if done {
		return e
	}
	if n == nil {
		return nil
	}
	if _, ok := n.(*ast.AliasNode); ok {
		return nil // the decoder resolves aliases; the anchored node was checked
	}
	if t.Kind() == reflect.Pointer {
		if _, null := n.(*ast.NullNode); null {
			if t.Elem().Kind() == reflect.Struct {
				return nodeErr(n, path, "expected a mapping, got nothing", "write {} to take the defaults")
			}
			return nil
		}
		t = t.Elem()
	}
	if _, null := n.(*ast.NullNode); null && t.Kind() != reflect.Struct {
		return nil // an empty value leaves the field unset
	}
	if t == reflect.TypeFor[time.Duration]() {
		return c.duration(n, path)
	}
	switch t.Kind() {
	case reflect.Struct:
		return c.structure(n, t, path)
	case reflect.Slice:
		seq, ok := n.(*ast.SequenceNode)
		if !ok {
			return nodeErr(n, path, "expected a list, got "+c.describe(n), "write a YAML list: [a, b] or one '- item' per line")
		}
		for i, v := range seq.Values {
			if e := c.node(v, t.Elem(), fmt.Sprintf("%s[%d]", path, i)); e != nil {
				return e
			}
		}
		return nil
	case reflect.Map:
		return c.mapping(n, t, path)
	case reflect.String:
		switch n.(type) {
		case *ast.StringNode, *ast.LiteralNode:
			return nil
		}
		return nodeErr(n, path, "expected a string, got "+c.describe(n), `quote it, e.g. "text"`)
	case reflect.Int, reflect.Int64, reflect.Uint64:
		return c.whole(n, t.Kind(), path)
	case reflect.Float64:
		return c.number(n, path)
	case reflect.Bool:
		if _, ok := n.(*ast.BoolNode); ok {
			return nil
		}
		return nodeErr(n, path, "expected true or false, got "+c.describe(n), "")
	}
	return nil
}

// standardTags are the YAML core schema tags go-yaml decodes correctly,
// and what each may mark. Others mean nothing to cogload's files: custom
// tags, "!" and !!binary make go-yaml v1.19.2 panic; !!int, !!map and
// !!null make it refuse values it would take untagged.
var standardTags = map[string]func(ast.Node) bool{
	"!!str":   isScalar,
	"!!float": isNumber,
	"!!bool":  func(n ast.Node) bool { _, ok := n.(*ast.BoolNode); return ok },
	"!!seq":   func(n ast.Node) bool { _, ok := n.(*ast.SequenceNode); return ok },
}

// properties steps past anchors and tags to the node they mark, checking
// the tags; done when nothing more is to be checked.
func (c checker) properties(n ast.Node, t reflect.Type, path string) (ast.Node, bool, *Error) {
	for {
		switch v := n.(type) {
		case *ast.AnchorNode:
			n = v.Value
		case *ast.TagNode:
			if done, e := c.tag(v, t, path); done {
				return nil, true, e
			}
			n = v.Value
		default:
			return n, false, nil
		}
	}
}

// tag checks a tagged node; done when nothing more is to be checked.
func (c checker) tag(n *ast.TagNode, t reflect.Type, path string) (done bool, e *Error) {
	name := ""
	if n.Start != nil {
		name = n.Start.Value
	}
	fits, known := standardTags[name]
	what := "the YAML tag " + name
	if c.secret {
		what = "this YAML tag"
	}
	if !known {
		return true, nodeErr(n, path, what+" is not supported here", "remove the tag")
	}
	v := unwrap(n.Value)
	if v == nil || !fits(v) {
		return true, nodeErr(n, path, what+" does not fit its value", "remove the tag")
	}
	// !!str makes any scalar a string.
	return name == "!!str" && derefKind(t) == reflect.String, nil
}

func (c checker) duration(n ast.Node, path string) *Error {
	const hint = "write it with a unit, e.g. 500ms, 5s or 2m"
	s, ok := n.(*ast.StringNode)
	if !ok {
		return nodeErr(n, path, "expected a duration, got "+c.describe(n), hint)
	}
	if _, err := time.ParseDuration(s.Value); err != nil {
		if c.secret {
			return nodeErr(n, path, "not a duration", hint)
		}
		return nodeErr(n, path, fmt.Sprintf("%q is not a duration", s.Value), hint)
	}
	return nil
}

func (c checker) mapping(n ast.Node, t reflect.Type, path string) *Error {
	entries, ok := mappingEntries(n)
	if !ok {
		if t.Elem().Kind() == reflect.String {
			return nodeErr(n, path, "expected a mapping of strings, got "+c.describe(n), "write key: value pairs, or {} for an empty map")
		}
		return nodeErr(n, path, "expected a mapping, got "+c.describe(n), "write key: value pairs, or {} for an empty map")
	}
	for _, mv := range entries {
		key := keyString(mv)
		if t.Elem().Kind() == reflect.String {
			// Values of string maps may be written unquoted: 5 is "5".
			v, done, e := c.properties(mv.Value, t.Elem(), path+"."+key)
			if done {
				if e != nil {
					return e
				}
				continue
			}
			switch v.(type) {
			case *ast.StringNode, *ast.LiteralNode, *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode:
			default:
				return nodeErr(mv.Value, path+"."+key, "expected a string value, got "+c.describe(v), `quote the value, e.g. key: "value"`)
			}
			continue
		}
		if e := c.node(mv.Value, t.Elem(), path+"."+key); e != nil {
			return e
		}
	}
	return nil
}

func (c checker) structure(n ast.Node, t reflect.Type, path string) *Error {
	entries, ok := mappingEntries(n)
	if !ok {
		return nodeErr(n, path, "expected a mapping, got "+c.describe(n), "write key: value pairs; valid fields: "+strings.Join(sortedFieldNames(t), ", "))
	}
	fields := yamlFields(t)
	for _, mv := range entries {
		if mv.Key != nil && mv.Key.IsMergeKey() {
			continue
		}
		key := keyString(mv)
		f, ok := fields[key]
		if !ok {
			return c.unknownField(mv, key, t, path)
		}
		if e := c.node(mv.Value, t.FieldByIndex(f).Type, path+"."+key); e != nil {
			return e
		}
	}
	return nil
}

func (c checker) unknownField(mv *ast.MappingValueNode, key string, t reflect.Type, path string) *Error {
	names := sortedFieldNames(t)
	hint := ""
	if where := fieldHomes(c.root)[key]; len(where) > 0 {
		hint = fmt.Sprintf("%s belongs under %s; ", key, strings.Join(where, " or "))
	} else if s := Suggest(key, names); s != "" {
		hint = s + " "
	}
	hint += "valid fields here: " + strings.Join(names, ", ")
	if c.secret {
		// The key may be a secret written where a field belongs.
		return nodeErr(mv.Key, path, "unknown field", "valid fields here: "+strings.Join(names, ", "))
	}
	return nodeErr(mv.Key, path+"."+key, fmt.Sprintf("unknown field %q", key), hint)
}

// mappingEntries returns a mapping's entries; goccy may represent a
// one-entry mapping as a bare MappingValueNode.
func mappingEntries(n ast.Node) ([]*ast.MappingValueNode, bool) {
	switch m := n.(type) {
	case *ast.MappingNode:
		return m.Values, true
	case *ast.MappingValueNode:
		return []*ast.MappingValueNode{m}, true
	}
	return nil, false
}

func keyString(mv *ast.MappingValueNode) string {
	if mv.Key == nil {
		return ""
	}
	k := unwrap(mv.Key)
	if mk, ok := k.(*ast.MappingKeyNode); ok {
		k = unwrap(mk.Value)
	}
	if s, ok := k.(*ast.StringNode); ok {
		return s.Value
	}
	if k == nil || k.GetToken() == nil {
		return ""
	}
	return k.GetToken().Value
}

func unwrap(n ast.Node) ast.Node {
	for {
		switch v := n.(type) {
		case *ast.AnchorNode:
			n = v.Value
		case *ast.TagNode:
			n = v.Value
		default:
			return n
		}
	}
}

func isScalar(n ast.Node) bool {
	switch n.(type) {
	case *ast.StringNode, *ast.LiteralNode, *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode, *ast.NullNode:
		return true
	}
	return false
}

func derefKind(t reflect.Type) reflect.Kind {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t.Kind()
}

func (c checker) describe(n ast.Node) string {
	switch v := unwrap(n).(type) {
	case *ast.StringNode, *ast.LiteralNode:
		return "a string"
	case *ast.IntegerNode, *ast.FloatNode:
		return "a number"
	case *ast.InfinityNode:
		return "infinity"
	case *ast.NanNode:
		return "not a number (.nan)"
	case *ast.BoolNode:
		return "a boolean"
	case *ast.NullNode:
		return "nothing"
	case *ast.MappingNode, *ast.MappingValueNode:
		return "a mapping"
	case *ast.SequenceNode:
		return "a list"
	case nil:
		return "nothing"
	default:
		if c.secret || v.GetToken() == nil {
			return "something else"
		}
		return strconv.Quote(v.GetToken().Value)
	}
}

func nodeErr(n ast.Node, path, msg, hint string) *Error {
	e := &Error{Field: displayPath(path), Msg: msg, Hint: hint}
	if n != nil {
		if tk := n.GetToken(); tk != nil && tk.Position != nil {
			e.Line, e.Col = tk.Position.Line, tk.Position.Column
		}
	}
	return e
}

// displayPath turns "$.load.stages[1].rate" into "load.stages[1].rate".
func displayPath(p string) string {
	p = strings.TrimPrefix(p, "$")
	return strings.TrimPrefix(p, ".")
}

var fieldCache sync.Map // reflect.Type → map[string][]int

// yamlFields maps a struct's YAML names to field indexes, as goccy names
// them: the yaml tag, else the json tag, else the lower-cased Go name;
// ",inline" structs contribute their own fields.
func yamlFields(t reflect.Type) map[string][]int {
	if m, ok := fieldCache.Load(t); ok {
		return m.(map[string][]int)
	}
	m := map[string][]int{}
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("yaml")
		if tag == "" {
			tag = f.Tag.Get("json")
		}
		name, opts, _ := strings.Cut(tag, ",")
		if name == "-" {
			continue
		}
		if f.Type.Kind() == reflect.Struct && strings.Contains(","+opts+",", ",inline,") {
			for inner, idx := range yamlFields(f.Type) {
				m[inner] = append([]int{i}, idx...)
			}
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		m[name] = []int{i}
	}
	fieldCache.Store(t, m)
	return m
}

func sortedFieldNames(t reflect.Type) []string {
	var names []string
	for n := range yamlFields(t) {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

var homesCache sync.Map // reflect.Type → map[string][]string

// fieldHomes maps every field name under root to the places it is valid,
// so a misplaced field can say where it belongs.
func fieldHomes(root reflect.Type) map[string][]string {
	if m, ok := homesCache.Load(root); ok {
		return m.(map[string][]string)
	}
	homes := map[string][]string{}
	var walk func(t reflect.Type, path string, depth int)
	walk = func(t reflect.Type, path string, depth int) {
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Map {
			switch t.Kind() {
			case reflect.Slice:
				path += "[]"
			case reflect.Map:
				path += ".*"
			}
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct || t == reflect.TypeFor[time.Duration]() || depth > 6 {
			return
		}
		for name, idx := range yamlFields(t) {
			where := path
			if where == "" {
				where = "the top level"
			}
			homes[name] = append(homes[name], where)
			child := name
			if path != "" {
				child = path + "." + name
			}
			walk(t.FieldByIndex(idx).Type, child, depth+1)
		}
	}
	walk(root, "", 0)
	for _, v := range homes {
		sort.Strings(v)
	}
	homesCache.Store(root, homes)
	return homes
}
