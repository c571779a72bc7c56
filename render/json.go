package render

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/cogload/cogload/aggregate"
)

// JSON writes s as indented JSON (the summary.json format).
func JSON(w io.Writer, s *aggregate.Summary) error { return writeJSON(w, "summary", s) }

// writeJSON is every JSON rendering: indented, what named in errors.
func writeJSON(w io.Writer, what string, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("encode %s: %w", what, err)
	}
	return nil
}
