package scenarios

import (
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"regexp"
	"strings"

	"github.com/cogload/cogload/domain"
)

const defaultKeySize = 8

const genAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

// generateMetadata makes g.Keys entries from a stream seeded by the plan's
// seed and the variant's name, so a seed reproduces the same bodies and
// two generated variants differ. Keys carry their index so they never
// collide whatever the random part.
func generateMetadata(seed int64, name string, g GenerateSpec) map[string]string {
	h := fnv.New64a()
	h.Write([]byte(name))
	r := rand.New(rand.NewPCG(uint64(seed), h.Sum64()))
	out := make(map[string]string, g.Keys)
	width := len(fmt.Sprint(g.Keys - 1))
	for i := range g.Keys {
		prefix := fmt.Sprintf("k%0*d-", width, i)
		key := prefix
		if g.KeySize > len(prefix) {
			key += randString(r, g.KeySize-len(prefix))
		}
		out[key] = randString(r, g.ValueSize)
	}
	return out
}

func randString(r *rand.Rand, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = genAlphabet[r.IntN(len(genAlphabet))]
	}
	return string(b)
}

var secretKeyLike = regexp.MustCompile(`(?i)pass(word|wd)?|secret|token|api[-_]?key|credential|private`)

// looksSecret reports whether a metadata entry looks like a credential:
// ClientMetadata is neither stored encrypted nor hidden by Cognito, and
// is passed to Lambda triggers as is.
func looksSecret(k, v string) bool {
	return domain.HasToken(v) || (secretKeyLike.MatchString(k) && v != "")
}

// Shown is the variant's values as every rendering of a plan shows them
// (the resolved scenario, validate's plan and its JSON): a value that
// looks like a credential is Redacted. The requests carry the values
// themselves.
func (m MetadataVariant) Shown() map[string]string {
	if m.Values == nil {
		return nil
	}
	out := make(map[string]string, len(m.Values))
	for k, v := range m.Values {
		if looksSecret(k, v) {
			v = Redacted
		}
		out[domain.ReplaceTokens(k, Redacted)] = v
	}
	return out
}

func (c *compiler) warnings() {
	sends := false
	for i, m := range c.plan.Metadata {
		if !m.Absent {
			sends = true
		}
		for k, v := range m.Values {
			if looksSecret(k, v) {
				c.plan.Warnings = append(c.plan.Warnings, fmt.Sprintf("metadata[%d] %s: key %q looks like a secret; ClientMetadata is passed to triggers unencrypted and is not stored, so never send real credentials", i, m.Name, k))
				break
			}
		}
	}
	if sends && c.plan.Target.Mock {
		withTrigger := false
		for _, p := range c.plan.Target.Pools {
			if strings.Contains(p, "trigger") || strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml") {
				withTrigger = true
			}
		}
		if !withTrigger {
			c.plan.Warnings = append(c.plan.Warnings, "ClientMetadata variants have no effect on pools without a custom-message trigger ("+strings.Join(c.plan.Target.Pools, ", ")+"); they still exercise request validation and size")
		}
	}
	if c.plan.ExceedsSafeRate() {
		c.plan.Warnings = append(c.plan.Warnings, fmt.Sprintf("peak rate %.4g req/s exceeds the target's maxRate %.4g req/s: a run is refused unless acknowledged", c.plan.PeakRate(), c.plan.Target.MaxRate))
	}
}
