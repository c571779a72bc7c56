package compare

import (
	"strings"
	"testing"

	"github.com/cogload/cogload/scenarios"
)

func TestParseRule(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want Rule
		err  string // substring of the error; "" means success
	}{
		{in: "p99>+10%", want: Rule{Metric: "latency.p99", Op: ">", Mode: RuleRelative, Value: 10}},
		{in: " latency.p99.9 >= +2.5% ", want: Rule{Metric: "latency.p99.9", Op: ">=", Mode: RuleRelative, Value: 2.5}},
		{in: "throttle_rate>+1pp", want: Rule{Metric: "throttle_rate", Op: ">", Mode: RulePoints, Value: 1}},
		{in: "achieved_rate<-5%", want: Rule{Metric: "achieved_rate", Op: "<", Mode: RuleRelative, Value: -5}},
		{in: "rate<-5%", want: Rule{Metric: "achieved_rate", Op: "<", Mode: RuleRelative, Value: -5}},
		{in: "p99>300", want: Rule{Metric: "latency.p99", Op: ">", Mode: RuleAbsolute, Value: 300}},
		{in: "p99>300ms", want: Rule{Metric: "latency.p99", Op: ">", Mode: RuleAbsolute, Value: 300}},
		{in: "max>1.5s", want: Rule{Metric: "latency.max", Op: ">", Mode: RuleAbsolute, Value: 1500}},
		{in: "mean>500us", want: Rule{Metric: "latency.mean", Op: ">", Mode: RuleAbsolute, Value: 0.5}},
		{in: "error_rate>1%", want: Rule{Metric: "error_rate", Op: ">", Mode: RuleAbsolute, Value: 0.01}},
		{in: "violation_rate>0", want: Rule{Metric: "violation_rate", Op: ">", Mode: RuleAbsolute, Value: 0}},
		{in: "achieved_rate<95/s", want: Rule{Metric: "achieved_rate", Op: "<", Mode: RuleAbsolute, Value: 95}},
		{in: "throttle_rate>+50%", want: Rule{Metric: "throttle_rate", Op: ">", Mode: RuleRelative, Value: 50}},
		{in: "p99", err: "want METRIC>BOUND"},
		{in: "p98>+10%", err: `unknown metric "p98"`},
		{in: "requests>+10%", err: `unknown metric "requests"`},
		{in: "p99>", err: "missing bound"},
		{in: "p99>+10", err: "write +X%"},
		{in: "p99>+1pp", err: "pp (percentage points) applies to rates"},
		{in: "throttle_rate>1pp", err: "needs a sign"},
		{in: "error_rate>5", err: "fraction 0..1"},
		{in: "error_rate>101%", err: "0% to 100%, not 101%"},
		{in: "throttle_rate<100.5%", err: "0% to 100%"},
		{in: "error_rate>100%", want: Rule{Metric: "error_rate", Op: ">", Mode: RuleAbsolute, Value: 1}},
		{in: "p99>+x%", err: "not a number"},
		{in: "p99>+NaN%", err: "not a number"},
		{in: "p99>fast", err: "not a number"},
	}
	for _, tt := range tests {
		got, err := ParseRule(tt.in)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("ParseRule(%q) error = %v, want it to contain %q", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseRule(%q): %v", tt.in, err)
			continue
		}
		tt.want.Expr = strings.TrimSpace(tt.in)
		if got != tt.want {
			t.Errorf("ParseRule(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
}

// FuzzParseRule: any input parses or fails cleanly, and a parsed rule's
// canonical form parses back to the same rule.
func FuzzParseRule(f *testing.F) {
	for _, s := range []string{"p99>+10%", "throttle_rate>+1pp", "p99>300ms", "error_rate>1%", "achieved_rate<-5%", "max>=1.5s", "p50<", "<>", "+%pp"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseRule(s)
		if err != nil {
			return
		}
		back, err := ParseRule(r.String())
		if err != nil {
			t.Fatalf("ParseRule(%q) = %+v, but its String %q does not parse: %v", s, r, r.String(), err)
		}
		back.Expr, r.Expr = "", ""
		if back != r {
			t.Fatalf("round trip of %q: %+v became %+v via %q", s, r, back, r.String())
		}
	})
}

// TestOneMetricVocabulary: every metric a comparison shows is named as in
// thresholds, and every metric a rule may name is judged.
func TestOneMetricVocabulary(t *testing.T) {
	t.Parallel()
	for _, m := range metrics {
		sm, ok := scenarios.LookupMetric(m.name)
		if !ok || sm.Name != m.name {
			t.Errorf("compared metric %q is not a canonical metric of the vocabulary", m.name)
			continue
		}
		if sm.Rule != (m.kind != kindInfo) {
			t.Errorf("%s: vocabulary says rule=%v, comparison judges it=%v", m.name, sm.Rule, m.kind != kindInfo)
		}
	}
	for _, name := range RuleMetrics {
		if m, ok := metricByName(name); !ok || m.kind == kindInfo {
			t.Errorf("rule metric %q is not judged by comparisons", name)
		}
	}
	for _, alias := range []string{"p99", "rate", "latency.p99"} {
		if _, err := ParseRule(alias + ">+10%"); err != nil {
			t.Errorf("%s: %v", alias, err)
		}
	}
}
