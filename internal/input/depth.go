package input

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/goccy/go-yaml/token"
)

// checkDepth refuses YAML nested deeper than limit before go-yaml sees it:
// go-yaml's time and memory grow with the square of the nesting, so a
// small file of brackets would otherwise take minutes and gigabytes. The
// scan is one pass over the bytes. It counts open flow collections ([ and
// { at the start of a node, outside quotes and comments) plus open block
// levels (indentation, and each "- " or "? " that starts a nested node on
// the same line), skipping quoted, block and continued plain scalars. It
// may count a level more than go-yaml builds, never fewer.
func checkDepth(name string, data []byte, limit int) *Error {
	s := depthScan{data: data, limit: limit, line: 1}
	if s.run() {
		return nil
	}
	return tooDeep(name, s.errLine, s.errCol, limit)
}

// checkFlowDepth refuses flow collections nested deeper than limit in
// go-yaml's own tokens, before its parser (where the cost is) runs. The
// byte scan above refuses real files and simple bombs without lexing;
// this makes the bound exact where the scan's reading of malformed YAML
// differs from go-yaml's lexer. Tokens after an invalid one do not
// matter: the parser refuses the input before building anything.
func checkFlowDepth(name string, tokens token.Tokens, limit int) *Error {
	if tokens.InvalidToken() != nil {
		return nil
	}
	depth := 0
	for _, tk := range tokens {
		switch tk.Type {
		case token.SequenceStartType, token.MappingStartType:
			if depth++; depth > limit {
				if tk.Position == nil {
					return tooDeep(name, 1, 1, limit)
				}
				return tooDeep(name, tk.Position.Line, tk.Position.Column, limit)
			}
		case token.SequenceEndType, token.MappingEndType:
			depth = max(depth-1, 0)
		}
	}
	return nil
}

func tooDeep(name string, line, col, limit int) *Error {
	return &Error{File: name, Line: line, Col: col, Msg: fmt.Sprintf("nested more than %d levels deep", limit),
		Hint: "flatten the YAML; go-yaml's cost grows with the square of the nesting"}
}

// maxDepth is the deepest nesting the scan sees (for tests).
func maxDepth(data []byte) int {
	s := depthScan{data: data, limit: -1, line: 1}
	s.run()
	return s.deepest
}

type depthScan struct {
	data      []byte
	i         int // next byte
	line      int // 1-based line of data[i]
	lineStart int // offset of the current line
	limit     int // < 0: no limit, only measure
	deepest   int

	// Open flow collections: '[' or '{', and the levels go-yaml builds
	// inside the current entry of each without a bracket (a "key: value"
	// pair in a sequence is a mapping; "- " starts a block sequence).
	flow      []byte
	flowPairs []int
	pairs     int // their sum
	// Open block levels, increasing: 2×column for a node, 2×column+1 for
	// the entries of a sequence (or complex mapping) whose "- " is at that
	// column, which sits one level inside a mapping at the same column.
	blocks []int

	// A block scalar (| or >) owns the lines indented past its parent.
	scalar       bool
	scalarParent int // column of the node the scalar is the value of
	scalarIndent int // its content's indentation; -1 until the first line

	// Multi-line plain scalars are not followed: their next lines are
	// scanned as nodes, which may count levels go-yaml does not build
	// but never misses one (go-yaml decides what continues a plain
	// scalar in ways of its own).
	lineIndent int // indentation of the current line

	// A tag, an anchor or an empty "- " entry ending a line waits for the
	// node on the next content line, which go-yaml nests there however
	// little it is indented.
	nodeOpen bool

	errLine, errCol int
}

// run scans everything; false when the limit was passed.
func (s *depthScan) run() bool {
	for s.i < len(s.data) {
		if !s.blockLine() {
			return false
		}
	}
	return true
}

// blockLine scans one line in block context, or more when a flow
// collection or quoted scalar runs past its end.
func (s *depthScan) blockLine() bool {
	indent := 0
	for s.i+indent < len(s.data) && s.data[s.i+indent] == ' ' {
		indent++
	}
	first := s.i + indent
	content := first
	for content < len(s.data) && s.data[content] == '\t' {
		content++
	}
	if content >= len(s.data) || isBreak(s.data[content]) || s.data[content] == '#' {
		s.skipLine() // blank or comment: part of a block scalar
		return true
	}
	s.i = first
	if indent == 0 && (s.marker("---") || s.marker("...")) {
		s.scalar = false // a document marker ends any scalar
	}
	if s.scalar {
		if s.scalarIndent < 0 && indent > s.scalarParent {
			s.scalarIndent = indent
		}
		if s.scalarIndent >= 0 && indent >= s.scalarIndent {
			s.skipLine()
			return true
		}
		s.scalar = false
	}
	s.lineIndent = indent
	parent := -1
	nest := false
	switch {
	case indent == 0 && (s.marker("---") || s.marker("...")):
		s.blocks = s.blocks[:0] // a new document
		s.i += 3
		nest = true // its node, if on this line
	case indent == 0 && s.data[first] == '%':
		// A directive: go-yaml opens collections in its name and
		// arguments in ways of its own, so every bracket on the line
		// counts, and a collection left open goes on in flow context.
		for s.i < len(s.data) && !isBreak(s.data[s.i]) {
			c := s.data[s.i]
			s.i++
			switch {
			case c == '[' || c == '{':
				if !s.openFlow(c) {
					return false
				}
			case len(s.flow) > 0 && c == closer(s.flow[len(s.flow)-1]):
				s.closeFlow()
			}
		}
		if len(s.flow) > 0 {
			return s.flowNodes()
		}
		s.skipLine()
		return true
	default:
		level := s.level(indent)
		for len(s.blocks) > 0 && s.blocks[len(s.blocks)-1] > level && !s.nodeOpen {
			s.blocks = s.blocks[:len(s.blocks)-1]
		}
		if n := len(s.blocks); n > 0 && s.blocks[n-1] == level && !s.nodeOpen {
			if n > 1 {
				parent = s.blocks[n-2] / 2
			}
		} else {
			if n > 0 {
				parent = s.blocks[n-1] / 2
			}
			if !s.push(level) {
				return false
			}
		}
	}
	return s.blockNodes(parent, nest)
}

// blockNodes scans the rest of a line in block context. parent is the
// column of the level a node starting here belongs to; with nest the
// first node nests one level deeper.
func (s *depthScan) blockNodes(parent int, nest bool) bool {
	atNode := true    // a node may start here
	nodeCol := -1     // column of the node being scanned
	plain := false    // that node is a plain scalar
	pushNext := nest  // the next node nests (under a "- ", a tag, ...)
	property := false // a tag or anchor waits for its node
	s.nodeOpen = false
	for s.i < len(s.data) {
		c := s.data[s.i]
		if isBreak(c) {
			break
		}
		if c == ' ' || c == '\t' {
			s.i++
			continue
		}
		if c == '#' && s.afterBlank() {
			s.skipToEOL()
			plain = false // a comment ends a plain scalar
			break
		}
		if !atNode {
			switch {
			case c == ':' && s.blankAt(s.i+1):
				// A mapping value: the key's column is its parent.
				parent, atNode, plain = nodeCol, true, false
				s.i++
				continue
			case (c == '[' || c == '{') && !plain:
				// go-yaml opens a collection, or a quoted scalar, wherever
				// no plain scalar is being read: after a quoted scalar,
				// an alias, a %.
				s.i++
				if !s.openFlow(c) || !s.flowNodes() {
					return false
				}
				continue
			case (c == '"' || c == '\'') && !plain && !isWordByte(s.at(s.i-1)):
				s.skipQuoted(c)
				continue
			case (c == '!' || c == '&' || c == '*') && !plain:
				s.skipProperty() // an alias name ends the same way
				continue
			}
			s.i++
			continue
		}
		if c == '!' || c == '&' {
			// The node follows its tag or anchor; go-yaml nests even a
			// mapping on the same line.
			s.skipProperty()
			property, pushNext = true, true
			continue
		}
		col := s.i - s.lineStart
		if pushNext {
			pushNext = false
			if !s.push(s.level(col)) {
				return false
			}
		}
		switch {
		case s.entryAt(s.i):
			parent = col
			pushNext = true
			s.i++
			continue
		case c == '[' || c == '{':
			s.i++
			if !s.openFlow(c) || !s.flowNodes() {
				return false
			}
		case c == '"' || c == '\'':
			s.skipQuoted(c)
		case c == '*':
			s.skipProperty() // an alias: what follows its name is no plain scalar
		case (c == '|' || c == '>') && s.blockScalarHeader():
			// Its content is indented past its parent and, for go-yaml,
			// past the line it starts on, even at the top level.
			p := max(parent, s.lineIndent, 0)
			s.scalar, s.scalarParent, s.scalarIndent = true, p, -1
			// An explicit indentation fixes where the content starts.
			for _, d := range []byte{s.at(s.i + 1), s.at(s.i + 2)} {
				if d >= '1' && d <= '9' {
					s.scalarIndent = p + int(d-'0')
				}
			}
			s.skipToEOL()
			return true
		default:
			// Indicators cannot start a plain scalar.
			plain = !isIndicator(c)
			s.i++
		}
		atNode, nodeCol, property = false, col, false
	}
	if pushNext && parent >= 0 && !s.push(2*parent+2) {
		return false // an entry whose node is on the next lines
	}
	s.nodeOpen = property || pushNext
	if s.i < len(s.data) {
		s.newline()
	}
	return true
}

// flowNodes scans until the open flow collections close, across lines.
func (s *depthScan) flowNodes() bool {
	atNode := true
	quotedKey := false
	plain := false // a plain scalar is being read
	for s.i < len(s.data) && len(s.flow) > 0 {
		c := s.data[s.i]
		inPlain := false
		switch {
		case isBreak(c):
			s.newline()
			continue
		case c == ' ' || c == '\t':
			s.i++
			continue
		case c == '#' && s.afterBlank():
			s.skipToEOL()
			continue
		case c == '[' || c == '{':
			s.i++
			if !s.openFlow(c) {
				return false
			}
			atNode = true
		case c == closer(s.flow[len(s.flow)-1]):
			// A bracket of the other kind closes nothing for go-yaml.
			s.closeFlow()
			s.i++
			atNode = false
		case c == ',':
			s.closePair()
			s.i++
			atNode = true
		case c == ':' && ((quotedKey && s.flow[len(s.flow)-1] == '{') || s.blankAt(s.i+1) || isFlowIndicator(s.at(s.i+1))):
			// A colon right after a quoted key is an indicator only in
			// a flow mapping, for go-yaml.
			s.i++
			atNode = true
			if !s.openPair(false) {
				return false
			}
		case (atNode || !plain) && (c == '"' || c == '\''):
			// go-yaml starts a quoted scalar also right after another.
			quoted := s.skipQuoted(c)
			atNode, quotedKey, plain = false, quoted, false
			continue
		case atNode && (c == '!' || c == '&'):
			s.skipProperty()
		case atNode && c == '?' && s.blankAt(s.i+1):
			s.i++
		case atNode && c == '-' && s.blankAt(s.i+1):
			// go-yaml reads a block sequence even in flow context.
			s.i++
			if !s.openPair(true) {
				return false
			}
		default:
			// Indicators cannot start a plain scalar.
			inPlain = plain || !isIndicator(c)
			s.i++
			atNode = false
		}
		quotedKey, plain = false, inPlain
	}
	return true
}

func (s *depthScan) openFlow(c byte) bool {
	s.flow, s.flowPairs = append(s.flow, c), append(s.flowPairs, 0)
	return s.check()
}

func (s *depthScan) closeFlow() {
	s.closePair()
	s.flow, s.flowPairs = s.flow[:len(s.flow)-1], s.flowPairs[:len(s.flowPairs)-1]
}

// openPair counts a level of the current flow entry: a "key: value"
// pair in a flow sequence (once per entry), or with entry a "- ".
func (s *depthScan) openPair(entry bool) bool {
	top := len(s.flow) - 1
	if !entry && (s.flow[top] != '[' || s.flowPairs[top] > 0) {
		return true
	}
	s.flowPairs[top]++
	s.pairs++
	return s.check()
}

// closePair ends the current flow entry's levels.
func (s *depthScan) closePair() {
	top := len(s.flow) - 1
	s.pairs -= s.flowPairs[top]
	s.flowPairs[top] = 0
}

// level is the block level of a node at column col of the current line.
func (s *depthScan) level(col int) int {
	if s.entryAt(s.lineStart + col) {
		return 2*col + 1
	}
	return 2 * col
}

// entryAt reports a "- ", "? " or ": " indicator at data[j].
func (s *depthScan) entryAt(j int) bool {
	c := s.at(j)
	return (c == '-' || c == '?' || c == ':') && s.blankAt(j+1)
}

func (s *depthScan) push(level int) bool {
	s.blocks = append(s.blocks, level)
	return s.check()
}

// check records the depth at the current position: the byte just
// scanned, or the node about to be.
func (s *depthScan) check() bool {
	d := len(s.flow) + s.pairs + len(s.blocks)
	s.deepest = max(s.deepest, d)
	if s.limit < 0 || d <= s.limit {
		return true
	}
	at := s.i
	if len(s.flow) > 0 {
		at-- // the bracket or colon just consumed
	}
	s.errLine = s.line
	s.errCol = utf8.RuneCount(s.data[s.lineStart:at]) + 1
	return false
}

// skipQuoted skips a quoted scalar, which may span lines, and reports
// whether it ends. An unterminated quote is stepped over alone: go-yaml
// either refuses it before parsing or does not read it as a quote, so
// what follows it is scanned.
func (s *depthScan) skipQuoted(q byte) bool {
	i, line, lineStart := s.i, s.line, s.lineStart
	if s.endQuote(q) {
		return true
	}
	s.i, s.line, s.lineStart = i+1, line, lineStart
	return false
}

func (s *depthScan) endQuote(q byte) bool {
	s.i++
	for s.i < len(s.data) {
		c := s.data[s.i]
		switch {
		case isBreak(c):
			s.newline()
			if s.marker("---") || s.marker("...") {
				return false // go-yaml ends the document, quote or not
			}
		case c == '\\' && q == '"':
			s.i++
			if s.i < len(s.data) && isBreak(s.data[s.i]) {
				s.newline()
			} else {
				s.i++
			}
		case c == q:
			s.i++
			if q == '\'' && s.i < len(s.data) && s.data[s.i] == '\'' {
				s.i++ // '' is a quote inside single quotes
				continue
			}
			return true
		default:
			s.i++
		}
	}
	return false
}

// skipProperty skips a tag or anchor up to the next blank, or flow
// indicator in flow context; go-yaml also ends them at an opening bracket
// in block context.
func (s *depthScan) skipProperty() {
	for s.i < len(s.data) && !s.blankAt(s.i) {
		c := s.data[s.i]
		if c == '[' || c == '{' || (len(s.flow) > 0 && isFlowIndicator(c)) {
			return
		}
		s.i++
	}
}

// blockScalarHeader reports whether | or > at s.i starts a block scalar:
// at most two indicators (digit, + or -), then only blanks or a comment.
func (s *depthScan) blockScalarHeader() bool {
	j := s.i + 1
	for k := 0; k < 2 && j < len(s.data); k++ {
		if c := s.data[j]; c == '+' || c == '-' || (c >= '1' && c <= '9') {
			j++
		}
	}
	for j < len(s.data) {
		switch s.data[j] {
		case ' ', '\t':
			j++
			continue
		case '\n', '\r':
			return true
		case '#':
			return s.blankAt(j - 1)
		}
		return false
	}
	return true
}

// marker reports a document marker at s.i, as go-yaml sees them: "---"
// before a blank, "..." before anything but a fourth dot.
func (s *depthScan) marker(m string) bool {
	if len(s.data)-s.i < 3 || string(s.data[s.i:s.i+3]) != m {
		return false
	}
	if m == "..." {
		return s.at(s.i+3) != '.'
	}
	return s.blankAt(s.i + 3)
}

// blankAt reports whether data[j] is a space, a tab, a line break or past
// the end.
func (s *depthScan) blankAt(j int) bool {
	if j >= len(s.data) {
		return true
	}
	switch s.data[j] {
	case ' ', '\t', '\r', '\n':
		return true
	}
	return false
}

func (s *depthScan) afterBlank() bool {
	return s.i == s.lineStart || s.blankAt(s.i-1)
}

func (s *depthScan) at(j int) byte {
	if j < len(s.data) {
		return s.data[j]
	}
	return 0
}

func closer(open byte) byte {
	if open == '[' {
		return ']'
	}
	return '}'
}

// isIndicator reports characters that cannot start a plain scalar and
// are not handled on their own.
func isIndicator(c byte) bool { return strings.IndexByte("*&!|>@`,]}%", c) >= 0 }

// isWordByte reports bytes after which go-yaml reads a quote as text.
func isWordByte(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == '-' || c == '.' || c >= 0x80
}

func isBreak(c byte) bool { return c == '\n' || c == '\r' }

func isFlowIndicator(c byte) bool {
	return c == ',' || c == '[' || c == ']' || c == '{' || c == '}'
}

func (s *depthScan) skipToEOL() {
	for s.i < len(s.data) && !isBreak(s.data[s.i]) {
		s.i++
	}
}

func (s *depthScan) skipLine() {
	s.skipToEOL()
	if s.i < len(s.data) {
		s.newline()
	}
}

// newline steps over the line break at s.i: \n, \r\n or \r.
func (s *depthScan) newline() {
	if s.data[s.i] == '\r' && s.i+1 < len(s.data) && s.data[s.i+1] == '\n' {
		s.i++
	}
	s.i++
	s.line++
	s.lineStart = s.i
}
