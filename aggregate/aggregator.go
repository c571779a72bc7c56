package aggregate

import (
	"sync"
	"time"

	hdr "github.com/HdrHistogram/hdrhistogram-go"

	"github.com/cogload/cogload/domain"
	"github.com/cogload/cogload/scenarios"
)

// Aggregator folds samples into bounded-memory statistics: HDR histograms
// overall and per token pool, attribute, metadata variant, stage and
// outcome; exact counts per (stage, variant, outcome, verdict); a
// per-second series; and the first few violation examples. Memory does
// not grow with the number of samples.
//
// Add is meant to be called from one goroutine (the attack's consumer);
// Progress and Summary may be called from others at any time.
type Aggregator struct {
	mu sync.Mutex

	plan  *scenarios.Plan
	start time.Time

	nStages, nVariants int
	varPool, varAttr   []int
	varMeta            []int

	overall                     *hdr.Histogram
	pools, attrs, metas, stages []*hdr.Histogram

	outcomeNames []string
	outcomeIdx   map[string]int
	outcomeHists []*hdr.Histogram

	// cells holds the exact counts, indexed by cellIndex; outCap is the
	// number of outcome slots per (stage, variant), grown by doubling.
	cells  []uint64
	outCap int

	sent, okCount, throttled, errs, viol uint64
	unsent                               uint64
	ignored                              uint64
	bytesIn, bytesOut                    uint64
	first, last                          time.Time

	ring   secRing
	series seriesBuilder

	examples     []ViolationExample
	schedule     []StageRun
	generator    *Generator
	exampleKinds map[uint64]uint8
}

// NewAggregator returns an Aggregator for a run of plan that started at
// start (the per-second series and offsets are relative to it).
func NewAggregator(plan *scenarios.Plan, start time.Time) *Aggregator {
	a := &Aggregator{
		plan:         plan,
		start:        start,
		nStages:      len(plan.Stages),
		nVariants:    len(plan.Variants),
		overall:      NewHistogram(),
		outcomeIdx:   make(map[string]int),
		outCap:       8,
		exampleKinds: make(map[uint64]uint8),
	}
	a.varPool = make([]int, a.nVariants)
	a.varAttr = make([]int, a.nVariants)
	a.varMeta = make([]int, a.nVariants)
	for i, v := range plan.Variants {
		a.varPool[i], a.varAttr[i], a.varMeta[i] = v.TokenPool, v.Attribute, v.Metadata
	}
	a.pools = hists(len(plan.TokenPools))
	a.attrs = hists(len(plan.Attributes))
	a.metas = hists(len(plan.Metadata))
	a.stages = hists(a.nStages)
	a.cells = make([]uint64, a.nStages*a.nVariants*a.outCap*domain.Verdicts)
	// The ring must cover every request still in flight when later ones
	// start, so a late sample lands in its own second: the timeout plus
	// slack, within sane bounds.
	window := int64(plan.Timeout/time.Second) + 3
	a.ring = newSecRing(min(max(window, 8), 128))
	a.series = seriesBuilder{origin: start.Unix(), interval: 1, target: a.targetAt}
	return a
}

func hists(n int) []*hdr.Histogram {
	hs := make([]*hdr.Histogram, n)
	for i := range hs {
		hs[i] = NewHistogram()
	}
	return hs
}

func (a *Aggregator) cellIndex(stage, variant, outcome int, v domain.Verdict) int {
	return ((stage*a.nVariants+variant)*a.outCap+outcome)*domain.Verdicts + int(v)
}

// outcome returns the index of name, registering it on first sight (the
// only allocation Add makes, once per distinct outcome).
func (a *Aggregator) outcome(name string) int {
	if i, ok := a.outcomeIdx[name]; ok {
		return i
	}
	i := len(a.outcomeNames)
	a.outcomeNames = append(a.outcomeNames, name)
	a.outcomeIdx[name] = i
	a.outcomeHists = append(a.outcomeHists, NewHistogram())
	if i >= a.outCap {
		a.growCells()
	}
	return i
}

func (a *Aggregator) growCells() {
	oldCap := a.outCap
	a.outCap *= 2
	const nv = domain.Verdicts
	cells := make([]uint64, a.nStages*a.nVariants*a.outCap*nv)
	for sv := 0; sv < a.nStages*a.nVariants; sv++ {
		copy(cells[sv*a.outCap*nv:], a.cells[sv*oldCap*nv:(sv+1)*oldCap*nv])
	}
	a.cells = cells
}

// Add records one sample.
func (a *Aggregator) Add(s domain.Sample) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if s.Stage < 0 || s.Stage >= a.nStages || s.Variant < 0 || s.Variant >= a.nVariants {
		a.ignored++
		return
	}
	verdict := s.Verdict
	if int(verdict) >= domain.Verdicts {
		verdict = domain.VerdictViolation
	}
	o := a.outcome(s.Outcome)
	us := micros(s.Latency)

	a.cells[a.cellIndex(s.Stage, s.Variant, o, verdict)]++
	_ = a.overall.RecordValue(us) // us is clamped into range: cannot fail
	_ = a.pools[a.varPool[s.Variant]].RecordValue(us)
	_ = a.attrs[a.varAttr[s.Variant]].RecordValue(us)
	_ = a.metas[a.varMeta[s.Variant]].RecordValue(us)
	_ = a.stages[s.Stage].RecordValue(us)
	_ = a.outcomeHists[o].RecordValue(us)

	a.sent++
	isOK := s.Outcome == domain.OutcomeOK
	if isOK {
		a.okCount++
	}
	switch verdict {
	case domain.VerdictThrottled:
		a.throttled++
	case domain.VerdictError:
		a.errs++
	case domain.VerdictViolation:
		a.viol++
		a.example(s, o)
	case domain.VerdictUnsent:
		a.unsent++
	}
	a.bytesIn += s.BytesIn
	a.bytesOut += s.BytesOut
	if a.first.IsZero() || s.Timestamp.Before(a.first) {
		a.first = s.Timestamp
	}
	if s.Timestamp.After(a.last) {
		a.last = s.Timestamp
	}

	sec := max(s.Timestamp.Unix(), a.series.origin)
	for _, slot := range a.ring.advance(sec) {
		a.series.add(slot.point())
		slot.reset()
	}
	a.ring.slot(sec).record(us, isOK, verdict)
}

// example keeps the first few violations of each variant and outcome.
func (a *Aggregator) example(s domain.Sample, o int) {
	if len(a.examples) >= MaxExamples {
		return
	}
	key := uint64(s.Variant)<<32 | uint64(o)
	if a.exampleKinds[key] >= ExamplesPerKind {
		return
	}
	a.exampleKinds[key]++
	v := a.plan.Variants[s.Variant]
	a.examples = append(a.examples, ViolationExample{
		Seq:       s.Seq,
		Time:      s.Timestamp.UTC(),
		OffsetS:   roundMs(s.Timestamp.Sub(a.start).Seconds()),
		Stage:     a.plan.Stages[s.Stage].Name,
		Variant:   s.Variant,
		TokenPool: nameAt(a.plan.TokenPools, v.TokenPool, func(p scenarios.TokenPool) string { return p.Name }),
		Attribute: nameAt(a.plan.Attributes, v.Attribute, func(p scenarios.Attribute) string { return p.Name }),
		Metadata:  nameAt(a.plan.Metadata, v.Metadata, func(p scenarios.MetadataVariant) string { return p.Name }),
		Outcome:   s.Outcome,
		Code:      s.Code,
		Expected:  append([]string{}, v.Expect.Outcomes...),
		LatencyMs: roundMs(float64(s.Latency) / float64(time.Millisecond)),
	})
}

func nameAt[T any](xs []T, i int, name func(T) string) string {
	if i < 0 || i >= len(xs) {
		return "?"
	}
	return name(xs[i])
}

// targetAt is the plan's mean rate over the second starting at Unix
// second sec.
func (a *Aggregator) targetAt(sec int64) float64 {
	mid := time.Unix(sec, int64(time.Second/2)).Sub(a.start)
	return a.plan.RateAt(max(mid, 0))
}

// Progress returns the answers so far, Elapsed up to the latest request
// start. It scans one histogram, so call it
// a few times a second at most.
func (a *Aggregator) Progress() domain.Progress {
	a.mu.Lock()
	defer a.mu.Unlock()
	p := domain.Progress{
		Sent:       a.sent,
		OK:         a.okCount,
		Throttled:  a.throttled,
		Errors:     a.errs,
		Violations: a.viol,
		Unsent:     a.unsent,
	}
	if a.sent > 0 {
		p.Elapsed = max(a.last.Sub(a.start), 0)
		p.P99 = time.Duration(a.overall.ValueAtQuantile(99)) * time.Microsecond
	}
	return p
}
