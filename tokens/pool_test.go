package tokens

import (
	"fmt"
	"sync"
	"testing"

	"github.com/cogload/cogload/scenarios"
)

func poolOf(c scenarios.Checkout, n int, seed int64) *Pool {
	toks := make([]string, n)
	for i := range toks {
		toks[i] = fmt.Sprintf("t%d", i)
	}
	return NewPool(scenarios.TokenPool{Name: "p", Checkout: c}, toks, seed)
}

func TestNextSequential(t *testing.T) {
	p := poolOf(scenarios.CheckoutSequential, 3, 1)
	var got []string
	for seq := range uint64(7) {
		tok, ok := p.Next(seq)
		if !ok {
			t.Fatal("sequential pool exhausted")
		}
		got = append(got, tok)
	}
	if fmt.Sprint(got) != "[t0 t1 t2 t0 t1 t2 t0]" {
		t.Errorf("got %v", got)
	}
}

func TestNextRandom(t *testing.T) {
	a, b, c := poolOf(scenarios.CheckoutRandom, 10, 1), poolOf(scenarios.CheckoutRandom, 10, 1), poolOf(scenarios.CheckoutRandom, 10, 2)
	counts := map[string]int{}
	same, diff := true, false
	for seq := range uint64(10000) {
		x, _ := a.Next(seq)
		y, _ := b.Next(seq)
		z, _ := c.Next(seq)
		same = same && x == y
		diff = diff || x != z
		counts[x]++
	}
	if !same {
		t.Error("same seed and seq gave different tokens")
	}
	if !diff {
		t.Error("another seed gave the same sequence")
	}
	for tok, n := range counts {
		if n < 800 || n > 1200 {
			t.Errorf("token %s drawn %d times of 10000 (want about 1000)", tok, n)
		}
	}
	if len(counts) != 10 {
		t.Errorf("%d distinct tokens drawn, want 10", len(counts))
	}
}

func TestNextExclusiveConcurrent(t *testing.T) {
	const n = 500
	p := poolOf(scenarios.CheckoutExclusive, n, 1)
	var (
		mu   sync.Mutex
		seen = map[string]int{}
		wg   sync.WaitGroup
		fail int
	)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 100 {
				tok, ok := p.Next(uint64(g*100 + i))
				mu.Lock()
				if ok {
					seen[tok]++
				} else {
					fail++
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(seen) != n || fail != 300 {
		t.Fatalf("%d distinct tokens, %d refusals; want %d and 300", len(seen), fail, n)
	}
	for tok, c := range seen {
		if c != 1 {
			t.Errorf("token %s handed out %d times", tok, c)
		}
	}
	if !p.Exhausted() || p.Remaining() != 0 {
		t.Error("pool not reported exhausted")
	}
	if _, ok := p.Next(0); ok {
		t.Error("exhausted pool handed out a token")
	}
}

func TestNextEmpty(t *testing.T) {
	for _, c := range []scenarios.Checkout{scenarios.CheckoutSequential, scenarios.CheckoutRandom, scenarios.CheckoutExclusive} {
		if _, ok := poolOf(c, 0, 1).Next(3); ok {
			t.Errorf("%s: empty pool handed out a token", c)
		}
	}
}

func BenchmarkNext(b *testing.B) {
	for _, c := range []scenarios.Checkout{scenarios.CheckoutSequential, scenarios.CheckoutRandom} {
		b.Run(string(c), func(b *testing.B) {
			p := poolOf(c, 1000, 1)
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				var i uint64
				for pb.Next() {
					i++
					p.Next(i)
				}
			})
		})
	}
}
