package aggregate_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cogload/cogload/internal/golden"
)

// schemaNode is the part of a JSON Schema node the field tables show,
// with properties in the order the schema lists them.
type schemaNode struct {
	Description          string      `json:"description"`
	Type                 string      `json:"type"`
	Format               string      `json:"format"`
	Pattern              string      `json:"pattern"`
	Enum                 []string    `json:"enum"`
	Minimum, Maximum     *float64    `json:"-"`
	Ref                  string      `json:"$ref"`
	Items                *schemaNode `json:"items"`
	AdditionalProperties *schemaNode `json:"-"`
	Required             []string    `json:"required"`
	Properties           []schemaProp
	Defs                 map[string]*schemaNode `json:"$defs"`
}

type schemaProp struct {
	Name string
	Node *schemaNode
}

func (n *schemaNode) UnmarshalJSON(b []byte) error {
	type plain schemaNode
	var aux struct {
		*plain
		Minimum              *float64        `json:"minimum"`
		Maximum              *float64        `json:"maximum"`
		AdditionalProperties json.RawMessage `json:"additionalProperties"`
		Properties           json.RawMessage `json:"properties"`
	}
	aux.plain = (*plain)(n)
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	n.Minimum, n.Maximum = aux.Minimum, aux.Maximum
	if len(aux.AdditionalProperties) > 0 && aux.AdditionalProperties[0] == '{' {
		n.AdditionalProperties = new(schemaNode)
		if err := json.Unmarshal(aux.AdditionalProperties, n.AdditionalProperties); err != nil {
			return err
		}
	}
	if len(aux.Properties) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(aux.Properties))
	if _, err := dec.Token(); err != nil { // {
		return err
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		p := schemaProp{Name: tok.(string), Node: new(schemaNode)}
		if err := dec.Decode(p.Node); err != nil {
			return err
		}
		n.Properties = append(n.Properties, p)
	}
	return nil
}

func (n *schemaNode) typeText() string {
	switch {
	case n.Ref != "":
		name := n.Ref[strings.LastIndex(n.Ref, "/")+1:]
		return fmt.Sprintf("[%s](#%s)", name, strings.ToLower(name))
	case n.Type == "array":
		return "array of " + n.Items.typeText()
	case n.Type == "object" && n.AdditionalProperties != nil:
		return "object of " + n.AdditionalProperties.typeText()
	case n.Format != "":
		return n.Type + " (" + n.Format + ")"
	}
	return n.Type
}

func (n *schemaNode) meaning() string {
	m := n.Description
	if n.Pattern != "" {
		m += " (pattern `" + n.Pattern + "`)"
	}
	if len(n.Enum) > 0 {
		m += " (one of `" + strings.Join(n.Enum, "`, `") + "`)"
	}
	switch {
	case n.Minimum != nil && n.Maximum != nil:
		m += fmt.Sprintf(" (%g..%g)", *n.Minimum, *n.Maximum)
	case n.Minimum != nil:
		m += fmt.Sprintf(" (≥ %g)", *n.Minimum)
	}
	return m
}

// fieldTables writes the "Fields" section of docs/summary-schema.md from
// the schema: the top-level object, then every definition it reaches,
// depth first in property order.
func fieldTables(root *schemaNode) string {
	var b strings.Builder
	table := func(name, intro string, n *schemaNode) {
		fmt.Fprintf(&b, "### %s\n\n%s\n\n| field | type | always | meaning |\n|---|---|---|---|\n", name, intro)
		for _, p := range n.Properties {
			always := "no"
			for _, r := range n.Required {
				if r == p.Name {
					always = "yes"
				}
			}
			fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", p.Name, p.Node.typeText(), always, p.Node.meaning())
		}
		b.WriteString("\n")
	}
	table("Summary", "The top-level object.", root)
	seen := map[string]bool{}
	var walk func(n *schemaNode)
	walk = func(n *schemaNode) {
		for _, p := range n.Properties {
			for x := p.Node; x != nil; x = x.Items {
				ref := x.Ref
				if x.AdditionalProperties != nil {
					ref = x.AdditionalProperties.Ref
				}
				if ref == "" {
					continue
				}
				name := ref[strings.LastIndex(ref, "/")+1:]
				if seen[name] {
					continue
				}
				seen[name] = true
				def := root.Defs[name]
				table(name, def.Description, def)
				walk(def)
			}
		}
	}
	walk(root)
	return b.String()
}

// TestSchemaDocInSync keeps the field tables of docs/summary-schema.md
// generated from summary.schema.json (go test -run TestSchemaDocInSync
// -update rewrites them).
func TestSchemaDocInSync(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("summary.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	var root schemaNode
	if err := json.Unmarshal(raw, &root); err != nil {
		t.Fatal(err)
	}
	const docPath = "../docs/summary-schema.md"
	doc, err := os.ReadFile(docPath)
	if err != nil {
		t.Fatal(err)
	}
	const start, end = "## Fields\n\n", "## Comparisons"
	i, j := bytes.Index(doc, []byte(start)), bytes.Index(doc, []byte(end))
	if i < 0 || j < i {
		t.Fatalf("%s has no %q section before %q", docPath, start, end)
	}
	want := fieldTables(&root)
	got := string(doc[i+len(start) : j])
	if golden.Updating() {
		out := append(append(append([]byte{}, doc[:i+len(start)]...), want...), doc[j:]...)
		if err := os.WriteFile(docPath, out, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("%s field tables are out of date (go test ./aggregate -run TestSchemaDocInSync -update) (-doc +schema):\n%s", docPath, diff)
	}
}
