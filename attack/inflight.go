package attack

import (
	"math"
	"runtime"

	"github.com/cogload/cogload/domain"
	"github.com/cogload/cogload/scenarios"
)

// fdReserve is the part of the file-descriptor limit left for everything
// else the process holds open: the archive, standard streams, listeners,
// token logins, the Go runtime.
const fdReserve = 256

// GeneratorStats is what the load generator had to work with: the limits
// that make it, rather than the target, the bottleneck.
type GeneratorStats struct {
	CPUs           int
	FDSoft, FDHard uint64 // 0 where unknown
	MaxInFlight    int
	CapFrom        domain.InFlightCap
	// PeakInFlight is the most requests that were in flight at once.
	PeakInFlight int
}

// inFlightCap picks the cap on requests in flight: the plan's, or the
// default lowered to what the soft file-descriptor limit has room for,
// when each request in flight holds fdsPerRequest descriptors (two when
// the target is served by this process: both ends of the connection).
func inFlightCap(planned int, soft uint64, fdsPerRequest int) (int, domain.InFlightCap) {
	if planned > 0 {
		return planned, domain.CapFromScenario
	}
	if soft == 0 || soft >= math.MaxInt32 {
		return scenarios.DefaultMaxInFlight, domain.CapFromDefault
	}
	room := (int64(soft) - fdReserve) / int64(max(fdsPerRequest, 1))
	if room >= scenarios.DefaultMaxInFlight {
		return scenarios.DefaultMaxInFlight, domain.CapFromDefault
	}
	return int(max(room, 1)), domain.CapFromFDs
}

// generatorStats describes this process as a load generator.
func generatorStats(planned, fdsPerRequest int) GeneratorStats {
	soft, hard := fdLimits()
	g := GeneratorStats{CPUs: runtime.GOMAXPROCS(0), FDSoft: soft, FDHard: hard}
	g.MaxInFlight, g.CapFrom = inFlightCap(planned, soft, fdsPerRequest)
	return g
}
