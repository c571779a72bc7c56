package jws

import (
	"crypto/rsa"
	"fmt"
	"math/big"
)

// JWK is one RSA signing key of a JSON Web Key Set (RFC 7517), with the
// members and member order a user pool's
// /{userPoolId}/.well-known/jwks.json publishes.
type JWK struct {
	Alg string `json:"alg"`
	E   string `json:"e"`
	Kid string `json:"kid"`
	Kty string `json:"kty"`
	N   string `json:"n"`
	Use string `json:"use"`
}

// JWKS is a JSON Web Key Set document.
type JWKS struct {
	Keys []JWK `json:"keys"`
}

// NewJWK describes pub as an RS256 signature key named kid.
func NewJWK(kid string, pub *rsa.PublicKey) JWK {
	return JWK{
		Alg: "RS256",
		E:   Encoding.EncodeToString(big.NewInt(int64(pub.E)).Bytes()),
		Kid: kid,
		Kty: "RSA",
		N:   Encoding.EncodeToString(pub.N.Bytes()),
		Use: "sig",
	}
}

// Key returns the key in set named kid, if set has one.
func (set JWKS) Key(kid string) (JWK, bool) {
	for _, k := range set.Keys {
		if k.Kid == kid {
			return k, true
		}
	}
	return JWK{}, false
}

// PublicKey decodes the RSA public key k describes.
func (k JWK) PublicKey() (*rsa.PublicKey, error) {
	if k.Kty != "RSA" {
		return nil, fmt.Errorf("key %s: kty %q, want RSA", k.Kid, k.Kty)
	}
	n, err := Encoding.DecodeString(k.N)
	if err != nil || len(n) == 0 {
		return nil, fmt.Errorf("key %s: n is not base64url", k.Kid)
	}
	e, err := Encoding.DecodeString(k.E)
	if err != nil || len(e) == 0 || len(e) > 4 {
		return nil, fmt.Errorf("key %s: e is not a base64url exponent", k.Kid)
	}
	return &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}, nil
}
