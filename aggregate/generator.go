package aggregate

import (
	"fmt"
	"strings"

	"github.com/cogload/cogload/domain"
	"github.com/cogload/cogload/internal/textfmt"
)

// Generator is what the load generator had to work with: the limits that
// make it, rather than the target, the bottleneck of a run (since v1.3).
type Generator struct {
	// CPUs is the number of CPUs the generator's process could use.
	CPUs int `json:"cpus"`
	// FDSoft and FDHard are the process's file-descriptor limits while it
	// ran (each request in flight holds one; absent where unknown).
	FDSoft uint64 `json:"fd_soft,omitempty"`
	FDHard uint64 `json:"fd_hard,omitempty"`
	// MaxInFlight caps the requests in flight at once, so memory stays
	// bounded at any rate: a hit due while the cap is reached is skipped
	// (StageRun.SkippedInFlight). MaxInFlightFrom says where the cap came
	// from: "scenario" (load.maxInFlight), "default", or "file
	// descriptors" (the limit left room for fewer).
	MaxInFlight     int                `json:"max_in_flight"`
	MaxInFlightFrom domain.InFlightCap `json:"max_in_flight_from,omitempty"`
	// PeakInFlight is the most requests that were in flight at once.
	PeakInFlight int `json:"peak_in_flight"`
}

// SetGenerator records the load generator's limits; the next Summary
// carries them and advises by them.
func (a *Aggregator) SetGenerator(g Generator) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.generator = &g
}

// fdLimit describes the file-descriptor limit, as far as it is known.
func (s *Summary) fdLimit() string {
	if g := s.Generator; g != nil && g.FDSoft > 0 {
		return fmt.Sprintf("soft %s, hard %s", textfmt.Count(g.FDSoft), textfmt.Count(g.FDHard))
	}
	return "unknown"
}

// GeneratorAdvice is what to do when the load generator ran out of its
// own resources (outcome generator_limit).
func (s *Summary) GeneratorAdvice() string {
	return fmt.Sprintf("the load generator ran out of file descriptors or local ports (file-descriptor limit: %s): "+
		"raise the limit (ulimit -n, LimitNOFILE, the container's nofile), lower the rate or add shards (--shard i/N)", s.fdLimit())
}

// behindAdvice says what to do about a run that fell behind schedule,
// by the cause its counts show: the generator's own limits, the in-flight
// cap, or else the generator's CPU.
func (s *Summary) behindAdvice() string {
	var atCap uint64
	for _, st := range s.Schedule {
		atCap += st.SkippedInFlight
	}
	var advice []string
	if s.Totals.Unsent > 0 {
		advice = append(advice, s.GeneratorAdvice())
	}
	if atCap > 0 {
		g := s.Generator
		what := "the in-flight cap"
		if g != nil {
			what = fmt.Sprintf("the cap of %s requests in flight (%s)", textfmt.Count(uint64(g.MaxInFlight)), capSource(g))
		}
		advice = append(advice, fmt.Sprintf("%s hits were due while %s was reached: requests took too long for this rate (in flight ≈ rate × latency, p50 %s here), "+
			"because the target is slow or this machine is short of CPU; lower the rate or add shards (--shard i/N), or raise load.maxInFlight if the target keeps up and this machine has the memory and file descriptors",
			textfmt.Count(atCap), what, textfmt.Ms(s.Overall.Latency.P50Ms)))
	}
	if len(advice) == 0 {
		cpus := "its CPUs"
		if g := s.Generator; g != nil && g.CPUs > 0 {
			cpus = fmt.Sprintf("its %d CPUs", g.CPUs)
		}
		advice = append(advice, fmt.Sprintf("the load generator could not keep up on %s (or load.maxWorkers held it back): lower the rate or add shards (--shard i/N)", cpus))
	}
	return strings.Join(advice, "; ")
}

func capSource(g *Generator) string {
	switch g.MaxInFlightFrom {
	case domain.CapFromScenario:
		return "load.maxInFlight"
	case domain.CapFromFDs:
		return fmt.Sprintf("set by the file-descriptor limit, soft %s: raise it with ulimit -n", textfmt.Count(g.FDSoft))
	}
	return "cogload's default"
}

// mergeGenerators describes the generators of a run's shards as one:
// CPUs, caps and peaks add up (the shards ran at once); the
// file-descriptor limits are the lowest of them. Nil when a shard has
// none.
func mergeGenerators(sums []*Summary) *Generator {
	var out *Generator
	for _, s := range sums {
		g := s.Generator
		if g == nil {
			return nil
		}
		if out == nil {
			m := *g
			out = &m
			continue
		}
		out.CPUs += g.CPUs
		out.MaxInFlight += g.MaxInFlight
		out.PeakInFlight += g.PeakInFlight
		if g.FDSoft > 0 && (out.FDSoft == 0 || g.FDSoft < out.FDSoft) {
			out.FDSoft, out.FDHard = g.FDSoft, g.FDHard
		}
		if g.MaxInFlightFrom != out.MaxInFlightFrom {
			out.MaxInFlightFrom = ""
		}
	}
	return out
}
