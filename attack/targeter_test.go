package attack

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strings"
	"sync"
	"testing"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/cogload/cogload/cognito"
	"github.com/cogload/cogload/scenarios"
	"github.com/cogload/cogload/tokens"
)

// testPlan builds a plan whose variants are the product of pools ×
// attributes × metadata, each pool holding inline tokens.
func testPlan(pools []scenarios.TokenPool, attrs []scenarios.Attribute, md []scenarios.MetadataVariant, stages ...scenarios.Stage) *scenarios.Plan {
	p := &scenarios.Plan{Name: "test", Seed: 7, TokenPools: pools, Attributes: attrs, Metadata: md, Stages: stages, Timeout: 2e9}
	var sum float64
	for i, tp := range pools {
		for j, a := range attrs {
			for k, m := range md {
				w := tp.Weight * a.Weight * m.Weight
				sum += w
				p.Variants = append(p.Variants, scenarios.Variant{Index: len(p.Variants), TokenPool: i, Attribute: j, Metadata: k, Weight: w})
			}
		}
	}
	for i := range p.Variants {
		p.Variants[i].Weight /= sum
	}
	return p
}

func setOf(t testing.TB, plan *scenarios.Plan, toks ...[]string) *tokens.Set {
	t.Helper()
	var pools []*tokens.Pool
	for i, tp := range plan.TokenPools {
		pools = append(pools, tokens.NewPool(tp, toks[i], plan.Seed+int64(i)))
	}
	return tokens.NewSet(pools...)
}

func pool(name string, w float64, c scenarios.Checkout) scenarios.TokenPool {
	return scenarios.TokenPool{Name: name, Weight: w, Kind: scenarios.KindValid, Checkout: c, Source: scenarios.TokenSource{Kind: scenarios.SourceInline}}
}

var (
	oneAttr = []scenarios.Attribute{{Name: "email", Weight: 1}}
	absent  = scenarios.MetadataVariant{Name: "none", Weight: 1, Absent: true}
)

func TestTargeterBody(t *testing.T) {
	md := []scenarios.MetadataVariant{
		absent,
		{Name: "empty", Weight: 1, Values: map[string]string{}},
		{Name: "kv", Weight: 1, Values: map[string]string{"b": "2", "a": `q"1`}},
	}
	plan := testPlan([]scenarios.TokenPool{pool("p", 1, scenarios.CheckoutSequential)},
		[]scenarios.Attribute{{Name: "phone_number", Weight: 1}}, md)
	set := setOf(t, plan, []string{`tok"\1`})
	tr, err := NewTargeter(plan, set, "http://127.0.0.1:9229/")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`{"AccessToken":"tok\"\\1","AttributeName":"phone_number"}`,
		`{"AccessToken":"tok\"\\1","AttributeName":"phone_number","ClientMetadata":{}}`,
		`{"AccessToken":"tok\"\\1","AttributeName":"phone_number","ClientMetadata":{"a":"q\"1","b":"2"}}`,
	}
	seen := map[int]bool{}
	for range 200 {
		var tgt vegeta.Target
		if err := tr.Target(&tgt); err != nil {
			t.Fatal(err)
		}
		v := VariantOf(tgt.URL)
		if tgt.URL != fmt.Sprintf("http://127.0.0.1:9229/#v=%d", v) || tgt.Method != http.MethodPost {
			t.Fatalf("target %s %s", tgt.Method, tgt.URL)
		}
		if string(tgt.Body) != want[v] {
			t.Fatalf("variant %d body\n%s\nwant\n%s", v, tgt.Body, want[v])
		}
		var in cognito.GetUserAttributeVerificationCodeInput
		if err := json.Unmarshal(tgt.Body, &in); err != nil || in.AccessToken != `tok"\1` {
			t.Fatalf("body does not decode: %v", err)
		}
		if tgt.Header.Get("Content-Type") != cognito.ContentType || tgt.Header.Get("X-Amz-Target") != "AWSCognitoIdentityProviderService.GetUserAttributeVerificationCode" {
			t.Fatalf("headers %v", tgt.Header)
		}
		seen[v] = true
	}
	if len(seen) != 3 {
		t.Errorf("saw variants %v, want all 3", seen)
	}
	if err := tr.Target(nil); !errors.Is(err, vegeta.ErrNilTarget) {
		t.Errorf("Target(nil) = %v", err)
	}
	for _, bad := range []string{"127.0.0.1:9229", "http://h/#x", "ftp://h", "http://h/?a=1"} {
		if _, err := NewTargeter(plan, set, bad); err == nil {
			t.Errorf("endpoint %q accepted", bad)
		}
	}
}

func TestTargeterWeightsAndDeterminism(t *testing.T) {
	pools := []scenarios.TokenPool{pool("a", 0.7, scenarios.CheckoutRandom), pool("b", 0.2, scenarios.CheckoutRandom), pool("c", 0.1, scenarios.CheckoutRandom), pool("zero", 0, scenarios.CheckoutRandom)}
	plan := testPlan(pools, []scenarios.Attribute{{Name: "email", Weight: 3}, {Name: "custom:x", Weight: 1}}, []scenarios.MetadataVariant{absent})
	set := setOf(t, plan, []string{"a"}, []string{"b"}, []string{"c"}, []string{"z"})
	tr1, _ := NewTargeter(plan, set, "http://h")
	tr2, _ := NewTargeter(plan, set, "http://h")
	other := *plan
	other.Seed = 8
	tr3, _ := NewTargeter(&other, set, "http://h")
	const n = 200000
	counts := make([]float64, len(plan.Variants))
	differs := 0
	for seq := range uint64(n) {
		v := tr1.Pick(seq)
		if v != tr2.Pick(seq) {
			t.Fatal("same seed and seq picked different variants")
		}
		if v != tr3.Pick(seq) {
			differs++
		}
		counts[v]++
	}
	if differs < n/4 {
		t.Errorf("another seed changed only %d of %d picks", differs, n)
	}
	for i, v := range plan.Variants {
		got := counts[i] / n
		if sd := math.Sqrt(v.Weight * (1 - v.Weight) / n); math.Abs(got-v.Weight) > 5*sd+1e-9 {
			t.Errorf("variant %d picked %.4f, weight %.4f", i, got, v.Weight)
		}
	}
}

func TestTargeterExhaustion(t *testing.T) {
	pools := []scenarios.TokenPool{pool("once", 0.9, scenarios.CheckoutExclusive), pool("once2", 0.1, scenarios.CheckoutExclusive)}
	plan := testPlan(pools, oneAttr, []scenarios.MetadataVariant{absent})
	set := setOf(t, plan, []string{"x1", "x2", "x3"}, []string{"y1", "y2"})
	tr, _ := NewTargeter(plan, set, "http://h")
	seen := map[string]int{}
	for range 5 {
		var tgt vegeta.Target
		if err := tr.Target(&tgt); err != nil {
			t.Fatalf("exhausted early: %v", err)
		}
		var in cognito.GetUserAttributeVerificationCodeInput
		_ = json.Unmarshal(tgt.Body, &in)
		seen[in.AccessToken]++
		// The variant tag follows the pool the token came from.
		if want := map[byte]int{'x': 0, 'y': 1}[in.AccessToken[0]]; VariantOf(tgt.URL) != want {
			t.Errorf("token %s tagged variant %d", in.AccessToken, VariantOf(tgt.URL))
		}
	}
	if len(seen) != 5 {
		t.Errorf("tokens handed out %v, want each of 5 once", seen)
	}
	var tgt vegeta.Target
	if err := tr.Target(&tgt); !errors.Is(err, vegeta.ErrNoTargets) {
		t.Errorf("after exhaustion: %v, want ErrNoTargets", err)
	}
}

func TestVariantOf(t *testing.T) {
	for u, want := range map[string]int{"http://h/#v=12": 12, "http://h/": -1, "http://h/#v=": -1, "http://h/#v=-1": -1, "http://h/#v=x": -1} {
		if got := VariantOf(u); got != want {
			t.Errorf("VariantOf(%q) = %d, want %d", u, got, want)
		}
	}
}

func FuzzVariantOf(f *testing.F) {
	f.Add("http://h/#v=3")
	f.Fuzz(func(t *testing.T, u string) {
		if v := VariantOf(u); v < -1 {
			t.Fatal(v)
		}
	})
}

// BenchmarkTargeter measures the per-hit cost vegeta counts as latency
// (expect 1 alloc/op: the body).
func BenchmarkTargeter(b *testing.B) {
	pools := []scenarios.TokenPool{pool("a", 0.5, scenarios.CheckoutSequential), pool("b", 0.5, scenarios.CheckoutRandom)}
	md := []scenarios.MetadataVariant{absent, {Name: "empty", Weight: 1, Values: map[string]string{}}}
	plan := testPlan(pools, []scenarios.Attribute{{Name: "email", Weight: 1}, {Name: "phone_number", Weight: 1}}, md)
	tok := tokens.Garbage(100, 1, 1)
	tr, err := NewTargeter(plan, setOf(b, plan, tok, tok), "http://127.0.0.1:9229")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		var tgt vegeta.Target
		for pb.Next() {
			if err := tr.Target(&tgt); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func TestTargeterConcurrentExclusive(t *testing.T) {
	plan := testPlan([]scenarios.TokenPool{pool("once", 1, scenarios.CheckoutExclusive), pool("many", 1, scenarios.CheckoutSequential)},
		oneAttr, []scenarios.MetadataVariant{absent})
	once := make([]string, 500)
	for i := range once {
		once[i] = fmt.Sprintf("once-%d", i)
	}
	tr, _ := NewTargeter(plan, setOf(t, plan, once, []string{"many-1", "many-2"}), "http://h")
	var (
		mu   sync.Mutex
		seen = map[string]int{}
		wg   sync.WaitGroup
	)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 250 {
				var tgt vegeta.Target
				if err := tr.Target(&tgt); err != nil {
					t.Error(err)
					return
				}
				var in cognito.GetUserAttributeVerificationCodeInput
				_ = json.Unmarshal(tgt.Body, &in)
				mu.Lock()
				seen[in.AccessToken]++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	for tok, n := range seen {
		if strings.HasPrefix(tok, "once-") && n != 1 {
			t.Errorf("exclusive token %s used %d times", tok, n)
		}
	}
	if seen["many-1"]+seen["many-2"] < 1000 {
		t.Errorf("sequential pool served %d of at least 1000", seen["many-1"]+seen["many-2"])
	}
}
