package quota

import (
	"hash/maphash"
	"sync"
	"time"
)

// shardCount spreads keys over independently locked maps so that concurrent requests
// for different users rarely contend. A power of two keeps the shard pick a mask.
const shardCount = 64

// minSweepEvery bounds how often a shard scans its map for idle keys, so that limiters
// with tiny horizons (1000 rps, burst 1) don't rescan on every call.
const minSweepEvery = int64(time.Second)

// shard is one locked map of per-key state with its own lazy sweep schedule. Sweeping
// deletes only keys whose state equals a fresh one, so eviction never changes an answer;
// memory is bounded by the keys active within about two sweep intervals.
type shard[S any] struct {
	mu        sync.Mutex
	m         map[string]*S
	nextSweep int64
	swept     bool
	_         [40]byte // keep neighbouring shards' locks off one cache line
}

// ops is what a keyed map needs from one kind of limiter: its parameters and the
// operations on one key's state. Passing it as a type parameter (not closures) keeps
// Allow free of allocations.
type ops[S any] interface {
	fresh(now int64) S
	allow(s *S, now int64) bool
	idle(s *S, now int64) bool
}

type keyed[S any, O ops[S]] struct {
	ops        O
	seed       maphash.Seed
	sweepEvery int64
	shards     [shardCount]shard[S]
}

func (k *keyed[S, O]) init(o O, horizon int64) {
	k.ops = o
	k.seed = maphash.MakeSeed()
	k.sweepEvery = max(horizon, minSweepEvery)
	for i := range k.shards {
		k.shards[i].m = make(map[string]*S)
	}
}

// allow applies the limiter to key's state under its shard's lock, creating the state if
// absent, after sweeping idle keys when the shard is due.
func (k *keyed[S, O]) allow(key string, now int64) bool {
	sh := &k.shards[maphash.String(k.seed, key)&(shardCount-1)]
	sh.mu.Lock()
	if !sh.swept || now >= sh.nextSweep {
		if sh.swept {
			for key, s := range sh.m {
				if k.ops.idle(s, now) {
					delete(sh.m, key)
				}
			}
		}
		sh.swept = true
		sh.nextSweep = now + k.sweepEvery
	}
	s, ok := sh.m[key]
	if !ok {
		v := k.ops.fresh(now)
		s = &v
		sh.m[key] = s
	}
	res := k.ops.allow(s, now)
	sh.mu.Unlock()
	return res
}

func (k *keyed[S, O]) reset() {
	for i := range k.shards {
		sh := &k.shards[i]
		sh.mu.Lock()
		clear(sh.m)
		sh.swept = false
		sh.mu.Unlock()
	}
}

func (k *keyed[S, O]) len() int {
	n := 0
	for i := range k.shards {
		sh := &k.shards[i]
		sh.mu.Lock()
		n += len(sh.m)
		sh.mu.Unlock()
	}
	return n
}

type bucketOps struct{ rate, burst float64 }

func (o bucketOps) fresh(now int64) bucketState {
	return bucketState{tokens: o.burst, last: now}
}
func (o bucketOps) allow(s *bucketState, now int64) bool { return s.allow(now, o.rate, o.burst) }
func (o bucketOps) idle(s *bucketState, now int64) bool  { return s.idle(now, o.rate, o.burst) }

type windowOps struct {
	limit   int
	period  int64
	sliding bool
}

func (o windowOps) fresh(int64) windowState { return windowState{} }
func (o windowOps) allow(s *windowState, now int64) bool {
	return s.allow(now, o.limit, o.period, o.sliding)
}
func (o windowOps) idle(s *windowState, now int64) bool { return s.idle(now, o.period, o.sliding) }

// KeyedBuckets is a token bucket per key (per user, per client), created on first use
// and forgotten once it has refilled. The zero value is not usable; call NewKeyedBuckets.
type KeyedBuckets struct {
	unlimited bool
	k         keyed[bucketState, bucketOps]
}

// NewKeyedBuckets returns per-key buckets with NewBucket's parameters and defaults.
func NewKeyedBuckets(rps float64, burst int) *KeyedBuckets {
	rate, b := bucketParams(rps, burst)
	kb := &KeyedBuckets{unlimited: rate == 0}
	var horizon int64 // time for an empty bucket to refill, after which it is idle
	if rate > 0 {
		horizon = int64(b/rate) + 1
	}
	kb.k.init(bucketOps{rate: rate, burst: b}, horizon)
	return kb
}

// Allow reports whether an event for key at now fits key's bucket, consuming a token if so.
func (kb *KeyedBuckets) Allow(key string, now time.Time) bool {
	if kb.unlimited {
		return true
	}
	return kb.k.allow(key, now.UnixNano())
}

// Reset forgets every key.
func (kb *KeyedBuckets) Reset() { kb.k.reset() }

// Len returns how many keys are currently tracked; idle keys linger until the next sweep.
func (kb *KeyedBuckets) Len() int { return kb.k.len() }

// KeyedWindows is a Window per key, created on first use and forgotten once its events
// have left the window. The zero value is not usable; call NewKeyedWindows.
type KeyedWindows struct {
	unlimited bool
	k         keyed[windowState, windowOps]
}

// NewKeyedWindows returns per-key windows with NewWindow's parameters.
func NewKeyedWindows(limit int, period time.Duration, sliding bool) *KeyedWindows {
	if period <= 0 {
		limit = 0
	}
	kw := &KeyedWindows{unlimited: limit <= 0}
	kw.k.init(windowOps{limit: limit, period: int64(period), sliding: sliding}, int64(period))
	return kw
}

// Allow reports whether an event for key at now fits key's window, counting it if so.
func (kw *KeyedWindows) Allow(key string, now time.Time) bool {
	if kw.unlimited {
		return true
	}
	return kw.k.allow(key, now.UnixNano())
}

// Reset forgets every key.
func (kw *KeyedWindows) Reset() { kw.k.reset() }

// Len returns how many keys are currently tracked; idle keys linger until the next sweep.
func (kw *KeyedWindows) Len() int { return kw.k.len() }
