package tokens

import (
	"encoding/base64"
	"math/rand/v2"
	"strings"
)

const b64url = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

// Tamper returns tok with its signature (the part after the last '.')
// altered so that it no longer verifies but still matches the access token
// pattern. The character changed is in the middle of the signature: the
// last base64url character may carry only padding bits, which lenient
// decoders ignore, so changing it might not change the signature at all.
func Tamper(tok string) string {
	start := strings.LastIndexByte(tok, '.') + 1
	sig := tok[start:]
	if len(sig) == 0 {
		return tok + "AAAA"
	}
	b := []byte(tok)
	i := start + len(sig)/2
	if j := strings.IndexByte(b64url, b[i]); j >= 0 {
		b[i] = b64url[(j+17)%64]
	} else {
		b[i] = 'A'
	}
	return string(b)
}

// Garbage returns n random strings shaped like a JWT (three base64url
// segments), deterministic for seed and stream, that match the access token
// pattern but were never issued.
func Garbage(n int, seed int64, stream uint64) []string {
	rng := rand.New(rand.NewPCG(uint64(seed), stream^0x6761726261676521))
	out := make([]string, n)
	for i := range out {
		seg := func(lo, hi int) string {
			b := make([]byte, lo+rng.IntN(hi-lo+1))
			for k := range b {
				b[k] = byte(rng.Uint32())
			}
			return base64.RawURLEncoding.EncodeToString(b)
		}
		out[i] = seg(20, 60) + "." + seg(300, 700) + "." + seg(256, 256)
	}
	return out
}
