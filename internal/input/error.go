package input

import (
	"fmt"
	"sort"
	"strings"
)

// Error is invalid input: where (file:line:col and the field path), what
// is wrong, and what to do about it.
type Error struct {
	File string
	// Line and Col are 1-based; 0 when the problem is the whole file
	// (cannot be read, too large) or a flag.
	Line, Col int
	// Field is the path of the offending field, e.g. "load.stages[1].rate".
	Field string
	Msg   string
	// Hint says what to do; empty when the message says it already.
	Hint string
	// Err is the cause, when there is one (an *os.PathError, the
	// context's error after an interrupt).
	Err error
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		if e.Line > 0 {
			fmt.Fprintf(&b, ":%d:%d", e.Line, e.Col)
		}
		b.WriteString(": ")
	}
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	if e.Hint != "" {
		b.WriteString(" (")
		b.WriteString(e.Hint)
		b.WriteString(")")
	}
	return b.String()
}

// Unwrap returns the cause, so errors.Is(err, context.Canceled) works.
func (e *Error) Unwrap() error { return e.Err }

// Errors is every problem found in one input, in file order. errors.As
// finds the first *Error in it.
type Errors []*Error

func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap lets errors.As and errors.Is see each *Error.
func (es Errors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// Err returns nil, the single *Error, or all of them sorted by position.
func (es Errors) Err() error {
	switch len(es) {
	case 0:
		return nil
	case 1:
		return es[0]
	}
	sort.SliceStable(es, func(i, j int) bool {
		if es[i].Line != es[j].Line {
			return es[i].Line < es[j].Line
		}
		return es[i].Col < es[j].Col
	})
	return es
}

// Suggest returns "did you mean X?" for the candidate closest to got, or
// "" when none is close.
func Suggest(got string, candidates []string) string {
	best, bestD := "", 1<<30
	for _, c := range candidates {
		d := levenshtein(strings.ToLower(got), strings.ToLower(c))
		if d < bestD {
			best, bestD = c, d
		}
	}
	if best == "" || bestD > max(1, (len([]rune(got))+1)/3) {
		return ""
	}
	return fmt.Sprintf("did you mean %q?", best)
}

// OneOf renders a hint listing the valid values, a suggestion first.
func OneOf(got string, valid []string) string {
	h := "use one of: " + strings.Join(valid, ", ")
	if s := Suggest(got, valid); s != "" {
		return s + " " + h
	}
	return h
}

func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
