package mock

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/cogload/cogload/internal/input"
	"github.com/cogload/cogload/internal/jws"
	"github.com/cogload/cogload/mock/sidedoor"
)

// FuzzDecodeGUAVC checks the request decoder never panics and agrees with
// encoding/json on every body it accepts.
func FuzzDecodeGUAVC(f *testing.F) {
	for _, s := range []string{
		``, `{}`, `{"AccessToken":"a.b.c","AttributeName":"email"}`,
		`{"AccessToken":"x","AttributeName":"em\u0061il","ClientMetadata":{}}`,
		`{"AccessToken":null,"ClientMetadata":{"k":"v","k2":"\n"}}`,
		`{"Other":[1,{"a":"}"}],"AttributeName":"\""}`, `[]`, `{"AccessToken":5}`, "{\"a\":\"\xff\"}",
		` { "AccessToken" : "t" , "AttributeName" : "phone_number" } `,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		if e := checkJSON(body); e != nil {
			return
		}
		r, e := decodeGUAVC(body)
		var ref struct {
			AccessToken    *string
			AttributeName  *string
			ClientMetadata *map[string]string
		}
		refErr := json.Unmarshal(body, &ref)
		if len(body) == 0 {
			refErr = nil
		}
		if e != nil {
			if refErr == nil && !hasCaseVariant(body) {
				t.Fatalf("decoder refused %q that encoding/json accepts: %v", body, e)
			}
			return
		}
		if refErr != nil || hasCaseVariant(body) {
			return // encoding/json matches member names case-insensitively; we do not
		}
		if (ref.AccessToken != nil) != r.tokenPresent || (ref.AccessToken != nil && *ref.AccessToken != r.in.AccessToken) {
			t.Fatalf("AccessToken of %q: got %q/%v", body, r.in.AccessToken, r.tokenPresent)
		}
		if (ref.AttributeName != nil) != r.namePresent || (ref.AttributeName != nil && *ref.AttributeName != r.in.AttributeName) {
			t.Fatalf("AttributeName of %q: got %q/%v", body, r.in.AttributeName, r.namePresent)
		}
		if (ref.ClientMetadata != nil && *ref.ClientMetadata != nil) != (r.in.ClientMetadata != nil) {
			t.Fatalf("ClientMetadata presence of %q differs", body)
		}
	})
}

// hasCaseVariant reports whether body may hold a member name that differs
// from ours only in case (or is duplicated), where the decoders disagree
// by design.
func hasCaseVariant(body []byte) bool {
	l := strings.ToLower(string(body))
	for _, k := range []string{"accesstoken", "attributename", "clientmetadata"} {
		if strings.Count(l, k) > 1 || (strings.Contains(l, k) && !strings.Contains(string(body), map[string]string{
			"accesstoken": "AccessToken", "attributename": "AttributeName", "clientmetadata": "ClientMetadata"}[k])) {
			return true
		}
	}
	return strings.Contains(l, `\u`) || strings.Contains(l, `\`)
}

var fuzzEnv struct {
	srv    *Server
	minted map[string]bool
}

// FuzzParseAccessToken checks the token parser never panics and accepts
// nothing but the genuine token.
func FuzzParseAccessToken(f *testing.F) {
	if fuzzEnv.srv == nil {
		srv, err := New(&Config{Users: testUsers()}, WithSeed(1), WithClock(func() time.Time { return time.Unix(1_773_000_000, 0) }))
		if err != nil {
			f.Fatal(err)
		}
		fuzzEnv.srv = srv
		fuzzEnv.minted = map[string]bool{}
		for _, k := range sidedoor.Kinds() {
			tok, _, _ := srv.MintToken("", "", "alice", k)
			fuzzEnv.minted[tok] = true
		}
	}
	for tok := range fuzzEnv.minted {
		f.Add(tok)
	}
	f.Add("a.b.c")
	f.Add("..")
	f.Add("eyJhbGciOiJub25lIn0.e30.")
	f.Fuzz(func(t *testing.T, tok string) {
		_, c, ok := fuzzEnv.srv.parseAccessToken(tok)
		if ok && !fuzzEnv.minted[tok] && !mintedVariant(tok) {
			t.Fatalf("accepted a forged token %q (claims %+v)", tok, c)
		}
	})
}

func mintedVariant(tok string) bool {
	for m := range fuzzEnv.minted {
		if sameSignedContent(tok, m) {
			return true
		}
	}
	return false
}

// sameSignedContent allows base64 variants that decode to the same bytes.
func sameSignedContent(a, b string) bool {
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	if len(pa) != 3 || len(pb) != 3 {
		return false
	}
	for i := range pa {
		da, err1 := jws.Encoding.DecodeString(pa[i])
		db, err2 := jws.Encoding.DecodeString(pb[i])
		if err1 != nil || err2 != nil || string(da) != string(db) {
			return false
		}
	}
	return true
}

// FuzzDecodeAccessClaims feeds the claims decoder arbitrary payloads: it
// only ever sees payloads this server signed, but must not panic or hang on
// anything.
func FuzzDecodeAccessClaims(f *testing.F) {
	f.Add([]byte(`{"sub":"s","exp":12,"username":"a\"b"}`))
	f.Add([]byte(`{"a`))
	f.Add([]byte(`{"a":`))
	f.Add([]byte(`{"exp":-}`))
	f.Fuzz(func(t *testing.T, pl []byte) {
		var c accessClaims
		_ = decodeAccessClaims(pl, &c)
	})
}

// FuzzParseConfig checks the pool configuration parser never panics and
// always answers an *input.Error (or several) at a line and column of the
// file. The seed corpus (testdata/fuzz/FuzzParseConfig) holds inputs that
// crashed or stalled go-yaml.
func FuzzParseConfig(f *testing.F) {
	for _, name := range BuiltinNames() {
		data, _ := builtinFS.ReadFile("pools/" + name + ".yaml")
		f.Add(data)
	}
	f.Add([]byte("faults:\n  InternalErrorException: 2\n"))
	f.Add([]byte("latency: {p50: 1s, p99: 1ms}\n"))
	f.Add([]byte("users:\n  list:\n    - {username: a, status: X}\n"))
	f.Add(bytes.Repeat([]byte("["), 200_000))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := ParseConfig("fuzz.yaml", data)
		if err == nil {
			return
		}
		if perr := input.CheckPositioned(err, "fuzz.yaml"); perr != nil {
			t.Fatal(perr)
		}
	})
}
