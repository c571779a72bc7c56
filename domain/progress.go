package domain

import "time"

// Progress is a snapshot of a running load test for a live progress line.
// The attack knows where the run is in its plan; the aggregator knows what
// the answers were; one snapshot carries both.
type Progress struct {
	// Elapsed runs from the run's start.
	Elapsed   time.Duration
	Stage     int
	StageName string
	// Sent counts requests whose results arrived.
	Sent uint64
	// Due is the number of requests the plan schedules up to Elapsed, so
	// the rate the plan asks for over any interval can be set beside the
	// rate achieved over it (TargetRate).
	Due float64
	// P99 is the overall 99th percentile latency so far.
	P99                               time.Duration
	OK, Throttled, Errors, Violations uint64
	// Unsent counts requests the load generator could not send (its own
	// limits); they are in Sent, never in Errors.
	Unsent uint64
	// Done is set on the last snapshot.
	Done bool
}

// TargetRate returns the plan's mean rate between an earlier snapshot and
// this one: on a ramp, the rate at the end of an interval would read as
// falling behind.
func (p Progress) TargetRate(since Progress) float64 {
	d := p.Elapsed - since.Elapsed
	if d <= 0 || p.Due < since.Due {
		return 0
	}
	return (p.Due - since.Due) / d.Seconds()
}

// Rate returns the mean rate between an earlier snapshot and this one.
func (p Progress) Rate(since Progress) float64 {
	d := p.Elapsed - since.Elapsed
	if d <= 0 || p.Sent < since.Sent {
		return 0
	}
	return float64(p.Sent-since.Sent) / d.Seconds()
}
