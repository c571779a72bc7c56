package input

import (
	"math"
	"reflect"
	"regexp"
	"strconv"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/token"
)

// yamlFloat is a YAML 1.2 core-schema float written without a dot, such
// as 1e3 or -2E-4: go-yaml's scanner (YAML 1.1 rules) reads it as a plain
// string, though it decodes it into a number, so 1.5e3 was a number and
// 1e3 "a string".
var yamlFloat = regexp.MustCompile(`^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`)

// yamlInteger is a decimal integer go-yaml leaves as a plain string
// because it does not fit 64 bits.
var yamlInteger = regexp.MustCompile(`^[-+]?[0-9][0-9_]*$`)

// plain returns the text of a plain (unquoted) scalar string, or false.
func plain(n ast.Node) (string, bool) {
	s, ok := n.(*ast.StringNode)
	if !ok || s.Token == nil || s.Token.Type != token.StringType {
		return "", false
	}
	return s.Value, true
}

// isNumber reports whether a node decodes into a float64: an integer, a
// float, or a plain YAML 1.2 number go-yaml scanned as a string.
func isNumber(n ast.Node) bool {
	switch n.(type) {
	case *ast.IntegerNode, *ast.FloatNode:
		return true
	}
	s, ok := plain(n)
	return ok && yamlFloat.MatchString(s)
}

// number checks a value for a float64 field: a finite number.
func (c checker) number(n ast.Node, path string) *Error {
	const hint = "write a number such as 10 or 2.5, without quotes or units"
	switch n.(type) {
	case *ast.InfinityNode, *ast.NanNode:
		return nodeErr(n, path, "expected a finite number, got "+c.describe(n), hint)
	}
	if isNumber(n) {
		return nil
	}
	return nodeErr(n, path, "expected a number, got "+c.describe(n), hint)
}

// whole checks a value for an integer field of kind k: a whole number in
// its range. go-yaml reports a value out of range as a bare "overflow"
// without the field, so the range is checked here.
func (c checker) whole(n ast.Node, k reflect.Kind, path string) *Error {
	const hint = "write an integer such as 10"
	unsigned := k == reflect.Uint64 || k == reflect.Uint
	outOfRange := func() *Error {
		lo, hi := strconv.FormatInt(math.MinInt64, 10), strconv.FormatUint(math.MaxInt64, 10)
		if unsigned {
			lo, hi = "0", strconv.FormatUint(math.MaxUint64, 10)
		}
		return nodeErr(n, path, "expected a whole number from "+lo+" to "+hi+", got "+c.literal(n, "one outside that range"), hint)
	}
	if v, ok := n.(*ast.IntegerNode); ok {
		switch x := v.Value.(type) {
		case int64:
			if unsigned && x < 0 {
				return nodeErr(n, path, "expected a whole number ≥ 0, got "+c.literal(n, "a negative one"), hint)
			}
		case uint64:
			if !unsigned && x > math.MaxInt64 {
				return outOfRange()
			}
		}
		return nil
	}
	s, ok := plain(n)
	switch {
	case ok && yamlInteger.MatchString(s): // past 64 bits, left a string
		return outOfRange()
	case isNumber(n):
		return nodeErr(n, path, "expected a whole number, got "+c.literal(n, "a number with a fraction or an exponent"), hint)
	}
	return nodeErr(n, path, "expected a whole number, got "+c.describe(n), hint)
}

// literal quotes a scalar from the file, or says what stands for it in a
// secret kind's errors.
func (c checker) literal(n ast.Node, secret string) string {
	if c.secret || n.GetToken() == nil {
		return secret
	}
	return n.GetToken().Value
}
