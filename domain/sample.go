package domain

import "time"

// Sample is one classified request, the unit the reporter aggregates. It
// never carries a request or response body.
type Sample struct {
	Seq       uint64
	Timestamp time.Time // when the request started
	Latency   time.Duration
	Stage     int // index into the plan's stages
	Variant   int // index into the plan's variants
	Code      uint16
	Outcome   string
	Verdict   Verdict
	BytesIn   uint64
	BytesOut  uint64
}
