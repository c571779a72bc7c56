package aggregate_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/cogload/cogload/aggregate"
	"github.com/cogload/cogload/internal/reportfixture"
)

// ReadSummary refuses a damaged summary, naming what is wrong, so no
// reader (a report format, a comparison) meets the damage later.
func TestReadSummaryRefusesDamage(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		damage func(*aggregate.Summary)
		want   string
	}{
		{"overall histogram not base64", func(s *aggregate.Summary) { s.Overall.Histogram = "!!!not base64" }, "overall: decode histogram"},
		{"overall histogram cut short", func(s *aggregate.Summary) { s.Overall.Histogram = s.Overall.Histogram[:len(s.Overall.Histogram)/2] }, "overall: decode histogram"},
		{"a pool's histogram from another geometry", func(s *aggregate.Summary) {
			s.Breakdown.TokenPools[1].Histogram = "HISTFAAAACR42pNpmSzMwMDAzAABMJoRTM+Y1mD/ASLwBQA="
		}, "breakdown.token_pools[1]"},
		{"an outcome's histogram", func(s *aggregate.Summary) { s.Breakdown.Outcomes[0].Histogram = "HISTFAAAAAAA" }, "breakdown.outcomes[0]"},
		{"a stage's histogram", func(s *aggregate.Summary) { s.Breakdown.Stages[0].Histogram = "x" }, "breakdown.stages[0]"},
		{"count cell outside the plan", func(s *aggregate.Summary) { s.Counts[0].Variant = 99 }, "outside the plan"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := reportfixture.Summary(t)
			tc.damage(s)
			var buf bytes.Buffer
			if err := json.NewEncoder(&buf).Encode(s); err != nil {
				t.Fatal(err)
			}
			_, err := aggregate.ReadSummary(&buf)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("ReadSummary = %v, want an error naming %q", err, tc.want)
			}
		})
	}
}
