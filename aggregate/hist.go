package aggregate

import (
	"fmt"
	"time"

	hdr "github.com/HdrHistogram/hdrhistogram-go"
)

// Histogram geometry: microseconds from 1 µs to 5 minutes. Latencies above
// the top are recorded as the top, so a stuck request still counts.
const (
	histLowest  = 1
	histHighest = int64(5 * time.Minute / time.Microsecond)
	histSigFigs = 3
	// secSigFigs is the precision of the per-second histograms: they only
	// feed the series' p50/p99, and 2 figures keep them ~8x smaller.
	secSigFigs = 2
)

// NewHistogram returns an empty latency histogram of the standard geometry.
func NewHistogram() *hdr.Histogram { return hdr.New(histLowest, histHighest, histSigFigs) }

func newSecHist() *hdr.Histogram { return hdr.New(histLowest, histHighest, secSigFigs) }

// micros converts a latency to the histogram's unit, clamped to its range.
func micros(d time.Duration) int64 {
	us := int64(d / time.Microsecond)
	return min(max(us, histLowest), histHighest)
}

func msOf(us int64) float64 { return float64(us) / 1e3 }

// latencyOf reads the summary percentiles from h.
func latencyOf(h *hdr.Histogram) Latency {
	if h == nil || h.TotalCount() == 0 {
		return Latency{}
	}
	v := h.ValueAtPercentilesSlice([]float64{50, 90, 95, 99, 99.9})
	return Latency{
		Count:  uint64(h.TotalCount()),
		MinMs:  msOf(h.Min()),
		MeanMs: roundMs(h.Mean() / 1e3),
		P50Ms:  msOf(v[0]),
		P90Ms:  msOf(v[1]),
		P95Ms:  msOf(v[2]),
		P99Ms:  msOf(v[3]),
		P999Ms: msOf(v[4]),
		MaxMs:  msOf(h.Max()),
	}
}

// roundMs keeps JSON and goldens stable: microsecond resolution is all
// the histogram has.
func roundMs(ms float64) float64 {
	return float64(int64(ms*1e3+0.5)) / 1e3
}

// EncodeHistogram returns h in HdrHistogram's V2 compressed base64 encoding, or
// "" for an empty histogram.
func EncodeHistogram(h *hdr.Histogram) (string, error) {
	if h == nil || h.TotalCount() == 0 {
		return "", nil
	}
	b, err := h.Encode(hdr.V2CompressedEncodingCookieBase)
	if err != nil {
		return "", fmt.Errorf("encode histogram: %w", err)
	}
	return string(b), nil
}

// DecodeHistogram reads a histogram written by EncodeHistogram into the standard
// geometry ("" is an empty histogram).
func DecodeHistogram(s string) (*hdr.Histogram, error) {
	h := NewHistogram()
	if s == "" {
		return h, nil
	}
	d, err := hdr.Decode([]byte(s))
	if err != nil {
		return nil, fmt.Errorf("decode histogram: %w", err)
	}
	if dropped := h.Merge(d); dropped != 0 {
		return nil, fmt.Errorf("decode histogram: %d values outside 1µs..5min", dropped)
	}
	return h, nil
}
