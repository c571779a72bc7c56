package attack

import (
	"math"
	"runtime"

	"github.com/cogload/cogload/scenarios"
)

// DefaultMaxInFlight caps the requests in flight at once when the plan
// sets no cap (scenarios.DefaultMaxInFlight).
const DefaultMaxInFlight = scenarios.DefaultMaxInFlight

// fdReserve is the part of the file-descriptor limit left for everything
// else the process holds open: the archive, standard streams, listeners,
// token logins, the Go runtime.
const fdReserve = 256

// CapSource says where a run's in-flight cap came from.
type CapSource int

// Cap sources.
const (
	CapDefault         CapSource = iota // DefaultMaxInFlight
	CapScenario                         // load.maxInFlight
	CapFileDescriptors                  // the file-descriptor limit left room for fewer than the default
)

// GeneratorStats is what the load generator had to work with: the limits
// that make it, rather than the target, the bottleneck.
type GeneratorStats struct {
	CPUs           int
	FDSoft, FDHard uint64 // 0 where unknown
	MaxInFlight    int
	CapFrom        CapSource
	// PeakInFlight is the most requests that were in flight at once.
	PeakInFlight int
}

// inFlightCap picks the cap on requests in flight: the plan's, or the
// default lowered to what the soft file-descriptor limit has room for,
// when each request in flight holds fdsPerRequest descriptors (two when
// the target is served by this process: both ends of the connection).
func inFlightCap(planned int, soft uint64, fdsPerRequest int) (int, CapSource) {
	if planned > 0 {
		return planned, CapScenario
	}
	if soft == 0 || soft >= math.MaxInt32 {
		return DefaultMaxInFlight, CapDefault
	}
	room := (int64(soft) - fdReserve) / int64(max(fdsPerRequest, 1))
	if room >= DefaultMaxInFlight {
		return DefaultMaxInFlight, CapDefault
	}
	return int(max(room, 1)), CapFileDescriptors
}

// generatorStats describes this process as a load generator.
func generatorStats(planned, fdsPerRequest int) GeneratorStats {
	soft, hard := fdLimits()
	g := GeneratorStats{CPUs: runtime.GOMAXPROCS(0), FDSoft: soft, FDHard: hard}
	g.MaxInFlight, g.CapFrom = inFlightCap(planned, soft, fdsPerRequest)
	return g
}
