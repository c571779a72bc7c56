package report

import (
	"time"

	"github.com/cogload/cogload/scenarios"
)

// timeline places the plan's stages one after another from the run's
// start, as the attacker runs them.
type timeline struct {
	stages []scenarios.Stage
	starts []time.Duration
	end    time.Duration
}

func newTimeline(stages []scenarios.Stage) timeline {
	t := timeline{stages: stages, starts: make([]time.Duration, len(stages))}
	for i, s := range stages {
		t.starts[i] = t.end
		t.end += s.Duration
	}
	return t
}

// rateAt is the planned rate at offset d from the start (0 after the end).
func (t timeline) rateAt(d time.Duration) float64 {
	for i, s := range t.stages {
		if d >= t.starts[i] && d < t.starts[i]+s.Duration {
			return s.RateAt(d - t.starts[i])
		}
	}
	return 0
}

// planned is the number of requests the plan sends between offsets from
// and to.
func (t timeline) planned(from, to time.Duration) float64 {
	return t.plannedUpTo(to) - t.plannedUpTo(from)
}

func (t timeline) plannedUpTo(d time.Duration) float64 {
	var total float64
	for i, s := range t.stages {
		if d <= t.starts[i] {
			break
		}
		total += stageRequestsUpTo(s, min(d-t.starts[i], s.Duration))
	}
	return total
}

// peak is the highest planned rate.
func (t timeline) peak() float64 {
	var p float64
	for _, s := range t.stages {
		p = max(p, s.Peak())
	}
	return p
}

// stageRequestsUpTo integrates the stage's rate over its first d.
func stageRequestsUpTo(s scenarios.Stage, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	secs := d.Seconds()
	switch s.Kind {
	case scenarios.StageRamp:
		if s.Duration <= 0 {
			return s.To * secs
		}
		return s.From*secs + (s.To-s.From)*secs*secs/(2*s.Duration.Seconds())
	case scenarios.StageSteps:
		if s.Every <= 0 {
			return s.From * secs
		}
		var total float64
		for at := time.Duration(0); at < d; at += s.Every {
			total += s.RateAt(at) * min(s.Every, d-at).Seconds()
		}
		return total
	default:
		return s.From * secs
	}
}
