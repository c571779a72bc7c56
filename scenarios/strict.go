package scenarios

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

// checkNode walks the AST beside the Go type it will decode into and
// reports the first node of the wrong shape. goccy's decoder is lenient
// (1.5 into an int truncates, "10" into an int parses, 5 into a string
// converts), so strictness is enforced here, with the field path, a
// message in the file's terms and a hint.
func checkNode(n ast.Node, t reflect.Type, path string) *Error {
	n = unwrap(n)
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
	switch {
	case t == reflect.TypeFor[time.Duration]():
		s, ok := n.(*ast.StringNode)
		if !ok {
			return nodeErr(n, path, "expected a duration, got "+describeNode(n), "write it with a unit, e.g. 500ms, 5s or 2m")
		}
		if _, err := time.ParseDuration(s.Value); err != nil {
			return nodeErr(n, path, fmt.Sprintf("%q is not a duration", s.Value), "write it with a unit, e.g. 500ms, 5s or 2m")
		}
		return nil
	}
	switch t.Kind() {
	case reflect.Struct:
		return checkStruct(n, t, path)
	case reflect.Slice:
		seq, ok := n.(*ast.SequenceNode)
		if !ok {
			return nodeErr(n, path, "expected a list, got "+describeNode(n), "write a YAML list: [a, b] or one '- item' per line")
		}
		for i, v := range seq.Values {
			if e := checkNode(v, t.Elem(), fmt.Sprintf("%s[%d]", path, i)); e != nil {
				return e
			}
		}
		return nil
	case reflect.Map:
		entries, ok := mappingEntries(n)
		if !ok {
			return nodeErr(n, path, "expected a mapping of strings, got "+describeNode(n), "write key: value pairs, or {} for an empty map")
		}
		for _, mv := range entries {
			key := keyString(mv)
			v := unwrap(mv.Value)
			switch v.(type) {
			case *ast.StringNode, *ast.LiteralNode, *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode:
			default:
				return nodeErr(mv.Value, path+"."+key, "expected a string value, got "+describeNode(v), `quote the value, e.g. key: "value"`)
			}
		}
		return nil
	case reflect.String:
		switch n.(type) {
		case *ast.StringNode, *ast.LiteralNode:
			return nil
		}
		return nodeErr(n, path, "expected a string, got "+describeNode(n), `quote it, e.g. "text"`)
	case reflect.Int, reflect.Int64, reflect.Uint64:
		if _, ok := n.(*ast.IntegerNode); ok {
			return nil
		}
		return nodeErr(n, path, "expected a whole number, got "+describeNode(n), "write an integer such as 10")
	case reflect.Float64:
		switch n.(type) {
		case *ast.IntegerNode, *ast.FloatNode:
			return nil
		}
		return nodeErr(n, path, "expected a number, got "+describeNode(n), "write a number such as 10 or 2.5, without quotes or units")
	case reflect.Bool:
		if _, ok := n.(*ast.BoolNode); ok {
			return nil
		}
		return nodeErr(n, path, "expected true or false, got "+describeNode(n), "")
	}
	return nil
}

func checkStruct(n ast.Node, t reflect.Type, path string) *Error {
	entries, ok := mappingEntries(n)
	if !ok {
		return nodeErr(n, path, "expected a mapping, got "+describeNode(n), "write key: value pairs; see "+fieldList(t))
	}
	fields := yamlFields(t)
	for _, mv := range entries {
		if mv.Key != nil && mv.Key.IsMergeKey() {
			continue
		}
		key := keyString(mv)
		f, ok := fields[key]
		if !ok {
			return unknownField(mv, key, t, path)
		}
		if e := checkNode(mv.Value, t.Field(f).Type, path+"."+key); e != nil {
			return e
		}
	}
	return nil
}

func unknownField(mv *ast.MappingValueNode, key string, t reflect.Type, path string) *Error {
	names := sortedFieldNames(t)
	hint := ""
	if where := fieldHomes()[key]; len(where) > 0 {
		hint = fmt.Sprintf("%s belongs under %s; ", key, strings.Join(where, " or "))
	} else if s := suggest(key, names); s != "" {
		hint = s + " "
	}
	hint += "valid fields here: " + strings.Join(names, ", ")
	return nodeErr(mv.Key, path+"."+key, fmt.Sprintf("unknown field %q", key), hint)
}

func fieldList(t reflect.Type) string {
	return "valid fields: " + strings.Join(sortedFieldNames(t), ", ")
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

func describeNode(n ast.Node) string {
	switch v := unwrap(n).(type) {
	case *ast.StringNode, *ast.LiteralNode:
		return "a string"
	case *ast.IntegerNode, *ast.FloatNode, *ast.InfinityNode, *ast.NanNode:
		return "a number"
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

var fieldCache sync.Map // reflect.Type → map[string]int

func yamlFields(t reflect.Type) map[string]int {
	if m, ok := fieldCache.Load(t); ok {
		return m.(map[string]int)
	}
	m := map[string]int{}
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		if name := yamlName(f); name != "" {
			m[name] = i
		}
	}
	fieldCache.Store(t, m)
	return m
}

func yamlName(f reflect.StructField) string {
	tag := f.Tag.Get("yaml")
	name, _, _ := strings.Cut(tag, ",")
	if name == "-" {
		return ""
	}
	return name
}

func sortedFieldNames(t reflect.Type) []string {
	var names []string
	for n := range yamlFields(t) {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// fieldHomes maps every field name to the places it is valid, so a
// misplaced field can say where it belongs.
var fieldHomes = sync.OnceValue(func() map[string][]string {
	homes := map[string][]string{}
	var walk func(t reflect.Type, path string, depth int)
	walk = func(t reflect.Type, path string, depth int) {
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
			if t.Kind() == reflect.Slice {
				path += "[]"
			}
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct || t == reflect.TypeFor[time.Duration]() || depth > 6 {
			return
		}
		for name, i := range yamlFields(t) {
			where := path
			if where == "" {
				where = "the top level"
			}
			homes[name] = append(homes[name], where)
			child := name
			if path != "" {
				child = path + "." + name
			}
			walk(t.Field(i).Type, child, depth+1)
		}
	}
	walk(reflect.TypeFor[Scenario](), "", 0)
	for _, v := range homes {
		sort.Strings(v)
	}
	return homes
})
