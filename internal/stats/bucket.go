package stats

import "math"

// Second is one second of a throttle probe: the plan's rate, requests
// sent and how many were throttled (the rate quota's refusals only).
// Span is the seconds the point covers; Partial marks a second the run
// did not cover whole (its last), which the rate leaves out.
type Second struct {
	Target, Sent, Throttled, Span float64
	Partial                       bool
}

// BucketFit is a token bucket (rate, burst) fitted to a probe.
type BucketFit struct {
	// Onset is the index of the first second of sustained throttling
	// (-1: none) and OnsetRate the plan's rate then.
	Onset     int     `json:"onset"`
	OnsetRate float64 `json:"onset_rate"`
	// Rate is the admitted rate while throttling held (requests/s) over
	// Seconds saturated seconds; Burst the bucket's capacity.
	Rate    Interval `json:"rate"`
	Seconds int      `json:"seconds"`
	Burst   float64  `json:"burst"`
}

// Found reports whether the probe throttled long enough to fit a rate.
func (f BucketFit) Found() bool { return f.Onset >= 0 && f.Seconds >= 2 }

// FitTokenBucket fits the token bucket that throttles a probe (a load
// climbing past the quota, one entry per second). eligible is the share
// of requests that reach the bucket at all (requests refused before it,
// such as the service's own faults, never take a token).
//
// Throttling is sustained from the first throttled second after which at
// least half of the next three seconds throttle too. Once the bucket is
// empty every admitted request spends a token as it refills, so the rate
// is the mean admitted rate over the seconds that throttled, as did the
// one before them. The burst is what the load drained from the full
// bucket before the onset: the deficit D = max(0, D + eligible − rate),
// summed second by second up to the onset, less what the onset second
// throttled beyond it.
func FitTokenBucket(secs []Second, eligible float64) BucketFit {
	fit := BucketFit{Onset: onset(secs)}
	if fit.Onset < 0 {
		return fit
	}
	fit.OnsetRate = secs[fit.Onset].Target
	var admitted []float64
	for j := fit.Onset + 1; j < len(secs); j++ {
		s := secs[j]
		if s.Throttled > 0 && secs[j-1].Throttled > 0 && s.Span > 0 && !s.Partial {
			admitted = append(admitted, (eligible*s.Sent-s.Throttled)/s.Span)
		}
	}
	fit.Seconds = len(admitted)
	if fit.Seconds == 0 {
		return fit
	}
	fit.Rate = Mean(admitted)
	var deficit float64
	for j := 0; j <= fit.Onset; j++ {
		s := secs[j]
		deficit = max(0, deficit+eligible*s.Sent-fit.Rate.Value*s.Span)
	}
	fit.Burst = max(1, math.Round(deficit-secs[fit.Onset].Throttled))
	return fit
}

func onset(secs []Second) int {
	for i, s := range secs {
		if s.Throttled < 1 {
			continue
		}
		next, hit := 0, 0
		for j := i + 1; j < len(secs) && j <= i+3; j++ {
			next++
			if secs[j].Throttled >= 1 {
				hit++
			}
		}
		if next == 0 || 2*hit >= next {
			return i
		}
	}
	return -1
}
