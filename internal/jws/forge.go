package jws

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"strings"
)

// The forgeries below derive, from a real token, tokens a correct verifier
// must refuse. They keep every segment they do not name byte for byte, so
// the only thing wrong with the result is the one thing changed.

const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

// TamperSignature returns tok with one character of its signature (the
// part after the last '.') changed, so it no longer verifies but keeps the
// shape of a token. The character changed is in the middle: the last
// base64url character may carry only padding bits, which lenient decoders
// ignore, so changing it might not change the signature at all. A token
// without a signature gets a bogus one.
func TamperSignature(tok string) string {
	start := strings.LastIndexByte(tok, '.') + 1
	sig := tok[start:]
	if len(sig) == 0 {
		return tok + "AAAA"
	}
	b := []byte(tok)
	i := start + len(sig)/2
	if j := strings.IndexByte(alphabet, b[i]); j >= 0 {
		b[i] = alphabet[(j+17)%64]
	} else {
		b[i] = 'A'
	}
	return string(b)
}

// WithClaim replaces one claim of tok's payload and keeps its header and
// signature, which therefore no longer match.
func WithClaim(tok, claim string, value any) (string, error) {
	h, p, sig, err := edit(tok, 1, claim, value)
	if err != nil {
		return "", err
	}
	return h + "." + p + "." + sig, nil
}

// WithHeader replaces one member of tok's header (kid, alg) and keeps its
// payload and signature.
func WithHeader(tok, member string, value any) (string, error) {
	h, p, sig, err := edit(tok, 0, member, value)
	if err != nil {
		return "", err
	}
	return h + "." + p + "." + sig, nil
}

// AlgNone relabels tok unsigned: header alg "none" and an empty signature
// (RFC 7519 §6), which a verifier trusting the header would accept.
func AlgNone(tok string) (string, error) {
	h, p, _, err := edit(tok, 0, "alg", "none")
	if err != nil {
		return "", err
	}
	return h + "." + p + ".", nil
}

// HS256 re-signs tok with HMAC SHA-256 keyed by secret, header alg "HS256".
// With the issuer's public key as the secret (PublicKeyPEM) this is the
// key-confusion attack on verifiers that take the algorithm from the token.
func HS256(tok string, secret []byte) (string, error) {
	h, p, _, err := edit(tok, 0, "alg", "HS256")
	if err != nil {
		return "", err
	}
	return SignHS256(secret, h, p), nil
}

// PublicKeyPEM encodes pub as the PEM "PUBLIC KEY" block (PKIX) that JWT
// libraries load verification keys from.
func PublicKeyPEM(pub *rsa.PublicKey) ([]byte, error) {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, fmt.Errorf("encode public key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), nil
}

// edit sets member to value in segment seg (0 header, 1 payload) of tok
// and returns the three segments. The other members keep their JSON as
// written (numbers are not rounded through float64).
func edit(tok string, seg int, member string, value any) (header, payload, signature string, err error) {
	parts := [3]string{}
	var ok bool
	parts[0], parts[1], parts[2], ok = Split(tok)
	if !ok {
		return "", "", "", ErrMalformed
	}
	var obj map[string]json.RawMessage
	if err := DecodeSegment(parts[seg], &obj); err != nil {
		return "", "", "", fmt.Errorf("token %s: %w", [...]string{"header", "payload"}[seg], err)
	}
	if obj == nil {
		obj = map[string]json.RawMessage{}
	}
	v, err := json.Marshal(value)
	if err != nil {
		return "", "", "", fmt.Errorf("encode %s: %w", member, err)
	}
	obj[member] = v
	parts[seg] = EncodeSegment(obj)
	return parts[0], parts[1], parts[2], nil
}
