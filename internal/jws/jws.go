// Package jws splits, encodes and signs the segments of compact JSON Web
// Signatures (RFC 7515), the form of the JWTs a user pool issues. The mock
// mints and verifies its tokens with it; the token pools and the
// conformance suite forge invalid ones from real tokens with it. It uses
// the standard library's crypto only: RS256 signing and the few forgeries
// below are a handful of lines each, and the mock's verification reads the
// segments in place without a JWT library's allocations.
package jws

import (
	"crypto"
	"crypto/hmac"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Encoding is the segment encoding of compact JWS: base64url without
// padding (RFC 7515 §2).
var Encoding = base64.RawURLEncoding

// ErrMalformed reports a token with fewer than three dot-separated
// segments.
var ErrMalformed = errors.New("token has fewer than three dot-separated segments")

// Split cuts a compact token at its first two dots into the header,
// payload and signature segments, without decoding them (the results
// share tok's memory); ok is false when tok has fewer than two dots. A
// further dot stays in the signature, where it is not base64url, so every
// verifier refuses the token when it decodes the signature: not looking
// for it keeps the mock's verification path to two byte scans.
func Split(tok string) (header, payload, signature string, ok bool) {
	d1 := strings.IndexByte(tok, '.')
	if d1 < 0 {
		return "", "", "", false
	}
	rest := tok[d1+1:]
	d2 := strings.IndexByte(rest, '.')
	if d2 < 0 {
		return "", "", "", false
	}
	return tok[:d1], rest[:d2], rest[d2+1:], true
}

// EncodeSegment returns the segment for v: its JSON, base64url encoded.
// v must encode (the header and claim types of this module all do); a
// value that does not gives the segment of null.
func EncodeSegment(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		b = []byte("null")
	}
	return Encoding.EncodeToString(b)
}

// DecodeSegment decodes the JSON inside a segment into v.
func DecodeSegment(seg string, v any) error {
	b, err := Encoding.DecodeString(seg)
	if err != nil {
		return fmt.Errorf("segment is not base64url: %w", err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("segment is not the expected JSON: %w", err)
	}
	return nil
}

// SignRS256 returns the compact token header.payload.signature with an
// RSASSA-PKCS1-v1_5 SHA-256 signature (RFC 7518 §3.3), the only algorithm
// user pools use.
func SignRS256(key *rsa.PrivateKey, header, payload string) (string, error) {
	signing := header + "." + payload
	sum := sha256.Sum256([]byte(signing))
	sig, err := rsa.SignPKCS1v15(nil, key, crypto.SHA256, sum[:])
	if err != nil {
		return "", fmt.Errorf("sign RS256: %w", err)
	}
	return signing + "." + Encoding.EncodeToString(sig), nil
}

// SignHS256 returns the compact token header.payload.signature with an
// HMAC SHA-256 signature (RFC 7518 §3.2) keyed by secret.
func SignHS256(secret []byte, header, payload string) string {
	signing := header + "." + payload
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(signing))
	return signing + "." + Encoding.EncodeToString(m.Sum(nil))
}
