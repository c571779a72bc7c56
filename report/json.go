package report

import (
	"encoding/json"
	"fmt"
	"io"
)

// RenderJSON writes s as indented JSON (the summary.json format).
func RenderJSON(w io.Writer, s *Summary) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(s); err != nil {
		return fmt.Errorf("encode summary: %w", err)
	}
	return nil
}

// ReadSummary decodes a summary.json and checks its schema.
func ReadSummary(r io.Reader) (*Summary, error) {
	var s Summary
	dec := json.NewDecoder(r)
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("decode summary: %w", err)
	}
	if s.Schema != Schema {
		return nil, fmt.Errorf("summary schema %q is not %q: written by another cogload version", s.Schema, Schema)
	}
	return &s, nil
}
