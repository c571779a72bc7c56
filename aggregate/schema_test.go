package aggregate_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cogload/cogload/aggregate"
	"github.com/cogload/cogload/domain"
	"github.com/cogload/cogload/internal/reportfixture"
)

// loadSchema reads summary.schema.json.
func loadSchema(t *testing.T) map[string]any {
	t.Helper()
	b, err := os.ReadFile("summary.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	var s map[string]any
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatalf("summary.schema.json: %v", err)
	}
	return s
}

// validator checks a JSON value against the subset of JSON Schema 2020-12
// that summary.schema.json uses. It refuses any other keyword, so the
// schema cannot quietly rely on something this test does not check.
type validator struct {
	root map[string]any
	errs []string
}

var knownKeywords = map[string]bool{
	"$schema": true, "$id": true, "title": true, "description": true, "$comment": true, "$defs": true,
	"$ref": true, "type": true, "format": true, "pattern": true, "enum": true, "minimum": true, "maximum": true,
	"items": true, "properties": true, "required": true, "additionalProperties": true,
}

func (v *validator) fail(path, format string, args ...any) {
	v.errs = append(v.errs, path+": "+fmt.Sprintf(format, args...))
}

func (v *validator) validate(path string, schema map[string]any, val any) {
	for k := range schema {
		if !knownKeywords[k] {
			v.fail(path, "schema uses keyword %q the test validator does not support", k)
		}
	}
	if ref, ok := schema["$ref"].(string); ok {
		name, found := strings.CutPrefix(ref, "#/$defs/")
		def, ok := v.root["$defs"].(map[string]any)[name].(map[string]any)
		if !found || !ok {
			v.fail(path, "unresolvable $ref %q", ref)
			return
		}
		v.validate(path, def, val)
	}
	if ty, ok := schema["type"]; ok && !typeMatches(ty, val) {
		v.fail(path, "%s is not of type %v", describe(val), ty)
		return
	}
	if enum, ok := schema["enum"].([]any); ok && !slices.Contains(enum, val) {
		v.fail(path, "%s is not one of %v", describe(val), enum)
	}
	switch x := val.(type) {
	case string:
		if p, ok := schema["pattern"].(string); ok && !regexp.MustCompile(p).MatchString(x) {
			v.fail(path, "%q does not match %s", x, p)
		}
		if schema["format"] == "date-time" {
			if _, err := time.Parse(time.RFC3339Nano, x); err != nil {
				v.fail(path, "%q is not a date-time: %v", x, err)
			}
		}
	case float64:
		if m, ok := schema["minimum"].(float64); ok && x < m {
			v.fail(path, "%v is below the minimum %v", x, m)
		}
		if m, ok := schema["maximum"].(float64); ok && x > m {
			v.fail(path, "%v is above the maximum %v", x, m)
		}
	case []any:
		if items, ok := schema["items"].(map[string]any); ok {
			for i, it := range x {
				v.validate(fmt.Sprintf("%s[%d]", path, i), items, it)
			}
		}
	case map[string]any:
		props, _ := schema["properties"].(map[string]any)
		for _, r := range asStrings(schema["required"]) {
			if _, ok := x[r]; !ok {
				v.fail(path, "required property %q is missing", r)
			}
		}
		for _, k := range slices.Sorted(maps.Keys(x)) {
			if ps, ok := props[k].(map[string]any); ok {
				v.validate(path+"."+k, ps, x[k])
				continue
			}
			switch ap := schema["additionalProperties"].(type) {
			case bool:
				if !ap {
					v.fail(path, "property %q is not allowed", k)
				}
			case map[string]any:
				v.validate(path+"."+k, ap, x[k])
			}
		}
	}
}

func typeMatches(ty, val any) bool {
	if list, ok := ty.([]any); ok {
		return slices.ContainsFunc(list, func(t any) bool { return typeMatches(t, val) })
	}
	switch ty {
	case "object":
		_, ok := val.(map[string]any)
		return ok
	case "array":
		_, ok := val.([]any)
		return ok
	case "string":
		_, ok := val.(string)
		return ok
	case "boolean":
		_, ok := val.(bool)
		return ok
	case "number":
		_, ok := val.(float64)
		return ok
	case "integer":
		f, ok := val.(float64)
		return ok && f == math.Trunc(f)
	case "null":
		return val == nil
	}
	return false
}

func describe(v any) string {
	if v == nil {
		return "null"
	}
	b, _ := json.Marshal(v)
	if len(b) > 60 {
		b = append(b[:60], "..."...)
	}
	return string(b)
}

func asStrings(v any) []string {
	var out []string
	for _, x := range asSlice(v) {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func asSlice(v any) []any { s, _ := v.([]any); return s }

// validateSummary marshals s as summary.json is written and validates it.
func validateSummary(t *testing.T, schema map[string]any, s *aggregate.Summary) []string {
	t.Helper()
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var doc any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	v := &validator{root: schema}
	v.validate("summary", schema, doc)
	return v.errs
}

// TestSummaryValidatesAgainstSchema builds summaries through the
// aggregator's public API from synthetic samples, including the edge
// cases (no request at all, an interrupted run, a single request), and
// validates each against summary.schema.json.
func TestSummaryValidatesAgainstSchema(t *testing.T) {
	t.Parallel()
	schema := loadSchema(t)
	build := func(samples []domain.Sample, meta aggregate.RunMeta) *aggregate.Summary {
		p := reportfixture.Plan()
		if meta.ID != "bare" {
			p.Thresholds = reportfixture.Thresholds()
		}
		a := aggregate.NewAggregator(p, reportfixture.Start)
		for _, s := range samples {
			a.Add(s)
		}
		s, err := a.Summary(meta)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	all := reportfixture.Samples(reportfixture.Plan())
	cases := map[string]*aggregate.Summary{
		"fixture":     reportfixture.Summary(t),
		"no requests": build(nil, aggregate.RunMeta{ID: "empty", ToolVersion: "v0", Target: "mock", Pool: "default"}),
		"one request": build(all[:1], aggregate.RunMeta{ID: "one", Target: "mock"}),
		"interrupted shard": build(all[:120], aggregate.RunMeta{ID: "part", Target: "http://127.0.0.1:9229", Pool: "us-east-1_abc",
			Shard: "1/2", Interrupted: true, ExitStatus: 130}),
		"slow run":      reportfixture.Run(t, "slow", 40),
		"no thresholds": build(all, aggregate.RunMeta{ID: "bare", Target: "mock"}),
	}
	// Merged shards take another code path (MergeSummaries).
	merge := func(samples []domain.Sample) *aggregate.Summary {
		p := reportfixture.Plan()
		p.Thresholds = reportfixture.Thresholds()
		shards := []*aggregate.Aggregator{aggregate.NewAggregator(p, reportfixture.Start), aggregate.NewAggregator(p, reportfixture.Start.Add(300*time.Millisecond))}
		for i, s := range samples {
			shards[i%2].Add(s)
		}
		var sums []*aggregate.Summary
		for i, a := range shards {
			s, err := a.Summary(aggregate.RunMeta{Shard: []string{"1/2", "2/2"}[i], ID: []string{"a", "b"}[i], Target: "mock"})
			if err != nil {
				t.Fatal(err)
			}
			sums = append(sums, s)
		}
		m, err := aggregate.MergeSummaries(sums...)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	cases["merged shards"] = merge(all)
	cases["merged empty shards"] = merge(nil)
	for name, s := range cases {
		if errs := validateSummary(t, schema, s); len(errs) > 0 {
			// "null is not of type array": a nil slice in the Summary; the
			// builder must set empty slices so readers never see null.
			t.Errorf("%s: summary does not validate:\n  %s", name, strings.Join(errs, "\n  "))
		}
	}
}

// TestSchemaValidatorRejects: the validator (and the schema) must catch
// the mistakes it is there for.
func TestSchemaValidatorRejects(t *testing.T) {
	t.Parallel()
	schema := loadSchema(t)
	b, err := json.Marshal(reportfixture.Summary(t))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		mutate func(doc map[string]any)
		want   string
	}{
		{"unknown top-level field", func(d map[string]any) { d["extra"] = 1 }, `property "extra" is not allowed`},
		{"missing required field", func(d map[string]any) { delete(d, "totals") }, `required property "totals"`},
		{"wrong type", func(d map[string]any) { d["totals"].(map[string]any)["requests"] = "many" }, "summary.totals.requests"},
		{"non-integer count", func(d map[string]any) { d["totals"].(map[string]any)["ok"] = 1.5 }, "not of type integer"},
		{"negative count", func(d map[string]any) { d["totals"].(map[string]any)["ok"] = -1.0 }, "below the minimum"},
		{"rate above 1", func(d map[string]any) { d["totals"].(map[string]any)["throttle_rate"] = 3.0 }, "above the maximum"},
		{"other schema major", func(d map[string]any) { d["schema"] = "cogload.summary/v2" }, "does not match"},
		{"bad verdict", func(d map[string]any) { d["counts"].([]any)[0].(map[string]any)["verdict"] = "meh" }, "not one of"},
		{"bad time", func(d map[string]any) { d["run"].(map[string]any)["start"] = "yesterday" }, "not a date-time"},
		{"null array", func(d map[string]any) { d["outcomes"] = nil }, "null is not of type"},
		{"nested unknown field", func(d map[string]any) {
			d["overall"].(map[string]any)["latency"].(map[string]any)["p42_ms"] = 1.0
		}, `property "p42_ms" is not allowed`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var doc map[string]any
			if err := json.Unmarshal(b, &doc); err != nil {
				t.Fatal(err)
			}
			tt.mutate(doc)
			v := &validator{root: schema}
			v.validate("summary", schema, doc)
			if !slices.ContainsFunc(v.errs, func(e string) bool { return strings.Contains(e, tt.want) }) {
				t.Errorf("errors %q, want one containing %q", v.errs, tt.want)
			}
		})
	}
}

// TestSchemaInSyncWithStructs compares summary.schema.json with the Go
// types by reflection: every struct reachable from Summary has a $defs
// entry of the same name whose properties are exactly its JSON fields,
// whose required list is exactly the fields without omitempty or
// omitzero, and whose property types match the Go kinds. Adding a field to Summary without
// documenting it in the schema fails here.
func TestSchemaInSyncWithStructs(t *testing.T) {
	t.Parallel()
	schema := loadSchema(t)
	defs := schema["$defs"].(map[string]any)
	seen := map[reflect.Type]bool{}
	var check func(name string, def map[string]any, typ reflect.Type)
	var checkType func(path string, s map[string]any, typ reflect.Type)
	checkType = func(path string, s map[string]any, typ reflect.Type) {
		if typ == reflect.TypeOf(time.Time{}) {
			if s["type"] != "string" || s["format"] != "date-time" {
				t.Errorf("%s: time.Time wants type string, format date-time; schema has %v", path, s)
			}
			return
		}
		want := map[reflect.Kind]string{
			reflect.String: "string", reflect.Bool: "boolean", reflect.Float64: "number",
			reflect.Int: "integer", reflect.Int64: "integer", reflect.Uint64: "integer", reflect.Uint16: "integer",
			reflect.Uint8: "integer", reflect.Slice: "array", reflect.Map: "object",
		}
		switch typ.Kind() {
		case reflect.Pointer: // an optional struct, left out when nil
			checkType(path, s, typ.Elem())
		case reflect.Struct:
			ref, _ := s["$ref"].(string)
			if ref != "#/$defs/"+typ.Name() {
				t.Errorf("%s: want $ref #/$defs/%s, schema has %v", path, typ.Name(), s)
				return
			}
			d, ok := defs[typ.Name()].(map[string]any)
			if !ok {
				t.Errorf("%s: $defs has no %s", path, typ.Name())
				return
			}
			check(typ.Name(), d, typ)
		case reflect.Slice:
			items, _ := s["items"].(map[string]any)
			if s["type"] != "array" || items == nil {
				t.Errorf("%s: want an array with items, schema has %v", path, s)
				return
			}
			checkType(path+"[]", items, typ.Elem())
		case reflect.Map:
			ap, _ := s["additionalProperties"].(map[string]any)
			if s["type"] != "object" || ap == nil {
				t.Errorf("%s: want an object with additionalProperties, schema has %v", path, s)
				return
			}
			checkType(path+"{}", ap, typ.Elem())
		default:
			if w, ok := want[typ.Kind()]; !ok || s["type"] != w {
				t.Errorf("%s: Go %s wants type %q, schema has %v", path, typ, w, s["type"])
			}
			if strings.HasPrefix(typ.Kind().String(), "uint") && s["minimum"] != 0.0 {
				t.Errorf("%s: unsigned Go type wants minimum 0", path)
			}
		}
	}
	check = func(name string, def map[string]any, typ reflect.Type) {
		if seen[typ] {
			return
		}
		seen[typ] = true
		props, _ := def["properties"].(map[string]any)
		if def["additionalProperties"] != false {
			t.Errorf("%s: want additionalProperties false", name)
		}
		var fields, required []string
		for _, f := range jsonFields(typ) {
			fields = append(fields, f.name)
			if !f.omitempty {
				required = append(required, f.name)
			}
			ps, ok := props[f.name].(map[string]any)
			if !ok {
				t.Errorf("%s: field %s (%s) is not in the schema", name, f.name, f.goName)
				continue
			}
			checkType(name+"."+f.name, ps, f.typ)
		}
		for p := range props {
			if !slices.Contains(fields, p) {
				t.Errorf("%s: schema property %q has no Go field", name, p)
			}
		}
		if got := asStrings(def["required"]); !sameSet(got, required) {
			t.Errorf("%s: schema required %v, Go fields without omitempty %v", name, got, required)
		}
	}
	check("Summary", schema, reflect.TypeOf(aggregate.Summary{}))
	for name := range defs {
		found := false
		for typ := range seen {
			found = found || typ.Name() == name
		}
		if !found {
			t.Errorf("$defs.%s is not used by any Go type", name)
		}
	}
}

type jsonField struct {
	name, goName string
	omitempty    bool
	typ          reflect.Type
}

// jsonFields lists a struct's JSON fields as encoding/json sees them,
// flattening embedded structs.
func jsonFields(typ reflect.Type) []jsonField {
	var out []jsonField
	for i := range typ.NumField() {
		f := typ.Field(i)
		if f.Anonymous && f.Type.Kind() == reflect.Struct && f.Tag.Get("json") == "" {
			out = append(out, jsonFields(f.Type)...)
			continue
		}
		if !f.IsExported() {
			continue
		}
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out = append(out, jsonField{name: name, goName: f.Name, omitempty: strings.Contains(opts, "omitempty") || strings.Contains(opts, "omitzero"), typ: f.Type})
	}
	return out
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}
