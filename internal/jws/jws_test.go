package jws

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/golang-jwt/jwt/v5"

	"github.com/cogload/cogload/cognito"
)

var testKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

// realToken signs an access-token-like JWT the way a user pool does.
func realToken(t *testing.T) string {
	t.Helper()
	h := EncodeSegment(struct {
		Kid string `json:"kid"`
		Alg string `json:"alg"`
	}{"k1", "RS256"})
	p := EncodeSegment(map[string]any{"sub": "s-1", "username": "alice", "exp": int64(4102444800), "token_use": "access"})
	tok, err := SignRS256(testKey(), h, p)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// verify checks tok with golang-jwt, pinned to RS256 and the test key, as
// an independent verifier would.
func verify(tok string) error {
	_, err := jwt.Parse(tok, func(*jwt.Token) (any, error) { return &testKey().PublicKey, nil },
		jwt.WithValidMethods([]string{"RS256"}))
	return err
}

func TestSignRS256VerifiesWithJWTLibrary(t *testing.T) {
	tok := realToken(t)
	if err := verify(tok); err != nil {
		t.Fatalf("golang-jwt refuses the token: %v", err)
	}
	if !cognito.ValidAccessTokenSyntax(tok) {
		t.Error("token breaks the access token pattern")
	}
}

func TestSplit(t *testing.T) {
	tests := []struct {
		tok     string
		h, p, s string
		ok      bool
	}{
		{tok: "a.b.c", h: "a", p: "b", s: "c", ok: true},
		{tok: "a.b.", h: "a", p: "b", s: "", ok: true},
		{tok: "..", ok: true},
		{tok: "a.b"},
		{tok: "a.b.c.d", h: "a", p: "b", s: "c.d", ok: true},
		{tok: "opaque"},
		{tok: ""},
	}
	for _, tt := range tests {
		h, p, s, ok := Split(tt.tok)
		if ok != tt.ok || h != tt.h || p != tt.p || s != tt.s {
			t.Errorf("Split(%q) = %q, %q, %q, %t; want %q, %q, %q, %t", tt.tok, h, p, s, ok, tt.h, tt.p, tt.s, tt.ok)
		}
	}
}

func FuzzSplit(f *testing.F) {
	for _, s := range []string{"a.b.c", "..", "a.b", "a.b.c.d", "", "eyJ.eyJ."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, tok string) {
		h, p, s, ok := Split(tok)
		if got := strings.Count(tok, ".") >= 2; ok != got {
			t.Fatalf("Split(%q) ok = %t with %d dots", tok, ok, strings.Count(tok, "."))
		}
		if ok && (h+"."+p+"."+s != tok || strings.Contains(h+p, ".")) {
			t.Fatalf("Split(%q) = %q %q %q does not cut at the first two dots", tok, h, p, s)
		}
		if !ok && h+p+s != "" {
			t.Fatalf("Split(%q) failed but returned segments", tok)
		}
	})
}

func TestSegmentRoundTrip(t *testing.T) {
	in := map[string]any{"kid": "k1", "alg": "RS256"}
	var out map[string]any
	if err := DecodeSegment(EncodeSegment(in), &out); err != nil {
		t.Fatal(err)
	}
	if out["kid"] != "k1" || out["alg"] != "RS256" {
		t.Errorf("round trip = %v", out)
	}
	for _, bad := range []string{"!!!", Encoding.EncodeToString([]byte("not json"))} {
		if err := DecodeSegment(bad, &out); err == nil {
			t.Errorf("DecodeSegment(%q) accepted", bad)
		}
	}
}

func TestTamperSignature(t *testing.T) {
	for _, tok := range []string{"aaa.bbb.ccc", "a.b.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "opaque", "x.y.", "a.b.c==", "a.b._-_-", realToken(t)} {
		got := TamperSignature(tok)
		if got == tok {
			t.Errorf("TamperSignature(%q) unchanged", tok)
		}
		if !cognito.ValidAccessTokenSyntax(got) {
			t.Errorf("TamperSignature(%q) = %q breaks the pattern", tok, got)
		}
		if i := strings.LastIndexByte(tok, '.'); i >= 0 && got[:i] != tok[:i] {
			t.Errorf("TamperSignature(%q) = %q changed header or payload", tok, got)
		}
	}
	if err := verify(TamperSignature(realToken(t))); err == nil {
		t.Error("tampered token still verifies")
	}
}

func header(t *testing.T, tok string) map[string]any {
	t.Helper()
	h, _, _, ok := Split(tok)
	if !ok {
		t.Fatalf("%q is not three segments", tok)
	}
	var m map[string]any
	if err := DecodeSegment(h, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestForgeries(t *testing.T) {
	tok := realToken(t)
	_, payload, sig, _ := Split(tok)
	pem, err := PublicKeyPEM(&testKey().PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		forge  func(string) (string, error)
		check  func(t *testing.T, forged string)
		keeps  string // segment kept byte for byte: "payload", "signature", "both"
		header map[string]any
	}{
		{
			name:  "claim",
			forge: func(s string) (string, error) { return WithClaim(s, "username", "mallory") },
			check: func(t *testing.T, forged string) {
				_, p, s, _ := Split(forged)
				var claims map[string]json.RawMessage
				if err := DecodeSegment(p, &claims); err != nil {
					t.Fatal(err)
				}
				if string(claims["username"]) != `"mallory"` || string(claims["exp"]) != "4102444800" {
					t.Errorf("claims = %s", p)
				}
				if s != sig {
					t.Error("signature changed")
				}
			},
			header: map[string]any{"kid": "k1", "alg": "RS256"},
		},
		{
			name:   "kid",
			forge:  func(s string) (string, error) { return WithHeader(s, "kid", "unknown") },
			keeps:  "both",
			header: map[string]any{"kid": "unknown", "alg": "RS256"},
		},
		{
			name:  "alg none",
			forge: AlgNone,
			check: func(t *testing.T, forged string) {
				if !strings.HasSuffix(forged, ".") {
					t.Errorf("alg none token %q has a signature", forged)
				}
			},
			keeps:  "payload",
			header: map[string]any{"kid": "k1", "alg": "none"},
		},
		{
			name:  "hs256",
			forge: func(s string) (string, error) { return HS256(s, pem) },
			check: func(t *testing.T, forged string) {
				// A verifier trusting the header's alg and using the
				// public key PEM as the HMAC secret accepts the forgery.
				_, err := jwt.Parse(forged, func(*jwt.Token) (any, error) { return pem, nil }, jwt.WithValidMethods([]string{"HS256"}))
				if err != nil {
					t.Errorf("confused verifier refuses the forgery: %v", err)
				}
			},
			keeps:  "payload",
			header: map[string]any{"kid": "k1", "alg": "HS256"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			forged, err := tt.forge(tok)
			if err != nil {
				t.Fatal(err)
			}
			if err := verify(forged); err == nil {
				t.Error("the forgery verifies as RS256")
			}
			if got := header(t, forged); len(got) != len(tt.header) || got["kid"] != tt.header["kid"] || got["alg"] != tt.header["alg"] {
				t.Errorf("header = %v, want %v", got, tt.header)
			}
			_, p, s, _ := Split(forged)
			if (tt.keeps == "payload" || tt.keeps == "both") && p != payload {
				t.Error("payload changed")
			}
			if tt.keeps == "both" && s != sig {
				t.Error("signature changed")
			}
			if tt.check != nil {
				tt.check(t, forged)
			}
			if _, err := tt.forge("not-a-token"); !errors.Is(err, ErrMalformed) {
				t.Errorf("forging from a non-token: err = %v, want ErrMalformed", err)
			}
		})
	}
}

func TestJWKRoundTrip(t *testing.T) {
	pub := &testKey().PublicKey
	set := JWKS{Keys: []JWK{NewJWK("k1", pub)}}
	b, err := json.Marshal(set)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(b), `{"keys":[{"alg":"RS256","e":"AQAB","kid":"k1","kty":"RSA","n":"`) || !strings.HasSuffix(string(b), `","use":"sig"}]}`) {
		t.Errorf("JWKS = %s", b)
	}
	var back JWKS
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	k, ok := back.Key("k1")
	if !ok {
		t.Fatal("key k1 not found")
	}
	got, err := k.PublicKey()
	if err != nil {
		t.Fatal(err)
	}
	if !got.Equal(pub) {
		t.Error("decoded key differs")
	}
	if _, ok := back.Key("k2"); ok {
		t.Error("found a key that is not there")
	}
	for _, bad := range []JWK{{Kid: "x", Kty: "EC", N: k.N, E: k.E}, {Kid: "x", Kty: "RSA", N: "!", E: k.E}, {Kid: "x", Kty: "RSA", N: k.N, E: ""}} {
		if _, err := bad.PublicKey(); err == nil {
			t.Errorf("PublicKey(%+v) accepted", bad)
		}
	}
}
