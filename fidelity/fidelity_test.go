package fidelity

import (
	"errors"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/cogload/cogload/aggregate"
	"github.com/cogload/cogload/compare"
)

const resolved = `name: NAME
target: TARGET
tokenPools: [{name: valid, weight: 1, size: 10, kind: valid, checkout: sequential}]
attributes: [{name: email, weight: 1}]
load: {seed: 3, stages: [{duration: 2s, rate: RATE}]}
`

func resolvedFor(name, target, rate string) []byte {
	return []byte(strings.NewReplacer("NAME", name, "TARGET", target, "RATE", rate).Replace(resolved))
}

// run is a summary with the given outcome counts of one variant, each
// outcome's latencies uniform within ±10% of its median (ms).
func run(t *testing.T, id string, counts map[string]uint64, median map[string]float64) *aggregate.Summary {
	t.Helper()
	s := &aggregate.Summary{Schema: aggregate.Schema, Run: aggregate.RunMeta{ID: id, Scenario: "s"},
		Variants: []aggregate.VariantResult{{VariantKey: aggregate.VariantKey{TokenPool: "valid", Attribute: "email", Metadata: "absent"}}}}
	r := rand.New(rand.NewPCG(uint64(len(id)), 9))
	for o, n := range counts {
		s.Counts = append(s.Counts, aggregate.CountCell{Outcome: o, Count: n})
		h := aggregate.NewHistogram()
		for range n {
			_ = h.RecordValue(int64(median[o] * 1e3 * (0.9 + 0.2*r.Float64())))
		}
		enc, _ := aggregate.EncodeHistogram(h)
		g := aggregate.Group{Name: o, Requests: n, Histogram: enc}
		// As the aggregator states them (aggregate's latencyOf).
		g.Latency.Count = uint64(h.TotalCount())
		g.Latency.P50Ms = float64(h.ValueAtQuantile(50)) / 1e3
		g.Latency.P99Ms = float64(h.ValueAtQuantile(99)) / 1e3
		s.Breakdown.Outcomes = append(s.Breakdown.Outcomes, g)
		s.Totals.Requests += n
		s.Variants[0].Requests += n
		if o == "ok" {
			s.Totals.OK += n
			s.Variants[0].OK += n
		} else {
			s.Totals.Errors += n
			s.Variants[0].Errors += n
		}
	}
	return s
}

func TestMeasure(t *testing.T) {
	real := Run{run(t, "real", map[string]uint64{"ok": 900, "InternalErrorException": 100}, map[string]float64{"ok": 80, "InternalErrorException": 100}), resolvedFor("weekly", "{endpoint: {url: 'http://h'}}", "5")}
	same := Run{run(t, "mock-same", map[string]uint64{"ok": 890, "InternalErrorException": 110}, map[string]float64{"ok": 81, "InternalErrorException": 99}), resolvedFor("nightly", "{mock: {}}", "5")}
	slow := Run{run(t, "mock-slow", map[string]uint64{"ok": 700, "InternalErrorException": 300}, map[string]float64{"ok": 160, "InternalErrorException": 100}), resolvedFor("nightly", "{mock: {}}", "5")}
	few := Run{run(t, "mock-few", map[string]uint64{"ok": 20}, map[string]float64{"ok": 160}), resolvedFor("nightly", "{mock: {}}", "5")}

	rep, err := Measure(real, same, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Verdict != Same {
		t.Errorf("like runs judged %s: %+v", rep.Verdict, rep)
	}
	rep, err = Measure(real, slow, Options{Rules: []compare.Rule{mustRule(t, "p50>+10%"), mustRule(t, "error_rate>+1pp")}})
	if err != nil {
		t.Fatal(err)
	}
	verdicts := map[string]string{}
	for _, l := range rep.Latency {
		verdicts["latency "+l.Outcome] = l.Verdict
	}
	for _, l := range rep.Outcomes {
		verdicts["share "+l.Outcome] = l.Verdict
	}
	verdicts["variant"] = rep.Variants[0].Verdict
	for line, want := range map[string]string{"latency ok": Differs, "latency InternalErrorException": Same, "share ok": Differs, "variant": Differs} {
		if verdicts[line] != want {
			t.Errorf("%s: %s, want %s", line, verdicts[line], want)
		}
	}
	if rep.Verdict != Differs || !rep.Breached() {
		t.Errorf("verdict %s, rules %+v", rep.Verdict, rep.Rules)
	}
	rep, err = Measure(real, few, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Latency[0].Verdict != FewSamples || rep.Variants[0].Verdict != FewSamples {
		t.Errorf("20 requests judged %s / %s", rep.Latency[0].Verdict, rep.Variants[0].Verdict)
	}
}

func TestMeasureRefusesDifferentPlans(t *testing.T) {
	a := Run{run(t, "a", map[string]uint64{"ok": 10}, map[string]float64{"ok": 1}), resolvedFor("x", "{mock: {}}", "5")}
	b := Run{run(t, "b", map[string]uint64{"ok": 10}, map[string]float64{"ok": 1}), resolvedFor("x", "{mock: {}}", "6")}
	if _, err := Measure(a, b, Options{}); !errors.Is(err, ErrDifferentPlans) {
		t.Fatalf("Measure() = %v, want ErrDifferentPlans", err)
	}
}

func mustRule(t *testing.T, s string) compare.Rule {
	t.Helper()
	r, err := compare.ParseRule(s)
	if err != nil {
		t.Fatal(err)
	}
	return r
}
