package mock

import "testing"

func plainPrefixRef(b []byte) int {
	for i, c := range b {
		if c < 0x20 || c >= 0x80 || c == '"' || c == '\\' {
			return i
		}
	}
	return len(b)
}

// TestPlainPrefix places every byte value at every offset of a 24-byte
// plain run and compares with the byte-by-byte definition.
func TestPlainPrefix(t *testing.T) {
	for c := range 256 {
		for pos := range 24 {
			b := []byte("abcdefghijklmnopqrstuvwx")
			b[pos] = byte(c)
			if got, want := plainPrefix(b), plainPrefixRef(b); got != want {
				t.Fatalf("byte %#x at %d: got %d, want %d", c, pos, got, want)
			}
		}
	}
}

func FuzzPlainPrefix(f *testing.F) {
	f.Add([]byte(`eyJraWQiOiJ"x`))
	f.Add([]byte("\x7f\x80\x1f\x20!\"#[\\]"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if got, want := plainPrefix(b), plainPrefixRef(b); got != want {
			t.Fatalf("%q: got %d, want %d", b, got, want)
		}
	})
}
