package tokens

import (
	"math/rand/v2"

	"github.com/cogload/cogload/internal/jws"
)

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
			return jws.Encoding.EncodeToString(b)
		}
		out[i] = seg(20, 60) + "." + seg(300, 700) + "." + seg(256, 256)
	}
	return out
}
