package mock

import (
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unsafe"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"

	"github.com/cogload/cogload/cognito"
	"github.com/cogload/cogload/mock/sidedoor"
)

// verifyOK runs the full access-token check at the env's clock.
func verifyOK(e *env, tok string) *cognito.Error {
	_, ce := e.srv.verifyAccess(&call{now: e.clock.Now()}, tok)
	return ce
}

// TestSigCacheTamperedVariantsRejected caches a genuine token, then sends
// variants differing in one byte, truncated, extended or recombined. Each
// must get exactly the verdict of a server that verifies every request.
func TestSigCacheTamperedVariantsRejected(t *testing.T) {
	e := newEnv(t, nil)
	ref, err := New(&Config{Name: "test", Users: testUsers()}, WithSeed(1), WithClock(e.clock.Now), WithSignatureCache(false))
	if err != nil {
		t.Fatal(err)
	}
	if ref.sigs != nil {
		t.Fatal("WithSignatureCache(false) left the cache on")
	}
	tok := e.mint("alice", sidedoor.KindAccess)
	for range 2 { // the second call is served from the cache
		if ce := verifyOK(e, tok); ce != nil {
			t.Fatalf("genuine token: %v", ce)
		}
	}
	if e.srv.sigs.len() != 1 {
		t.Fatalf("cache holds %d entries after one token, want 1", e.srv.sigs.len())
	}
	if _, ce := ref.verifyAccess(&call{now: e.clock.Now()}, tok); ce != nil {
		t.Fatalf("reference server refuses the genuine token: %v", ce)
	}
	parts := strings.Split(tok, ".")
	var variants []string
	for i := 0; i < len(tok); i += 3 {
		if tok[i] == '.' {
			continue
		}
		for _, r := range []byte{'A', 'z', '_'} {
			if tok[i] != r {
				variants = append(variants, tok[:i]+string(r)+tok[i+1:])
				break
			}
		}
	}
	variants = append(variants,
		tok[:len(tok)-1], tok+"A", tok+".", "."+tok, strings.TrimSuffix(tok, parts[2]),
		parts[0]+"."+parts[1]+"."+parts[2][:len(parts[2])-4]+"AAAA",
		e.mint("alice", sidedoor.KindAlgNone), e.mint("alice", sidedoor.KindHS256), e.mint("alice", sidedoor.KindUnknownKid),
		parts[0]+"."+strings.Split(e.mint("bob", sidedoor.KindAccess), ".")[1]+"."+parts[2], // bob's claims, alice's signature
	)
	rejected := 0
	for _, v := range variants {
		_, refErr := ref.verifyAccess(&call{now: e.clock.Now()}, v)
		for pass := range 2 {
			got := verifyOK(e, v)
			if (got == nil) != (refErr == nil) {
				t.Fatalf("variant %d…: cached server says %v (pass %d), reference %v", len(v), got, pass, refErr)
			}
		}
		if refErr != nil {
			rejected++
		}
	}
	// A base64 character's unused low bits can change without changing the
	// decoded signature; anything else must fail.
	if rejected < len(variants)*9/10 {
		t.Fatalf("only %d of %d tampered variants were rejected", rejected, len(variants))
	}
}

// TestSigCacheExpiryStillChecked: a cached token stops working when the
// injected clock passes its exp.
func TestSigCacheExpiryStillChecked(t *testing.T) {
	e := newEnv(t, nil)
	tok := e.mint("alice", sidedoor.KindAccess)
	if ce := verifyOK(e, tok); ce != nil {
		t.Fatal(ce)
	}
	if _, err := e.guavc(tok, "email", nil); err != nil {
		t.Fatalf("cached token before expiry: %v", err)
	}
	e.clock.Advance(24 * time.Hour)
	if e.srv.sigs.len() == 0 {
		t.Fatal("token was not cached")
	}
	_, err := e.guavc(tok, "email", nil)
	wantAPIError(t, err, cognito.ErrNotAuthorized, cognito.MsgAccessTokenExpired)
}

// TestSigCacheRevocationAndUserStateStillChecked: sign-out and disabling
// the user reach cached tokens.
func TestSigCacheRevocationAndUserStateStillChecked(t *testing.T) {
	e := newEnv(t, nil)
	tok, _, _ := e.login("alice")
	if _, err := e.guavc(tok, "email", nil); err != nil {
		t.Fatalf("GUAVC: %v", err)
	}
	if _, err := e.c.GlobalSignOut(e.ctx(), &cip.GlobalSignOutInput{AccessToken: aws.String(tok)}); err != nil {
		t.Fatalf("GlobalSignOut: %v", err)
	}
	_, err := e.guavc(tok, "email", nil)
	wantAPIError(t, err, cognito.ErrNotAuthorized, cognito.MsgAccessTokenRevoked)

	bobTok, _, _ := e.login("bob")
	if _, err := e.guavc(bobTok, "email", nil); err != nil {
		t.Fatalf("GUAVC bob: %v", err)
	}
	u := e.srv.def.users.get("bob")
	u.mu.Lock()
	u.enabled = false
	u.mu.Unlock()
	_, err = e.guavc(bobTok, "email", nil)
	wantAPIError(t, err, cognito.ErrNotAuthorized, cognito.MsgAccessTokenRevoked)
}

// TestSigCacheInvalidatedWhenKeysChange: adding a pool stores a new key
// set, after which older entries miss and tokens are verified again.
func TestSigCacheInvalidatedWhenKeysChange(t *testing.T) {
	e := newEnv(t, nil)
	tok := e.mint("alice", sidedoor.KindAccess)
	if ce := verifyOK(e, tok); ce != nil {
		t.Fatal(ce)
	}
	ref, _, _ := e.srv.parseAccessToken(tok)
	before := e.srv.headers.Load()
	if _, ok := e.srv.sigs.get(tok, ref.key, before); !ok {
		t.Fatal("genuine token not cached")
	}
	if _, err := e.srv.addPool((&Config{Name: "second"}).withDefaults()); err != nil {
		t.Fatal(err)
	}
	after := e.srv.headers.Load()
	if after == before {
		t.Fatal("adding a pool kept the key set")
	}
	if _, ok := e.srv.sigs.get(tok, ref.key, after); ok {
		t.Fatal("entry survived a key change")
	}
	if ce := verifyOK(e, tok); ce != nil {
		t.Fatalf("re-verification after a key change: %v", ce)
	}
	if _, ok := e.srv.sigs.get(tok, ref.key, after); !ok {
		t.Fatal("re-verified token not cached under the new key set")
	}
	other, _ := cachedKey("foreign")
	if _, ok := e.srv.sigs.get(tok, other, after); ok {
		t.Fatal("entry matched under another key")
	}
}

// TestSigCacheBounded fills a small cache far past capacity.
func TestSigCacheBounded(t *testing.T) {
	const capacity = 4 * sigCacheShards
	c := newSigCache(capacity)
	keys := &map[string]keyRef{}
	k, _ := cachedKey("foreign")
	for i := range 20 * capacity {
		c.put("tok"+strconv.Itoa(i), k, keys, accessClaims{Username: strconv.Itoa(i)})
		if n := c.len(); n > capacity {
			t.Fatalf("cache holds %d entries after %d puts, capacity %d", n, i+1, capacity)
		}
	}
	last := "tok" + strconv.Itoa(20*capacity-1)
	if cl, ok := c.get(last, k, keys); !ok || cl.Username != strconv.Itoa(20*capacity-1) {
		t.Fatalf("latest entry missing or wrong: %+v %v", cl, ok)
	}
	if _, ok := c.get("tok-never", k, keys); ok {
		t.Fatal("hit for a token never stored")
	}
	if sz := unsafe.Sizeof(sigShard{}); sz%64 != 0 {
		t.Fatalf("sigShard is %d bytes; pad it to a multiple of 64", sz)
	}
}

// TestSigCacheConcurrent hammers a tiny cache (constant eviction) with
// genuine and tampered tokens from several goroutines; run with -race.
func TestSigCacheConcurrent(t *testing.T) {
	e := newEnv(t, nil)
	e.srv.sigs = newSigCache(sigCacheShards) // one entry per shard
	var good []string
	for _, u := range []string{"alice", "bob", "alice"} {
		good = append(good, e.mint(u, sidedoor.KindAccess))
	}
	bad := good[0][:len(good[0])-10] + "AAAAAAAAAA"
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for g := range 4 {
		wg.Go(func() {
			for i := range 40 {
				tok := good[(g+i)%len(good)]
				if ce := verifyOK(e, tok); ce != nil {
					errs <- "genuine token refused: " + ce.Error()
					return
				}
				if verifyOK(e, bad) == nil {
					errs <- "tampered token accepted"
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for msg := range errs {
		t.Fatal(msg)
	}
}
