package mock

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"sync"

	"github.com/cogload/cogload/internal/jws"
)

// signingKey is one RSA key of a pool with its precomputed JWT header.
type signingKey struct {
	kid  string
	priv *rsa.PrivateKey
	pub  *rsa.PublicKey
	// header is the base64url JWT header the mock mints with this key; a
	// token carrying exactly these bytes skips header decoding.
	header string
}

// keyCache keeps generated keys for the life of the process: 2048-bit
// generation takes tens of milliseconds and tests create many servers.
var keyCache struct {
	sync.Mutex
	keys map[string]*keyPromise
}

type keyPromise struct {
	once sync.Once
	key  *signingKey
	err  error
}

// cachedKey returns the key for id (seed, pool index and use), generating it
// on first use.
func cachedKey(id string) (*signingKey, error) {
	keyCache.Lock()
	if keyCache.keys == nil {
		keyCache.keys = map[string]*keyPromise{}
	}
	p := keyCache.keys[id]
	if p == nil {
		p = &keyPromise{}
		keyCache.keys[id] = p
	}
	keyCache.Unlock()
	p.once.Do(func() {
		priv, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			p.err = fmt.Errorf("generate RSA key: %w", err)
			return
		}
		p.key = newSigningKey(priv)
	})
	return p.key, p.err
}

func newSigningKey(priv *rsa.PrivateKey) *signingKey {
	der, _ := x509.MarshalPKIXPublicKey(&priv.PublicKey)
	sum := sha256.Sum256(der)
	kid := base64.StdEncoding.EncodeToString(sum[:])
	// Cognito writes kid before alg.
	hdr := jws.EncodeSegment(struct {
		Kid string `json:"kid"`
		Alg string `json:"alg"`
	}{kid, "RS256"})
	return &signingKey{kid: kid, priv: priv, pub: &priv.PublicKey, header: hdr}
}

// generateKeys makes n keys concurrently (cached by ids).
func generateKeys(ids ...string) ([]*signingKey, error) {
	out := make([]*signingKey, len(ids))
	errs := make([]error, len(ids))
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Go(func() { out[i], errs[i] = cachedKey(id) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (k *signingKey) jwk() jws.JWK { return jws.NewJWK(k.kid, k.pub) }
