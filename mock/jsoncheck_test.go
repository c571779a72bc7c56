package mock

import (
	"strings"
	"testing"
)

// jsonCheckCases are bodies on both sides of every rule checkJSON enforces.
var jsonCheckCases = []string{
	`{}`, ` {} `, "\t{\n}\r\n", `{"a":1}`, `{"a":-0.5e+10,"b":[true,false,null,"x"]}`,
	`{"a":"\u00e9\n\"\\\/\b\f\r\t"}`, `{"a":"é日本🙂"}`, `{"a":{"b":[{"c":[]}]}}`,
	`{"AccessToken":"a.b.c","AttributeName":"email","ClientMetadata":{"k":"v"}}`,
	// rejected
	``, ` `, `[]`, `"x"`, `1`, `null`, `{`, `}`, `{"a"}`, `{"a":}`, `{"a":1,}`, `{,}`, `{"a":1}}`,
	`{"a":1} x`, `{"a":01}`, `{"a":1.}`, `{"a":.5}`, `{"a":1e}`, `{"a":-}`, `{"a":+1}`, `{"a":tru}`,
	`{"a":nul}`, `{"a":"\x"}`, `{"a":"\u12"}`, `{"a":"\u12g4"}`, "{\"a\":\"\x01\"}", `{"a":"unterminated}`,
	`{a:1}`, `{"a":[1,]}`, `{"a":[,1]}`, `{"a" 1}`, `{"a":1 "b":2}`, "{\"a\":\"\xff\"}", "{\"a\":\"\xed\xa0\x80\"}",
	"{\"a\":\"\xc0\xaf\"}", "{\"a\":1}\xff", "\xef\xbb\xbf{}", "{\"a\":1}\x00", `{"a":[1]]`, `{"a":{]}`,
	strings.Repeat(`{"a":`, MaxJSONDepth-1) + "1" + strings.Repeat("}", MaxJSONDepth-1),
	strings.Repeat(`{"a":`, MaxJSONDepth) + "1" + strings.Repeat("}", MaxJSONDepth),
	strings.Repeat(`{"a":`, MaxJSONDepth+1) + "1" + strings.Repeat("}", MaxJSONDepth+1),
	`{"a":` + strings.Repeat("[", MaxJSONDepth-1) + strings.Repeat("]", MaxJSONDepth-1) + `}`,
	`{"a":` + strings.Repeat("[", MaxJSONDepth) + strings.Repeat("]", MaxJSONDepth) + `}`,
	strings.Repeat(`{"a":`, 10001) + "1" + strings.Repeat("}", 10001),
	strings.Repeat(`{"a":`, 100) + "1" + strings.Repeat("}", 99),
	strings.Repeat(`{"a":`, 100) + "\"\xff\"" + strings.Repeat("}", 100),
}

// TestCheckJSONOnePassAgrees holds the one-pass check to the three-pass
// reference on every case: same verdict, and so the same message.
func TestCheckJSONOnePassAgrees(t *testing.T) {
	accepted, rejected := 0, 0
	for _, body := range jsonCheckCases {
		checkOnePassAgrees(t, []byte(body))
		if checkJSONSlow([]byte(body)) == nil {
			accepted++
		} else {
			rejected++
		}
	}
	// Guard against a table that only exercises one side.
	if accepted < 9 || rejected < 30 {
		t.Fatalf("table covers %d accepted and %d rejected bodies", accepted, rejected)
	}
}

func checkOnePassAgrees(t *testing.T, body []byte) {
	t.Helper()
	ref := checkJSONSlow(body)
	fast := len(body) == 0 || validRequestJSON(body)
	if fast != (ref == nil) {
		t.Fatalf("one pass says valid=%v, reference says %v for %q", fast, ref, trimForLog(body))
	}
	got := checkJSON(body)
	if (got == nil) != (ref == nil) || (got != nil && (got.Type != ref.Type || got.Message != ref.Message)) {
		t.Fatalf("checkJSON = %v, reference %v for %q", got, ref, trimForLog(body))
	}
}

func trimForLog(b []byte) []byte {
	if len(b) > 200 {
		return b[:200]
	}
	return b
}

// FuzzCheckJSONOnePass is the differential fuzz target: the one-pass check
// must accept exactly what the reference accepts.
func FuzzCheckJSONOnePass(f *testing.F) {
	for _, s := range jsonCheckCases {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		checkOnePassAgrees(t, body)
	})
}

func BenchmarkCheckJSON(b *testing.B) {
	body := []byte(`{"AccessToken":"` + strings.Repeat("eyJraWQiOiJ", 100) + `","AttributeName":"email"}`)
	b.Run("onepass", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		defer cpuMeter(b)()
		for b.Loop() {
			if checkJSON(body) != nil {
				b.Fatal("rejected")
			}
		}
	})
	b.Run("reference", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		defer cpuMeter(b)()
		for b.Loop() {
			if checkJSONSlow(body) != nil {
				b.Fatal("rejected")
			}
		}
	})
}
