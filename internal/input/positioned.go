package input

import (
	"errors"
	"fmt"
)

// CheckPositioned returns nil when err is an *Error, or Errors, naming
// file with a line and column each, as every YAML problem must be; it
// describes what is missing otherwise. Fuzz targets assert it.
func CheckPositioned(err error, file string) error {
	var list []*Error
	var one *Error
	var many Errors
	switch {
	case errors.As(err, &many):
		list = many
	case errors.As(err, &one):
		list = []*Error{one}
	default:
		return fmt.Errorf("error %T %q is not an *input.Error", err, err)
	}
	for _, e := range list {
		if e.File != file || e.Line < 1 || e.Col < 1 {
			return fmt.Errorf("error %q is not at a line and column of %s", e, file)
		}
	}
	return nil
}
