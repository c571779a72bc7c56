package render

import (
	"fmt"
	"math"

	"github.com/cogload/cogload/aggregate"
)

// maxChartPoints bounds each plotted series: a 6-hour run has 21,600
// one-second points, far more than a chart is wide.
const maxChartPoints = 1200

// chartData is what the page's script draws, embedded as JSON next to
// the summary it was derived from. Arrays are parallel per run.
type chartData struct {
	Kind string     `json:"kind"` // "run" or "compare"
	Runs []chartRun `json:"runs"`
}

// chartRun is one run's plottable data.
type chartRun struct {
	Label string `json:"label"`
	// Series columns, one entry per (possibly merged) interval: offset
	// seconds, p50 and p99 in ms, target and achieved rate, throttled and
	// errors per second.
	T         []float64 `json:"t"`
	P50       []float64 `json:"p50"`
	P99       []float64 `json:"p99"`
	Target    []float64 `json:"target"`
	Rate      []float64 `json:"rate"`
	Throttled []float64 `json:"throttled"`
	Errors    []float64 `json:"errors"`
	// Percentiles is the latency distribution: [percentile, ms] pairs
	// from the HDR histogram, denser towards the tail.
	Percentiles [][2]float64             `json:"percentiles"`
	Outcomes    []aggregate.OutcomeCount `json:"outcomes"`
}

func chartRunOf(label string, s *aggregate.Summary) (chartRun, error) {
	// Empty arrays, not null, keep the page's script simple.
	r := chartRun{Label: label, Outcomes: s.Outcomes, T: []float64{}, P50: []float64{}, P99: []float64{},
		Target: []float64{}, Rate: []float64{}, Throttled: []float64{}, Errors: []float64{}}
	if r.Outcomes == nil {
		r.Outcomes = []aggregate.OutcomeCount{}
	}
	pts := s.Series.Points
	step := max(1, (len(pts)+maxChartPoints-1)/maxChartPoints)
	width := float64(max(s.Series.IntervalS, 1))
	for i := 0; i < len(pts); i += step {
		b := pts[i:min(i+step, len(pts))]
		var sent, thr, errs, p50w, p99, target, secs float64
		for _, p := range b {
			sent += float64(p.Sent)
			thr += float64(p.Throttled)
			errs += float64(p.Errors)
			p50w += p.P50Ms * float64(p.Sent)
			p99 = max(p99, p.P99Ms)
			target += p.TargetRate
			// A point's own Rate says how many seconds it covers (the last
			// one may be partial); an empty point covers one interval.
			if p.Rate > 0 {
				secs += float64(p.Sent) / p.Rate
			} else {
				secs += width
			}
		}
		p50 := 0.0
		if sent > 0 {
			p50 = p50w / sent
		}
		// Merged buckets keep the worst p99 so spikes stay visible, like
		// the series' own downsampling.
		r.T = append(r.T, b[0].OffsetS)
		r.P50 = append(r.P50, round3(p50))
		r.P99 = append(r.P99, round3(p99))
		r.Target = append(r.Target, round3(target/float64(len(b))))
		r.Rate = append(r.Rate, round3(sent/secs))
		r.Throttled = append(r.Throttled, round3(thr/secs))
		r.Errors = append(r.Errors, round3(errs/secs))
	}
	pc, err := percentileCurve(s.Overall.Histogram)
	if err != nil {
		return r, fmt.Errorf("run %s: %w", label, err)
	}
	r.Percentiles = pc
	return r, nil
}

// percentileCurve decodes a V2 base64 histogram and returns [percentile,
// ms] points at 100·(1−10^(−k/10)) for k = 0, 1, ... (10 points per
// "nine") as far as the sample count resolves, then the maximum.
func percentileCurve(encoded string) ([][2]float64, error) {
	out := [][2]float64{}
	if encoded == "" {
		return out, nil
	}
	h, err := aggregate.DecodeHistogram(encoded)
	if err != nil {
		return nil, fmt.Errorf("latency histogram: %w", err)
	}
	n := h.TotalCount()
	if n == 0 {
		return out, nil
	}
	limit := math.Log10(float64(n))
	for k := 0; float64(k)/10 < limit && k <= 60; k++ {
		q := 100 * (1 - math.Pow(10, -float64(k)/10))
		out = append(out, [2]float64{round6(q), float64(h.ValueAtQuantile(q)) / 1e3})
	}
	// The maximum sits at quantile 1−1/n, where the curve's x axis
	// (log10 of 1/(1−q)) puts it at log10(n).
	out = append(out, [2]float64{round6(100 * (1 - 1/float64(n))), float64(h.Max()) / 1e3})
	return out, nil
}

func round3(x float64) float64 { return math.Round(x*1e3) / 1e3 }

func round6(x float64) float64 { return math.Round(x*1e6) / 1e6 }
