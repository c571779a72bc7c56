package conformance

import (
	"context"
	"crypto/hmac"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"net/http"
	"strings"
)

// Forged tokens are built here, on the client side, so the authentication
// cases need nothing but a real token of the target.

var b64 = base64.RawURLEncoding

func splitJWT(tok string) (header map[string]any, parts []string, err error) {
	parts = strings.Split(tok, ".")
	if len(parts) != 3 {
		return nil, nil, fmt.Errorf("token has %d parts, want 3", len(parts))
	}
	hb, err := b64.DecodeString(parts[0])
	if err != nil {
		return nil, nil, fmt.Errorf("decode token header: %w", err)
	}
	if err := json.Unmarshal(hb, &header); err != nil {
		return nil, nil, fmt.Errorf("decode token header: %w", err)
	}
	return header, parts, nil
}

func encodeSegment(v any) string {
	b, _ := json.Marshal(v)
	return b64.EncodeToString(b)
}

// tamperSignature changes one character in the middle of the signature; the
// last character is avoided because it may only carry padding bits.
func tamperSignature(tok string) (string, error) {
	_, parts, err := splitJWT(tok)
	if err != nil {
		return "", err
	}
	sig := []byte(parts[2])
	if len(sig) < 4 {
		return "", fmt.Errorf("signature too short to tamper with")
	}
	i := len(sig) / 2
	if sig[i] == 'A' {
		sig[i] = 'B'
	} else {
		sig[i] = 'A'
	}
	return parts[0] + "." + parts[1] + "." + string(sig), nil
}

// tamperPayload replaces one claim and keeps the original signature.
func tamperPayload(tok, claim string, value any) (string, error) {
	_, parts, err := splitJWT(tok)
	if err != nil {
		return "", err
	}
	pb, err := b64.DecodeString(parts[1])
	if err != nil {
		return "", fmt.Errorf("decode token payload: %w", err)
	}
	var payload map[string]any
	if err := json.Unmarshal(pb, &payload); err != nil {
		return "", fmt.Errorf("decode token payload: %w", err)
	}
	payload[claim] = value
	return parts[0] + "." + encodeSegment(payload) + "." + parts[2], nil
}

// algNone re-labels the token unsigned: {"alg":"none"} and no signature.
func algNone(tok string) (string, error) {
	h, parts, err := splitJWT(tok)
	if err != nil {
		return "", err
	}
	h["alg"] = "none"
	return encodeSegment(h) + "." + parts[1] + ".", nil
}

// withKid keeps payload and signature but names a key the pool doesn't have.
func withKid(tok, kid string) (string, error) {
	h, parts, err := splitJWT(tok)
	if err != nil {
		return "", err
	}
	h["kid"] = kid
	return encodeSegment(h) + "." + parts[1] + "." + parts[2], nil
}

// hs256WithPublicKey performs the classic key-confusion attack: the token is
// re-signed with HMAC-SHA256 using the pool's published RSA public key (PEM)
// as the secret, which a verifier trusting the header's alg would accept.
func hs256WithPublicKey(ctx context.Context, c *poolClient, tok string) (string, error) {
	h, parts, err := splitJWT(tok)
	if err != nil {
		return "", err
	}
	kid, _ := h["kid"].(string)
	pub, err := fetchJWK(ctx, c, kid)
	if err != nil {
		return "", err
	}
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return "", fmt.Errorf("encode public key: %w", err)
	}
	secret := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
	h["alg"] = "HS256"
	signing := encodeSegment(h) + "." + parts[1]
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(signing))
	return signing + "." + b64.EncodeToString(mac.Sum(nil)), nil
}

// fetchJWK reads the pool's JWKS from {endpoint}/{poolId}/.well-known/jwks.json.
func fetchJWK(ctx context.Context, c *poolClient, kid string) (*rsa.PublicKey, error) {
	url := c.endpoint + "/" + c.pool.UserPoolID + "/.well-known/jwks.json"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, fmt.Errorf("jwks: %w", err)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, skipf("pool's JWKS not reachable: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, skipf("pool's JWKS answered %d", resp.StatusCode)
	}
	var set struct {
		Keys []struct {
			Kid string `json:"kid"`
			Kty string `json:"kty"`
			N   string `json:"n"`
			E   string `json:"e"`
		} `json:"keys"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&set); err != nil {
		return nil, fmt.Errorf("jwks: decode: %w", err)
	}
	for _, k := range set.Keys {
		if k.Kid != kid || k.Kty != "RSA" {
			continue
		}
		n, err1 := b64.DecodeString(k.N)
		e, err2 := b64.DecodeString(k.E)
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("jwks: key %s is not valid base64url", kid)
		}
		return &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}, nil
	}
	return nil, fmt.Errorf("jwks: no RSA key with kid %q", kid)
}
