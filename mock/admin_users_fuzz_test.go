package mock

import (
	"strings"
	"testing"
)

// FuzzParseUserFilter checks ListUsers' filter parser never panics, keeps
// to the searchable attributes, and that a filter written from a parsed
// one parses back the same.
func FuzzParseUserFilter(f *testing.F) {
	for _, s := range []string{``, `username = "bob"`, `email ^= "a\"b"`, `cognito:user_status="CONFIRMED"`,
		`status = "Enabled"`, `custom:x = "1"`, `email = bob`, `email ^= "\\"`, `  sub=""  `, "email = \"\xff\""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		uf, e := parseUserFilter(s)
		if e != nil || uf.attr == "" {
			return
		}
		if !strings.Contains(strings.Join(searchable, " "), uf.attr) {
			t.Fatalf("%q parsed to unsearchable attribute %q", s, uf.attr)
		}
		op := "="
		if uf.prefix {
			op = "^="
		}
		quoted := `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(uf.value) + `"`
		again, e := parseUserFilter(uf.attr + " " + op + " " + quoted)
		if e != nil || again != uf {
			t.Fatalf("%q: %+v, written back: %+v %v", s, uf, again, e)
		}
	})
}

// FuzzPageToken checks the pagination token never panics and round-trips.
func FuzzPageToken(f *testing.F) {
	f.Add("")
	f.Add(encodePageToken(42))
	f.Add("bm90LWEtdG9rZW4")
	f.Fuzz(func(t *testing.T, s string) {
		n, err := decodePageToken(s)
		if err != nil {
			return
		}
		if n < 0 {
			t.Fatalf("%q decoded to %d", s, n)
		}
		if m, err := decodePageToken(encodePageToken(n)); err != nil || m != n {
			t.Fatalf("%d does not round-trip", n)
		}
	})
}
