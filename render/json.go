package render

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/cogload/cogload/aggregate"
)

// JSON writes s as indented JSON (the summary.json format).
func JSON(w io.Writer, s *aggregate.Summary) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(s); err != nil {
		return fmt.Errorf("encode summary: %w", err)
	}
	return nil
}
