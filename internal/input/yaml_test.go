package input

import (
	"bytes"
	"errors"
	"math"
	"strings"
	"testing"
	"time"
)

type testConfig struct {
	Name     string            `yaml:"name"`
	Count    int               `yaml:"count"`
	Rate     float64           `yaml:"rate"`
	Workers  *uint64           `yaml:"workers"`
	On       *bool             `yaml:"on"`
	Wait     time.Duration     `yaml:"wait"`
	Tags     []string          `yaml:"tags"`
	Labels   map[string]string `yaml:"labels"`
	Weights  map[string]float64
	Inner    *testInner          `yaml:"inner"`
	Roles    map[string]TestPool `yaml:"roles"`
	TestPool `yaml:",inline"`
}

type testInner struct {
	Depth int    `yaml:"depth"`
	Mode  string `yaml:"mode"`
}

type TestPool struct {
	PoolID string `yaml:"poolId"`
	Users  []struct {
		Username string `yaml:"username"`
		Password string `yaml:"password"`
	} `yaml:"users"`
}

var testKind = Kind{Name: "test file", MaxBytes: 1 << 20}

func TestDecodeYAML(t *testing.T) {
	t.Parallel()
	var c testConfig
	src := "name: x\ncount: 3\nrate: 2\non: true\nwait: 5s\ntags: [a, b]\nlabels: {k: 5}\nweights: {a: 0.5}\ninner: {depth: 2}\npoolId: p1\nusers: [{username: u, password: pw}]\nroles: {r: {poolId: p2}}\nname2: &a x\n"
	_, err := DecodeYAML(testKind, "t.yaml", []byte(strings.Replace(src, "name2: &a x\n", "", 1)), &c)
	if err != nil {
		t.Fatal(err)
	}
	if c.Name != "x" || c.Count != 3 || c.Rate != 2 || !*c.On || c.Wait != 5*time.Second || len(c.Tags) != 2 ||
		c.Labels["k"] != "5" || c.Weights["a"] != 0.5 || c.Inner.Depth != 2 || c.PoolID != "p1" || c.Users[0].Password != "pw" || c.Roles["r"].PoolID != "p2" {
		t.Errorf("decoded %+v", c)
	}
	// Numbers as YAML 1.2 writes them, at the edges of their types: 1e3 is
	// as much a number as 1.5e3.
	for text, want := range map[string]float64{"1e3": 1000, "-2E-1": -0.2, "1.5e3": 1500, "+7": 7, "0x10": 16} {
		var n testConfig
		if _, err := DecodeYAML(testKind, "t.yaml", []byte("rate: "+text+"\n"), &n); err != nil || n.Rate != want {
			t.Errorf("rate: %s decodes to %v, %v; want %v", text, n.Rate, err, want)
		}
	}
	var edges testConfig
	if _, err := DecodeYAML(testKind, "t.yaml", []byte("workers: 18446744073709551615\ncount: -9223372036854775808\n"), &edges); err != nil ||
		*edges.Workers != math.MaxUint64 || edges.Count != math.MinInt64 {
		t.Errorf("the ends of uint64 and int64: %+v, %v", edges, err)
	}
	var empty testConfig
	if d, err := DecodeYAML(testKind, "t.yaml", []byte("# nothing\n"), &empty); err != nil || !d.Empty() {
		t.Errorf("comments only: %v", err)
	}
}

func TestDecodeYAMLErrors(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name, yaml, want string
	}{
		{"unknown field", "name: x\ncuont: 3\n", `t.yaml:2:1: cuont: unknown field "cuont" (did you mean "count"? valid fields here:`},
		{"misplaced field", "depth: 3\n", `t.yaml:1:1: depth: unknown field "depth" (depth belongs under inner; valid fields here:`},
		{"inline fields", "users: [{username: a, pasword: b}]\n", `t.yaml:1:23: users[0].pasword: unknown field "pasword" (did you mean "password"? valid fields here: password, username)`},
		{"string for int", "count: ten\n", "t.yaml:1:8: count: expected a whole number, got a string (write an integer such as 10)"},
		{"float for int", "count: 1.5\n", "t.yaml:1:8: count: expected a whole number, got 1.5 (write an integer such as 10)"},
		{"exponent for int", "count: 1e3\n", "t.yaml:1:8: count: expected a whole number, got 1e3"},
		{"negative for unsigned", "workers: -1\n", "t.yaml:1:10: workers: expected a whole number ≥ 0, got -1 (write an integer such as 10)"},
		{"past int64", "count: 99999999999999999999\n", "t.yaml:1:8: count: expected a whole number from -9223372036854775808 to 9223372036854775807, got 99999999999999999999"},
		{"past int64, negative", "count: -9223372036854775809\n", "t.yaml:1:8: count: expected a whole number from -9223372036854775808 to 9223372036854775807, got -9223372036854775809"},
		{"past uint64", "workers: 18446744073709551616\n", "t.yaml:1:10: workers: expected a whole number from 0 to 18446744073709551615, got 18446744073709551616"},
		{"infinity for float", "rate: .inf\n", "t.yaml:1:7: rate: expected a finite number, got infinity (write a number such as 10 or 2.5"},
		{"-infinity for float", "rate: -.inf\n", "t.yaml:1:7: rate: expected a finite number, got infinity"},
		{"nan for float", "rate: .nan\n", "t.yaml:1:7: rate: expected a finite number, got not a number (.nan)"},
		{"quoted number for float", "rate: '1e3'\n", "t.yaml:1:7: rate: expected a number, got a string"},
		{"infinity for int", "count: .inf\n", "t.yaml:1:8: count: expected a whole number, got infinity"},
		{"number for string", "name: 5\n", `t.yaml:1:7: name: expected a string, got a number (quote it, e.g. "text")`},
		{"duration without unit", "wait: 5\n", "t.yaml:1:7: wait: expected a duration, got a number"},
		{"bad duration", "wait: soon\n", `t.yaml:1:7: wait: "soon" is not a duration`},
		{"list expected", "tags: a\n", "t.yaml:1:7: tags: expected a list, got a string"},
		{"null struct", "inner:\n", "t.yaml:1:8: inner: expected a mapping, got nothing (write {} to take the defaults)"},
		{"map value", "labels: {k: [1]}\n", "t.yaml:1:13: labels.k: expected a string value, got a list"},
		{"typed map value", "weights: {a: x}\n", "t.yaml:1:14: weights.a: expected a number, got a string"},
		{"struct map value", "roles: {r: {nope: 1}}\n", `t.yaml:1:13: roles.r.nope: unknown field "nope"`},
		{"syntax", "name: [x\n", "t.yaml:1:7: "},
		{"duplicate key", "name: a\nname: b\n", `t.yaml:2:1: duplicate key "name", first defined at line 1, column 1 (each key may appear once`},
		{"two documents", "name: a\n---\nname: b\n", "t.yaml:3:1: more than one YAML document (keep one test file per file)"},
		{"custom tag", "tags: !foo [a]\n", "t.yaml:1:7: tags: the YAML tag !foo is not supported here (remove the tag)"},
		{"non-specific tag into a list", "tags: ! 0000000\n", "t.yaml:1:7: tags: the YAML tag ! is not supported here"},
		{"!!int", "count: !!int 5\n", "t.yaml:1:8: count: the YAML tag !!int is not supported here"},
		{"tag does not fit", "on: !!bool x\n", "t.yaml:1:5: on: the YAML tag !!bool does not fit its value"},
		{"tag on a map value", "labels: {k: !x 5}\n", "t.yaml:1:13: labels.k: the YAML tag !x is not supported here"},
		{"anchored tag", "tags: &a !foo [a]\n", "t.yaml:1:10: tags: the YAML tag !foo is not supported here"},
		{"not UTF-8", "name: \xff\n", "t.yaml:1:7: not UTF-8 text (save the file as UTF-8 text)"},
		{"control character", "name: a\x00b\n", "t.yaml:1:8: control character U+0000 is not allowed in YAML"},
		{"too deep", strings.Repeat("[", 100), "t.yaml:1:64: nested more than 64 levels deep"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var c testConfig
			_, err := DecodeYAML(testKind, "t.yaml", []byte(tt.yaml), &c)
			var e *Error
			if !errors.As(err, &e) || e.Line == 0 || !strings.HasPrefix(err.Error(), tt.want) {
				t.Fatalf("error %v\nwant a positioned *Error starting %q", err, tt.want)
			}
		})
	}
}

func TestStandardTags(t *testing.T) {
	t.Parallel()
	var c testConfig
	if _, err := DecodeYAML(testKind, "t.yaml", []byte("name: !!str 5\nrate: !!float 2\non: !!bool true\ntags: !!seq [a]\n"), &c); err != nil {
		t.Fatal(err)
	}
	if c.Name != "5" || c.Rate != 2 || !*c.On || c.Tags[0] != "a" {
		t.Errorf("decoded %+v", c)
	}
}

// Secret kinds keep positions and never quote the file.
func TestSecretErrorsQuoteNothing(t *testing.T) {
	t.Parallel()
	secret := Kind{Name: "users file", MaxBytes: 1 << 20, Secret: true}
	for _, src := range []string{
		"users: [{username: a, hunter2x: b}]\n",
		"hunter2x: 1\n",
		"hunter2x: a\nhunter2x: b\n",
		"users: !hunter2x [a]\n",
		"users: [{username: a, password: [hunter2x]}]\n",
		"users: [{username: a, password: 'hunter2x}]\n",
		"users: [{username: a, password: \"hunter2x\\q\"}]\n",
		"users: &hunter2x [*hunter2y]\n",
		"users: [{username: a, password: hunter2x}]\n---\nx: 1\n",
		"users:\n  - username: a\n   password: hunter2x\n",
		"users: hunter2x\n",
		// Numbers out of range are not quoted either (it is a password
		// written in the wrong place, as likely as not).
		"workers: -2222222\n",
		"count: 22222229999999999999999\n",
		"count: 2.2222\n",
	} {
		var c testConfig
		_, err := DecodeYAML(secret, "u.yaml", []byte(src), &c)
		if err == nil {
			t.Errorf("%q: no error", src)
			continue
		}
		if strings.Contains(err.Error(), "hunter2") || strings.Contains(err.Error(), "2222") {
			t.Errorf("%q: error quotes the file: %v", src, err)
		}
		var e *Error
		if !errors.As(err, &e) || e.Line == 0 {
			t.Errorf("%q: error %v has no position", src, err)
		}
	}
}

type panicky string

func (panicky) UnmarshalYAML([]byte) error { panic("decoder bug") }

// A panic inside go-yaml's decoder (here forced through an unmarshaler)
// is an error at the document, not a crash.
func TestDecodePanicIsAnError(t *testing.T) {
	t.Parallel()
	var v struct {
		P panicky `yaml:"p"`
	}
	_, err := DecodeYAML(testKind, "t.yaml", []byte("p: x\n"), &v)
	if err == nil || !strings.HasPrefix(err.Error(), "t.yaml:1:1: go-yaml failed to decode this document") {
		t.Fatalf("error %v", err)
	}
}

func TestParseYAMLSize(t *testing.T) {
	t.Parallel()
	k := Kind{Name: "test file", MaxBytes: 8}
	if _, err := ParseYAML(k, "t.yaml", []byte("name: abc\n")); err == nil || !strings.Contains(err.Error(), "more than 8 bytes") {
		t.Errorf("error %v", err)
	}
}

func TestDocAt(t *testing.T) {
	t.Parallel()
	d, err := ParseYAML(testKind, "t.yaml", []byte("name: x\ninner:\n  depth: 2\ntags:\n  - a\n  - b\n"))
	if err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{
		"$.name":        "t.yaml:1:7: name: m",
		"$.inner.depth": "t.yaml:3:10: inner.depth: m",
		"$.inner.mode":  "t.yaml:2:1: inner.mode: m",
		"$.tags[1]":     "t.yaml:6:5: tags[1]: m",
		"$.tags[5]":     "t.yaml:4:1: tags[5]: m",
		"$.rate":        "t.yaml:1:1: rate: m",
	} {
		if got := d.At(path, "m", "").Error(); got != want {
			t.Errorf("At(%s) = %q, want %q", path, got, want)
		}
	}
	var none *Doc
	if got := none.At("$.a.b", "m", "h").Error(); got != "a.b: m (h)" {
		t.Errorf("nil Doc: %q", got)
	}
	if !d.IsMapping() || d.IsList() {
		t.Error("shape")
	}
}

// FuzzDecodeYAML: any input is decoded or refused with a positioned
// *Error; never a panic.
func FuzzDecodeYAML(f *testing.F) {
	for _, s := range []string{"name: x\ncount: 3\n", "tags: ! 0000000\n", "users: [{username: a, password: b}]\n", "roles: {r: {poolId: p}}\n",
		"inner: !!map {depth: 1}\n", "labels: {a: !!binary aGk=}\n", "<<: {name: x}\n", "tags: [&a x, *a]\n"} {
		f.Add([]byte(s))
	}
	f.Add(bytes.Repeat([]byte("["), 200_000))
	f.Fuzz(func(t *testing.T, data []byte) {
		var c testConfig
		_, err := DecodeYAML(testKind, "fuzz.yaml", data, &c)
		if err == nil {
			return
		}
		if perr := CheckPositioned(err, "fuzz.yaml"); perr != nil {
			t.Fatal(perr)
		}
	})
}
