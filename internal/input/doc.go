// Package input is the one way cogload reads the files it is given
// (scenarios, pool configurations, conformance target files, users and
// token files, a token command's output) and decodes their YAML.
//
// Reading is bounded by the bytes actually read, never by what stat
// says: devices, FIFOs and pipes report a size of 0. It stops when the
// context is cancelled, including while a FIFO waits for its writer.
//
// YAML goes through three gates before a value is filled: a linear
// pre-scan that refuses nesting deeper than [MaxDepth] (go-yaml's time and
// memory grow with the square of the depth), go-yaml's parser, and a walk
// of the syntax tree beside the Go type that refuses unknown fields and
// values of the wrong shape with "did you mean" hints. go-yaml panics on
// some inputs (v1.19.2, tagged scalars decoded into lists); every call
// into it is recovered and reported as an *Error.
//
// Every problem is an *Error that reads "file:line:col: field: msg (hint)";
// file-level problems (cannot open, too large, interrupted) have no line.
// A [Kind] marked Secret (users, tokens, target files) never has text from
// the file in its errors, only positions.
//
// It is a leaf: the standard library and goccy/go-yaml only, so every
// package (mock included) may use it.
package input
