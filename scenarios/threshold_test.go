package scenarios

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseThreshold(t *testing.T) {
	t.Parallel()
	tests := []struct {
		expr string
		want Threshold
	}{
		{"latency.p99 < 300ms", Threshold{Metric: "latency.p99", Op: "<", Value: 0.3}},
		{"latency.p99.9<=1.5s", Threshold{Metric: "latency.p99.9", Op: "<=", Value: 1.5}},
		{"  latency.max >= 2s ", Threshold{Metric: "latency.max", Op: ">=", Value: 2}},
		{"throttle_rate < 1%", Threshold{Metric: "throttle_rate", Op: "<", Value: 0.01}},
		{"ok_rate > 0.995", Threshold{Metric: "ok_rate", Op: ">", Value: 0.995}},
		{"error_rate == 0%", Threshold{Metric: "error_rate", Op: "==", Value: 0}},
		{"rate >= 25/s", Threshold{Metric: "achieved_rate", Op: ">=", Value: 25}},
		{"p99 < 1s", Threshold{Metric: "latency.p99", Op: "<", Value: 1}},
		{"requests != 0", Threshold{Metric: "requests", Op: "!=", Value: 0}},
		{"violations == 0", Threshold{Metric: "violations", Op: "==", Value: 0}},
		{"errors{code=InternalErrorException} == 0", Threshold{Metric: "errors", Filter: map[string]string{"code": "InternalErrorException"}, Op: "==", Value: 0}},
		{`latency.p95{token_pool=valid, attribute="custom:tier"} < 200ms`, Threshold{Metric: "latency.p95",
			Filter: map[string]string{"token_pool": "valid", "attribute": "custom:tier"}, Op: "<", Value: 0.2}},
		{"outcome_rate{code=NotAuthorizedException,stage=steady} > 5%", Threshold{Metric: "outcome_rate",
			Filter: map[string]string{"code": "NotAuthorizedException", "stage": "steady"}, Op: ">", Value: 0.05}},
		// Requests the generator could not send can be judged, though no
		// expectation can hold them.
		{"outcome_rate{code=generator_limit} < 5%", Threshold{Metric: "outcome_rate",
			Filter: map[string]string{"code": "generator_limit"}, Op: "<", Value: 0.05}},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			got, err := ParseThreshold(tt.expr)
			if err != nil {
				t.Fatal(err)
			}
			tt.want.Expr = tt.expr
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseThresholdErrors(t *testing.T) {
	t.Parallel()
	tests := []struct{ expr, want string }{
		{"", "empty threshold"},
		{"latency.p98 < 1s", `unknown metric "latency.p98" (did you mean "latency.p9`},
		{"latency.p99 < 300", "takes a duration with a unit"},
		{"latency.p99 < -1s", "not a valid value"},
		{"latency.p99 300ms", "expected a comparison"},
		{"latency.p99 =< 300ms", "expected a comparison"},
		{"latency.p99 <", "missing value"},
		{"throttle_rate < 101%", "takes a percentage"},
		{"throttle_rate < 2", "takes a percentage"},
		{"violations == 0.5", "takes a whole number"},
		{"violations == -1", "takes a whole number"},
		{"rate > fast", "takes requests per second"},
		{"errors{code=Nope} == 0", `unknown outcome "Nope"`},
		{"errors{status=500} == 0", `unknown filter key "status" (use one of: attribute, code, metadata, stage, token_pool)`},
		{"errors{code} == 0", "is not key=value"},
		{"errors{code=} == 0", "has no value"},
		{"errors{} == 0", "empty filter"},
		{"errors{code=ok,code=ok} == 0", "given twice"},
		{"errors{code=ok == 0", "missing }"},
		{"outcome_rate > 5%", "needs a code filter"},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			_, err := ParseThreshold(tt.expr)
			if err == nil {
				t.Fatalf("ParseThreshold(%q) succeeded", tt.expr)
			}
			var se *Error
			if !errors.As(err, &se) {
				t.Fatalf("error %T is not *Error", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not contain %q", err, tt.want)
			}
		})
	}
}
