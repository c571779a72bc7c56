package mock

import (
	"hash/maphash"
	"strings"
	"sync"
)

// Signature cache sizing: 64 shards keep two cores from contending on one
// lock; 16,384 entries bound the memory at about 1.5 KiB per entry (the
// ~1 KB token, its decoded claims and the map slot; measured), about
// 24 MiB when full. A load test reuses far fewer tokens than that.
const (
	sigCacheShards   = 64
	sigCacheCapacity = 1 << 14
)

// sigCache remembers access tokens whose RS256 signature this server has
// verified, so a load test sending the same token many times pays for the
// RSA arithmetic once. Only the token's own bytes are vouched for: a hit
// needs the full token string to be equal (the hash only picks the slot),
// the same signing key and the same key set as when it was verified.
// Everything that can change over time (expiry against the injected clock,
// client, scope, revocation, the user's state) is not cached and is checked
// by verifyAccess on every request.
type sigCache struct {
	seed     maphash.Seed
	perShard int
	shards   [sigCacheShards]sigShard
}

type sigShard struct {
	mu sync.RWMutex
	m  map[uint64]*sigEntry
	// Padding keeps neighbouring shards' locks off one cache line.
	_ [32]byte
}

// sigEntry is one verified token. keys is the key set (s.headers) it was
// verified under: any change of keys stores a new map, which makes every
// older entry a miss without a sweep.
type sigEntry struct {
	tok    string
	key    *signingKey
	keys   *map[string]keyRef
	claims accessClaims
}

// newSigCache makes a cache holding at most capacity tokens.
func newSigCache(capacity int) *sigCache {
	c := &sigCache{seed: maphash.MakeSeed(), perShard: max(1, capacity/sigCacheShards)}
	for i := range c.shards {
		c.shards[i].m = make(map[uint64]*sigEntry)
	}
	return c
}

func (c *sigCache) shard(h uint64) *sigShard { return &c.shards[h%sigCacheShards] }

// get returns the claims of tok if it was verified under key within the key
// set keys.
func (c *sigCache) get(tok string, key *signingKey, keys *map[string]keyRef) (accessClaims, bool) {
	h := maphash.String(c.seed, tok)
	sh := c.shard(h)
	sh.mu.RLock()
	e := sh.m[h]
	sh.mu.RUnlock()
	if e == nil || e.key != key || e.keys != keys || e.tok != tok {
		return accessClaims{}, false
	}
	return e.claims, true
}

// put records a verified token. A full shard drops one entry chosen by
// Go's randomised map iteration: cheap, and no pattern of tokens can pin
// the cache.
func (c *sigCache) put(tok string, key *signingKey, keys *map[string]keyRef, claims accessClaims) {
	h := maphash.String(c.seed, tok)
	// A copy, so the entry never aliases a caller's buffer.
	e := &sigEntry{tok: strings.Clone(tok), key: key, keys: keys, claims: claims}
	sh := c.shard(h)
	sh.mu.Lock()
	if _, ok := sh.m[h]; !ok && len(sh.m) >= c.perShard {
		for k := range sh.m {
			delete(sh.m, k)
			break
		}
	}
	sh.m[h] = e
	sh.mu.Unlock()
}

// len counts the entries (tests).
func (c *sigCache) len() int {
	n := 0
	for i := range c.shards {
		sh := &c.shards[i]
		sh.mu.RLock()
		n += len(sh.m)
		sh.mu.RUnlock()
	}
	return n
}
