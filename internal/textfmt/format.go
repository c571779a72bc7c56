// Package textfmt is how cogload writes numbers and tables for people:
// one format per unit and one table style, shared by every report, the
// plan description and the conformance listing.
package textfmt

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Value writes v in unit ("ms", "req/s", "fraction", "count" or a
// plain number) the way every report shows it.
func Value(unit string, v float64) string {
	switch unit {
	case "ms":
		return Ms(v)
	case "req/s":
		return Rate(v)
	case "fraction":
		return Pct(v)
	default:
		if v >= 0 && v == float64(uint64(v)) {
			return Count(uint64(v))
		}
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
}

// Ms writes milliseconds with three significant digits or so.
func Ms(ms float64) string {
	switch {
	case ms >= 100:
		return strconv.FormatFloat(ms, 'f', 0, 64) + "ms"
	case ms >= 10:
		return strconv.FormatFloat(ms, 'f', 1, 64) + "ms"
	default:
		return strconv.FormatFloat(ms, 'f', 2, 64) + "ms"
	}
}

// Pct writes a fraction as a percentage with two decimals.
func Pct(f float64) string { return strconv.FormatFloat(100*f, 'f', 2, 64) + "%" }

// Count writes a count with thousands separators.
func Count(n uint64) string {
	s := strconv.FormatUint(n, 10)
	if len(s) <= 3 {
		return s
	}
	var b strings.Builder
	pre := len(s) % 3
	if pre > 0 {
		b.WriteString(s[:pre])
	}
	for i := pre; i < len(s); i += 3 {
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(s[i : i+3])
	}
	return b.String()
}

// Rate writes requests per second.
func Rate(r float64) string { return strconv.FormatFloat(r, 'f', 1, 64) + "/s" }

// Seconds writes a duration in seconds with one decimal.
func Seconds(s float64) string { return strconv.FormatFloat(s, 'f', 1, 64) + "s" }

// Num writes a plan quantity (a rate, a share of requests) with four
// significant digits.
func Num(f float64) string { return fmt.Sprintf("%.4g", f) }

// Round writes an expected count, rounded to a whole number.
func Round(f float64) string { return fmt.Sprintf("%.0f", math.Round(f)) }

// Share writes a fraction as a percentage with as many decimals as small
// shares need.
func Share(f float64) string {
	switch v := f * 100; {
	case v == 0:
		return "0%"
	case v < 0.1:
		return fmt.Sprintf("%.3f%%", v)
	case v < 10:
		return fmt.Sprintf("%.2f%%", v)
	default:
		return fmt.Sprintf("%.1f%%", v)
	}
}

// Wrap breaks s into lines of at most width characters, indenting the
// continuation lines.
func Wrap(s string, width int, indent string) string {
	words := strings.Fields(s)
	var b strings.Builder
	n := 0
	for i, w := range words {
		if i > 0 {
			if n+1+len(w) > width {
				b.WriteString("\n" + indent)
				n = 0
			} else {
				b.WriteByte(' ')
				n++
			}
		}
		b.WriteString(w)
		n += len(w)
	}
	return b.String()
}
