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
	// Minor revisions (v1.N) only add fields, so this version reads them.
	if err := CheckSchema(s.Schema); err != nil {
		return nil, err
	}
	return &s, nil
}
