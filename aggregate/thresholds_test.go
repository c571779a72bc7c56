package aggregate_test

import (
	"strings"
	"testing"

	"github.com/cogload/cogload/aggregate"
	"github.com/cogload/cogload/internal/reportfixture"
	"github.com/cogload/cogload/scenarios"
)

func TestEvaluateThresholds(t *testing.T) {
	s := reportfixture.Summary(t)
	// Expected values come from the fixture (see TestAggregatorMatchesBruteForce
	// for the brute-force check of the underlying numbers).
	th := func(metric string, filter map[string]string, op string, v float64) scenarios.Threshold {
		return scenarios.Threshold{Metric: metric, Filter: filter, Op: op, Value: v}
	}
	f := func(kv ...string) map[string]string {
		m := map[string]string{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	tests := []struct {
		name     string
		th       scenarios.Threshold
		pass     bool
		observed float64
		note     string // substring of the note; "" means no note
	}{
		{"p99 below", th("latency.p99", nil, "<", 0.3), true, s.Overall.Latency.P99Ms / 1e3, ""},
		{"p99 above", th("latency.p99", nil, "<", 0.01), false, s.Overall.Latency.P99Ms / 1e3, ""},
		{"max", th("latency.max", nil, ">=", 1.2), true, s.Overall.Latency.MaxMs / 1e3, ""},
		{"p99.9", th("latency.p99.9", nil, ">", 1.1), true, s.Overall.Latency.P999Ms / 1e3, ""},
		{"latency by stage", th("latency.p50", f("stage", "warmup"), "<", 1), true, s.Breakdown.Stages[0].Latency.P50Ms / 1e3, ""},
		{"latency by code", th("latency.max", f("code", "ok"), ">", 1), true, okGroup(s).Latency.MaxMs / 1e3, ""},
		{"latency by code below", th("latency.p50", f("code", "InternalErrorException"), "<", 0.02), true, s.Breakdown.Outcomes[len(s.Breakdown.Outcomes)-1].Latency.P50Ms / 1e3, ""},
		{"requests", th("requests", nil, "==", 300), true, 300, ""},
		{"requests in stage", th("requests", f("stage", "ramp"), "==", 200), true, 200, ""},
		{"requests of one code", th("requests", f("code", "InternalErrorException"), "==", 4), true, 4, ""},
		{"errors by code", th("errors", f("code", "InternalErrorException"), "==", 0), false, 4, ""},
		{"errors by code and pool", th("errors", f("code", "InternalErrorException", "token_pool", "tampered"), "==", 0), true, 0, ""},
		{"errors of a known code never seen", th("errors", f("code", "CodeDeliveryFailureException"), "==", 0), true, 0, ""},
		{"errors (verdict)", th("errors", nil, "<=", 4), true, 4, ""},
		{"violations", th("violations", nil, "==", 0), false, 12, ""},
		{"violations of a pool", th("violations", f("token_pool", "valid"), "==", 0), true, 0, ""},
		{"throttle rate", th("throttle_rate", nil, "<", 0.1), true, 18.0 / 300, ""},
		{"violation rate by pool+attr", th("violation_rate", f("token_pool", "tampered", "attribute", "email"), "<", 0.5), true, 6.0 / 74, ""},
		{"ok rate", th("ok_rate", nil, ">", 0.4), true, s.Totals.OKRate, ""},
		{"outcome rate", th("outcome_rate", f("code", "TooManyRequestsException"), "<", 0.07), true, 18.0 / 300, ""},
		{"rate", th("rate", nil, ">", 14), true, 300 / s.Totals.SendWindowS, ""},
		{"rate of a stage", th("rate", f("stage", "warmup"), "==", 10), true, 10, ""},
		{"unknown pool fails", th("error_rate", f("token_pool", "nosuch"), "<", 1), false, 0, `no token pool named "nosuch"`},
		{"unknown stage fails", th("latency.p99", f("stage", "cooldown"), "<", 10), false, 0, `no stage named "cooldown"`},
		{"unknown attribute fails", th("requests", f("attribute", "Email"), ">", 0), false, 0, `no attribute named "Email"`},
		{"unknown metadata fails", th("requests", f("metadata", "x"), ">", 0), false, 0, `no metadata named "x"`},
		{"misspelt code fails", th("errors", f("code", "InternalError"), "==", 0), false, 0, `unknown code "InternalError"`},
		{"unknown key fails", th("errors", f("pool", "valid"), "==", 0), false, 0, `unknown filter key "pool"`},
		{"unknown metric fails", th("latency.p42", nil, "<", 1), false, 0, `unknown metric "latency.p42"`},
		{"unknown count metric fails", th("bogus", nil, "<", 1), false, 0, `unknown metric "bogus"`},
		{"two-filter latency fails", th("latency.p99", f("stage", "ramp", "token_pool", "valid"), "<", 10), false, 0, "at most one filter"},
		{"outcome_rate without code fails", th("outcome_rate", nil, "<", 1), false, 0, "needs a code filter"},
		{"bad operator fails", th("requests", nil, "=~", 1), false, 0, "unknown operator"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := aggregate.EvaluateThresholds(s, []scenarios.Threshold{tc.th})[0]
			if r.Pass != tc.pass {
				t.Errorf("pass = %v, want %v (observed %v %s, note %q)", r.Pass, tc.pass, r.Observed, r.ObservedText, r.Note)
			}
			if tc.note == "" {
				if r.Note != "" {
					t.Errorf("unexpected note %q", r.Note)
				}
				if d := r.Observed - tc.observed; d > 1e-9 || d < -1e-9 {
					t.Errorf("observed = %v, want %v", r.Observed, tc.observed)
				}
			} else if !strings.Contains(r.Note, tc.note) {
				t.Errorf("note = %q, want it to contain %q", r.Note, tc.note)
			}
			if r.Expr == "" {
				t.Errorf("empty expression")
			}
		})
	}
}

func TestEvaluateThresholdsEmptyRun(t *testing.T) {
	a := aggregate.NewAggregator(reportfixture.Plan(), reportfixture.Start)
	s, err := a.Summary(aggregate.RunMeta{})
	if err != nil {
		t.Fatal(err)
	}
	res := aggregate.EvaluateThresholds(s, []scenarios.Threshold{
		{Metric: "latency.p99", Op: "<", Value: 1},
		{Metric: "error_rate", Op: "<", Value: 0.01},
		{Metric: "errors", Op: "==", Value: 0},
	})
	if res[0].Pass || res[1].Pass || !strings.Contains(res[0].Note, "no requests") {
		t.Errorf("latency/rate over no requests must fail with a note: %+v %+v", res[0], res[1])
	}
	if !res[2].Pass {
		t.Errorf("a count of zero errors over no requests holds: %+v", res[2])
	}
}

func TestThresholdRoundTrip(t *testing.T) {
	in := scenarios.Threshold{Expr: "x", Metric: "errors", Filter: map[string]string{"code": "ok"}, Op: "<", Value: 3, Pos: "f:1:2"}
	r := aggregate.EvaluateThresholds(reportfixture.Summary(t), []scenarios.Threshold{in})[0]
	out := r.Threshold()
	if out.Expr != in.Expr || out.Metric != in.Metric || out.Filter["code"] != "ok" || out.Op != in.Op || out.Value != in.Value || out.Pos != in.Pos {
		t.Errorf("round trip = %+v", out)
	}
	if got := aggregate.ThresholdExpr(scenarios.Threshold{Metric: "latency.p99", Filter: map[string]string{"stage": "a"}, Op: "<", Value: 0.3}); got != "latency.p99{stage=a} < 300ms" {
		t.Errorf("thresholdExpr = %q", got)
	}
}

func okGroup(s *aggregate.Summary) aggregate.Group {
	for _, g := range s.Breakdown.Outcomes {
		if g.Name == "ok" {
			return g
		}
	}
	return aggregate.Group{}
}

// TestThresholdsFromParser checks that what the scenario parser produces
// is what the evaluator expects (units, metric names, filter keys).
func TestThresholdsFromParser(t *testing.T) {
	s := reportfixture.Summary(t)
	for _, tc := range []struct {
		expr string
		pass bool
	}{
		{"latency.p99 < 300ms", true},
		{"latency.p99 < 10ms", false},
		{"throttle_rate < 10%", true},
		{"errors{code=InternalErrorException} == 0", false},
		{"violations{token_pool=valid} == 0", true},
		{"rate >= 14", true},
	} {
		th, err := scenarios.ParseThreshold(tc.expr)
		if err != nil {
			t.Fatalf("%s: %v", tc.expr, err)
		}
		r := aggregate.EvaluateThresholds(s, []scenarios.Threshold{th})[0]
		if r.Pass != tc.pass || r.Note != "" {
			t.Errorf("%s: pass %v (observed %s, note %q), want %v", tc.expr, r.Pass, r.ObservedText, r.Note, tc.pass)
		}
	}
}
