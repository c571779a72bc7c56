package mock

import (
	"bytes"
	"encoding/binary"
)

// plainPrefix returns how many leading bytes of b are "plain" string
// content: printable ASCII other than '"' and '\'. Tokens are ~1 KB of such
// bytes, scanned several times per request, so it tests eight bytes per
// step (SWAR) and finishes byte by byte.
func plainPrefix(b []byte) int {
	const (
		ones  = 0x0101010101010101
		highs = 0x8080808080808080
	)
	i := 0
	for ; i+8 <= len(b); i += 8 {
		w := binary.LittleEndian.Uint64(b[i:])
		// Any byte >= 0x80, < 0x20, == '"' or == '\' sets its high bit in
		// special; the test is exact as a whole-word yes/no.
		special := w |
			((w - 0x20*ones) &^ w) |
			(((w ^ '"'*ones) - ones) &^ (w ^ '"'*ones)) |
			(((w ^ '\\'*ones) - ones) &^ (w ^ '\\'*ones))
		if special&highs != 0 {
			break
		}
	}
	for ; i < len(b); i++ {
		if c := b[i]; c < 0x20 || c >= 0x80 || c == '"' || c == '\\' {
			return i
		}
	}
	return i
}

// hasBackslash reports whether b holds an escape.
func hasBackslash(b []byte) bool { return bytes.IndexByte(b, '\\') >= 0 }
