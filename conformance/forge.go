package conformance

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/cogload/cogload/cognito"
	"github.com/cogload/cogload/internal/jws"
)

// Forged tokens are built on the client side (internal/jws), so the
// authentication cases need nothing but a real token of the target.

// hs256WithPublicKey performs the classic key-confusion attack: the token is
// re-signed with HMAC-SHA256 using the pool's published RSA public key (PEM)
// as the secret, which a verifier trusting the header's alg would accept.
func hs256WithPublicKey(ctx context.Context, c *poolClient, tok string) (string, error) {
	h, _, _, ok := jws.Split(tok)
	if !ok {
		return "", jws.ErrMalformed
	}
	var hd struct {
		Kid string `json:"kid"`
	}
	if err := jws.DecodeSegment(h, &hd); err != nil {
		return "", fmt.Errorf("token header: %w", err)
	}
	pub, err := fetchJWK(ctx, c, hd.Kid)
	if err != nil {
		return "", err
	}
	secret, err := jws.PublicKeyPEM(pub)
	if err != nil {
		return "", err
	}
	return jws.HS256(tok, secret)
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
	var set jws.JWKS
	if err := json.NewDecoder(resp.Body).Decode(&set); err != nil {
		return nil, fmt.Errorf("jwks: decode: %w", err)
	}
	k, ok := set.Key(kid)
	if !ok {
		return nil, fmt.Errorf("jwks: no key with kid %q", kid)
	}
	pub, err := k.PublicKey()
	if err != nil {
		return nil, fmt.Errorf("jwks: %w", err)
	}
	return pub, nil
}

// foreignIssuer re-signs a real token's claims with a fresh RSA key under
// a kid no JWKS lists, naming as issuer a user pool that does not exist:
// a token of an issuer the endpoint does not know.
func foreignIssuer(tok, region string) (string, error) {
	_, payload, _, ok := jws.Split(tok)
	if !ok {
		return "", jws.ErrMalformed
	}
	var claims map[string]any
	if err := jws.DecodeSegment(payload, &claims); err != nil {
		return "", fmt.Errorf("token payload: %w", err)
	}
	claims["iss"] = cognito.Issuer(region, region+"_c0gl0adF0re1gn")
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return "", fmt.Errorf("generate a key: %w", err)
	}
	header := jws.EncodeSegment(map[string]string{"kid": "cogload-foreign-" + randomHex(8), "alg": "RS256"})
	return jws.SignRS256(key, header, jws.EncodeSegment(claims))
}
