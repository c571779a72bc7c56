package domain

// InFlightCap says where a run's cap on requests in flight came from. The
// values are written to the summary (generator.max_in_flight_from).
type InFlightCap string

// Sources of the in-flight cap.
const (
	CapFromScenario InFlightCap = "scenario"         // load.maxInFlight
	CapFromDefault  InFlightCap = "default"          // scenarios.DefaultMaxInFlight
	CapFromFDs      InFlightCap = "file descriptors" // the file-descriptor limit left room for fewer than the default
)
