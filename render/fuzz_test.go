package render

import (
	"bytes"
	"encoding/json"
	"io"
	"testing"

	"github.com/cogload/cogload/aggregate"
	"github.com/cogload/cogload/internal/reportfixture"
	"github.com/cogload/cogload/scenarios"
)

// FuzzRenderSummary feeds arbitrary bytes to the summary.json reader: it must
// either reject them with an error or produce a summary that every
// renderer renders without an error (a summary accepted is reported in
// every format, so `cogload report` treats a damaged archive alike in all
// of them), and the threshold evaluator and the merger handle without
// panicking.
func FuzzRenderSummary(f *testing.F) {
	// A small real summary: a large seed (the fixture golden) slows the
	// mutator to a crawl.
	a := aggregate.NewAggregator(reportfixture.Plan(), reportfixture.Start)
	for _, s := range reportfixture.Samples(reportfixture.Plan())[:20] {
		a.Add(s)
	}
	if s, err := a.Summary(aggregate.RunMeta{}); err == nil {
		s.Series.Points = s.Series.Points[:2]
		var buf bytes.Buffer
		if err := json.NewEncoder(&buf).Encode(s); err == nil {
			f.Add(buf.Bytes())
		}
	}
	f.Add([]byte(`{"schema":"cogload.summary/v1"}`))
	f.Add([]byte(`{"schema":"cogload.summary/v1","plan":{"stages":[{"name":"a"}]},"variants":[{"index":0}],"counts":[{"stage":0,"variant":0,"outcome":"ok","verdict":"pass","count":3}]}`))
	f.Add([]byte(`{"schema":"cogload.summary/v1","overall":{"histogram":"HISTFAAAACR42pNpmSzMwMDAzAABMJoRTM+Y1mD/ASLwBQA="}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := aggregate.ReadSummary(bytes.NewReader(data))
		if err != nil {
			return
		}
		for _, format := range Formats() {
			if err := Write(io.Discard, format, s); err != nil {
				t.Fatalf("render %s: %v", format, err)
			}
		}
		for _, r := range s.Thresholds {
			_ = aggregate.EvaluateThresholds(s, []scenarios.Threshold{r.Threshold()})
		}
		m, err := aggregate.MergeSummaries(s, s)
		if err != nil {
			return
		}
		if err := Text(io.Discard, m); err != nil {
			t.Fatalf("render merged: %v", err)
		}
	})
}
