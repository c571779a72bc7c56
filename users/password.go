package users

import (
	cryptorand "crypto/rand"
	"math/rand/v2"

	"github.com/cogload/cogload/idpclient"
)

// Character classes of generated passwords. The symbols are the policy's
// symbols that need no quoting in a CSV file or a shell.
const (
	upper   = "ABCDEFGHJKLMNPQRSTUVWXYZ"
	lower   = "abcdefghijkmnopqrstuvwxyz"
	digits  = "23456789"
	symbols = "!#%*+-.:=?@^_~"
)

// passwordLength is the length of generated passwords when the policy
// asks for less.
const passwordLength = 24

// NewPassword returns a random password that meets policy: at least
// policy.MinimumLength (and 24) characters with an upper-case and a
// lower-case letter, a digit and a symbol, whatever the policy requires.
// The generator is ChaCha8 keyed from crypto/rand.
func NewPassword(policy idpclient.PasswordPolicy) string {
	var seed [32]byte
	_, _ = cryptorand.Read(seed[:]) // never fails (crypto/rand documents it)
	r := rand.New(rand.NewChaCha8(seed))
	pick := func(set string) byte { return set[r.IntN(len(set))] }
	n := max(policy.MinimumLength, passwordLength)
	all := upper + lower + digits + symbols
	b := []byte{pick(upper), pick(lower), pick(digits), pick(symbols)}
	for len(b) < n {
		b = append(b, pick(all))
	}
	r.Shuffle(len(b), func(i, j int) { b[i], b[j] = b[j], b[i] })
	return string(b)
}
