package aggregate

import (
	"time"

	"github.com/cogload/cogload/domain"
)

// Schema is the version tag of summary.json. A reader refuses other
// values rather than misreading them.
const Schema = "cogload.summary/v1.3"

// Summary is everything known about one run (or a merge of shards of one
// run): the contents of summary.json and the input of every renderer,
// comparison and threshold check. It is self-contained: nothing else in
// the archive (neither results.bin nor the scenario) is needed to render
// it. Durations are milliseconds (float) and rates are requests/s or
// fractions 0..1, as the field names say. It never holds a token.
type Summary struct {
	Schema string  `json:"schema"`
	Run    RunMeta `json:"run"`
	// Plan names the dimensions the indices in Counts and Variants refer to.
	Plan PlanInfo `json:"plan"`

	Totals Totals `json:"totals"`
	// Overall is the whole run as one group (latency, outcomes, rates,
	// histogram).
	Overall Group `json:"overall"`
	// Outcomes of the whole run, most frequent first (same as
	// Overall.Outcomes; repeated at top level for readers' convenience).
	Outcomes   []OutcomeCount `json:"outcomes"`
	Violations Violations     `json:"violations"`

	Breakdown Breakdown `json:"breakdown"`
	// Variants is one entry per expectation group (token pool × attribute
	// × metadata variant) that the plan contains, in plan order.
	Variants []VariantResult `json:"variants"`

	Series Series `json:"series"`
	// Schedule is how each stage went against its schedule (since v1.1;
	// absent in summaries built from samples alone).
	Schedule []StageRun `json:"schedule,omitempty"`

	Thresholds []ThresholdResult `json:"thresholds"`
	// Reliability says whether the run measured its target; a run that
	// did not fails whatever its thresholds say (since v1.3).
	Reliability Reliability `json:"reliability,omitzero"`
	// Generator is what the load generator had to work with (since v1.3;
	// absent in summaries built from samples alone).
	Generator *Generator `json:"generator,omitempty"`

	// Counts is the raw, exact tally that every count and rate above is
	// derived from: one cell per (stage, variant, outcome, verdict) seen.
	// Merging shards sums these.
	Counts []CountCell `json:"counts"`
}

// RunMeta describes the run.
type RunMeta struct {
	// ID is the archive's short random id (the last part of its folder name).
	ID           string `json:"id"`
	ToolVersion  string `json:"tool_version"`
	Scenario     string `json:"scenario"`
	ScenarioHash string `json:"scenario_hash"`
	// ScenarioSource is the scenario file, or "builtin:NAME".
	ScenarioSource string `json:"scenario_source,omitempty"`
	// Target is the endpoint URL, or "mock" for the embedded mock.
	Target string `json:"target"`
	// Pool is the pool-configuration label (mock) or the user pool id.
	Pool string `json:"pool"`
	Seed int64  `json:"seed"`
	// PlanHash is the SHA-256 (hex) of the resolved scenario, command-line
	// overrides included: the shards of one run share it (since v1.2).
	PlanHash string `json:"plan_hash,omitempty"`
	// Shard is "i/N" for one shard of a sharded run, "" otherwise.
	Shard string `json:"shard,omitempty"`
	// ShardIndex (1-based) and ShardCount are Shard as numbers (since
	// v1.2; 0 for a whole run).
	ShardIndex int `json:"shard_index,omitempty"`
	ShardCount int `json:"shard_count,omitempty"`
	// Shards lists the shards a merged summary was built from.
	Shards []string `json:"shards,omitempty"`
	// StartAt is the instant the run was told to start sending at
	// (--start-at), shared by the shards of one run (since v1.2).
	StartAt     time.Time `json:"start_at,omitzero"`
	Start       time.Time `json:"start"`
	End         time.Time `json:"end"`
	DurationS   float64   `json:"duration_s"`
	Interrupted bool      `json:"interrupted"`
	// ExitStatus is the process exit code of the run (0, 98, 99, 130, ...).
	ExitStatus domain.ExitCode `json:"exit_status"`
}

// PlanInfo is the part of the compiled plan a report needs to name things.
type PlanInfo struct {
	TokenPools []PoolInfo  `json:"token_pools"`
	Attributes []string    `json:"attributes"`
	Metadata   []string    `json:"metadata"`
	Stages     []StageInfo `json:"stages"`
	TimeoutMs  float64     `json:"timeout_ms,omitempty"`
	// ReliesOn names the inferred and assumed behaviours of the service
	// (docs/fidelity.md) the plan's expectations and thresholds depend on:
	// what to confirm on a real pool before trusting the verdict (since
	// v1.1; absent when there are none).
	ReliesOn []Reliance `json:"relies_on,omitempty"`
}

// Reliance is one behaviour of the service that the run's verdict rests on
// without documentation or a capture.
type Reliance struct {
	// ID names the behaviour in docs/fidelity.md.
	ID string `json:"id"`
	// Level is inferred or assumed.
	Level string `json:"level"`
	// Because says which part of the plan depends on it.
	Because string `json:"because"`
	// Behaviour is what the mock does, as the ledger says.
	Behaviour string `json:"behaviour"`
}

// PoolInfo names a token pool and its kind.
type PoolInfo struct {
	Name string `json:"name"`
	Kind string `json:"kind"`
}

// StageInfo describes one stage of the load.
type StageInfo struct {
	Name      string  `json:"name"`
	Kind      string  `json:"kind"`
	DurationS float64 `json:"duration_s"`
	From      float64 `json:"from"`
	To        float64 `json:"to"`
	Step      float64 `json:"step,omitempty"`
	EveryS    float64 `json:"every_s,omitempty"`
}

// VariantKey names one variant by its dimensions.
type VariantKey struct {
	Index     int    `json:"index"`
	TokenPool string `json:"token_pool"`
	Attribute string `json:"attribute"`
	Metadata  string `json:"metadata"`
}

// Totals are the run-wide counts and rates.
type Totals struct {
	Requests uint64 `json:"requests"`
	// PlannedRequests is what the plan would have sent over the time the
	// run actually sent (less than the whole plan when interrupted).
	PlannedRequests float64 `json:"planned_requests"`
	// TargetRate is PlannedRequests over the sending window; PeakTargetRate
	// the highest planned rate.
	TargetRate     float64 `json:"target_rate"`
	PeakTargetRate float64 `json:"peak_target_rate"`
	// AchievedRate is requests over the sending window (first to last
	// request start), as vegeta computes its rate.
	AchievedRate float64 `json:"achieved_rate"`
	// SendWindowS is the time from the first to the last request start.
	SendWindowS  float64   `json:"send_window_s"`
	FirstRequest time.Time `json:"first_request"`
	LastRequest  time.Time `json:"last_request"`
	// Ignored counts samples whose stage or variant index was outside the
	// plan; they are in no other number (a bug upstream if not zero).
	Ignored uint64 `json:"ignored,omitempty"`
	// BehindSchedule is set when the attacker sent noticeably fewer
	// requests than planned; BehindNote says by how much.
	BehindSchedule bool   `json:"behind_schedule"`
	BehindNote     string `json:"behind_note,omitempty"`

	OK         uint64 `json:"ok"`
	Throttled  uint64 `json:"throttled"`
	Errors     uint64 `json:"errors"`
	Violations uint64 `json:"violations"`
	Passed     uint64 `json:"passed"`

	OKRate        float64 `json:"ok_rate"`
	ThrottleRate  float64 `json:"throttle_rate"`
	ErrorRate     float64 `json:"error_rate"`
	ViolationRate float64 `json:"violation_rate"`

	BytesIn  uint64 `json:"bytes_in"`
	BytesOut uint64 `json:"bytes_out"`

	// Unsent counts requests the load generator could not send (outcome
	// generator_limit, verdict unsent): its own limits, never the
	// target's errors (since v1.3).
	Unsent     uint64  `json:"unsent,omitempty"`
	UnsentRate float64 `json:"unsent_rate,omitempty"`
}

// Latency is a set of percentiles in milliseconds.
type Latency struct {
	Count  uint64  `json:"count"`
	MinMs  float64 `json:"min_ms"`
	MeanMs float64 `json:"mean_ms"`
	P50Ms  float64 `json:"p50_ms"`
	P90Ms  float64 `json:"p90_ms"`
	P95Ms  float64 `json:"p95_ms"`
	P99Ms  float64 `json:"p99_ms"`
	P999Ms float64 `json:"p99_9_ms"`
	MaxMs  float64 `json:"max_ms"`
}

// Stat returns one statistic by the name thresholds and comparison rules
// use: p50, p90, p95, p99, p99.9, max, mean or min (milliseconds).
func (l Latency) Stat(name string) (ms float64, ok bool) {
	switch name {
	case "p50":
		return l.P50Ms, true
	case "p90":
		return l.P90Ms, true
	case "p95":
		return l.P95Ms, true
	case "p99":
		return l.P99Ms, true
	case "p99.9":
		return l.P999Ms, true
	case "max":
		return l.MaxMs, true
	case "mean":
		return l.MeanMs, true
	case "min":
		return l.MinMs, true
	}
	return 0, false
}

// OutcomeCount is how often one outcome happened.
type OutcomeCount struct {
	// Outcome is "ok", a Cognito error type or a transport class.
	Outcome string `json:"outcome"`
	// Class is "ok", a cognito.Class (auth, validation, throttle, ...),
	// "transport", "http" or "unknown".
	Class string  `json:"class"`
	Count uint64  `json:"count"`
	Share float64 `json:"share"`
}

// Group is the metrics of one slice of the run: the whole run, one token
// pool, attribute, metadata variant, stage or outcome.
type Group struct {
	Name     string  `json:"name"`
	Requests uint64  `json:"requests"`
	Share    float64 `json:"share"` // of all requests
	Latency  Latency `json:"latency"`
	// Outcomes is empty for per-outcome groups.
	Outcomes []OutcomeCount `json:"outcomes,omitempty"`

	OK         uint64 `json:"ok"`
	Throttled  uint64 `json:"throttled"`
	Errors     uint64 `json:"errors"`
	Violations uint64 `json:"violations"`

	OKRate        float64 `json:"ok_rate"`
	ThrottleRate  float64 `json:"throttle_rate"`
	ErrorRate     float64 `json:"error_rate"`
	ViolationRate float64 `json:"violation_rate"`

	// Histogram is the group's latency histogram in microseconds (1 µs ..
	// 5 min, 3 significant figures) in HdrHistogram's V2 compressed
	// encoding (base64 text), so shards merge exactly. Empty when no
	// requests were recorded.
	Histogram string `json:"histogram,omitempty"`
}

// Breakdown holds the per-dimension groups, in plan order (outcomes: most
// frequent first).
type Breakdown struct {
	TokenPools []Group `json:"token_pools"`
	Attributes []Group `json:"attributes"`
	Metadata   []Group `json:"metadata"`
	Stages     []Group `json:"stages"`
	Outcomes   []Group `json:"outcomes"`
}

// VariantResult is one expectation group and what it got.
type VariantResult struct {
	VariantKey
	Expected []string `json:"expected"`
	// Derived is true when Expected comes from the token kind and attribute.
	Derived    bool           `json:"derived"`
	Requests   uint64         `json:"requests"`
	OK         uint64         `json:"ok"`
	Throttled  uint64         `json:"throttled"`
	Errors     uint64         `json:"errors"`
	Violations uint64         `json:"violations"`
	Outcomes   []OutcomeCount `json:"outcomes,omitempty"`
}

// Violations counts wrong answers and keeps the first few of each kind.
type Violations struct {
	Count uint64 `json:"count"`
	// Examples are the first ExamplesPerKind per variant and outcome, at
	// most MaxExamples in all, in the order they happened.
	Examples []ViolationExample `json:"examples"`
}

// ViolationExample is one wrong answer, without any secret: which variant
// (by name), what came back, what was expected, and when.
type ViolationExample struct {
	Seq       uint64    `json:"seq"`
	Time      time.Time `json:"time"`
	OffsetS   float64   `json:"offset_s"` // since the run's start
	Stage     string    `json:"stage"`
	Variant   int       `json:"variant"`
	TokenPool string    `json:"token_pool"`
	Attribute string    `json:"attribute"`
	Metadata  string    `json:"metadata"`
	Outcome   string    `json:"outcome"`
	Code      uint16    `json:"code"`
	Expected  []string  `json:"expected"`
	LatencyMs float64   `json:"latency_ms"`
}

// Series is the per-interval time series of the run.
type Series struct {
	// IntervalS is the width of one point in seconds: 1, or a power of two
	// once a long run was downsampled to stay under MaxSeriesPoints.
	IntervalS int     `json:"interval_s"`
	Points    []Point `json:"points"`
}

// Point is one interval of the series, by request start time.
type Point struct {
	// T is the interval's start, Unix seconds.
	T int64 `json:"t"`
	// OffsetS is T minus the run's start, in seconds.
	OffsetS float64 `json:"offset_s"`
	Sent    uint64  `json:"sent"`
	// TargetRate is the plan's mean rate over the interval (requests/s;
	// summed over shards); Rate is Sent per second of the interval.
	TargetRate float64 `json:"target_rate"`
	Rate       float64 `json:"rate"`
	OK         uint64  `json:"ok"`
	Throttled  uint64  `json:"throttled"`
	Errors     uint64  `json:"errors"`
	Violations uint64  `json:"violations"`
	// P50Ms and P99Ms come from the interval's own histogram (2 significant
	// figures). After downsampling or merging shards they are approximate:
	// P50Ms is the count-weighted mean and P99Ms the maximum of the parts.
	P50Ms float64 `json:"p50_ms"`
	P99Ms float64 `json:"p99_ms"`
}

// ThresholdResult is one threshold with what was observed.
type ThresholdResult struct {
	Expr   string            `json:"expr"`
	Metric string            `json:"metric"`
	Filter map[string]string `json:"filter,omitempty"`
	Op     string            `json:"op"`
	// Value is the bound in the metric's unit (seconds for latency,
	// fraction for rates).
	Value float64 `json:"value"`
	Pos   string  `json:"pos,omitempty"`
	// Observed is in the same unit as Value; ObservedText is it formatted
	// for people ("312.4ms", "0.80%").
	Observed     float64 `json:"observed"`
	ObservedText string  `json:"observed_text"`
	Pass         bool    `json:"pass"`
	// Note explains a failure that is not a breach (unknown filter value,
	// unsupported combination, no data).
	Note string `json:"note,omitempty"`
}

// CountCell is one exact tally of the raw counts.
type CountCell struct {
	Stage   int    `json:"stage"`
	Variant int    `json:"variant"`
	Outcome string `json:"outcome"`
	Verdict string `json:"verdict"` // pass, throttled, error, violation, unsent
	Count   uint64 `json:"count"`
}

// Limits on the bounded parts of a Summary.
const (
	// ExamplesPerKind is how many violation examples are kept per variant
	// and outcome; MaxExamples caps them in all.
	ExamplesPerKind = 3
	MaxExamples     = 100
	// MaxSeriesPoints caps the series (6 h at one point per second);
	// beyond it adjacent points are merged and the interval doubles.
	MaxSeriesPoints = 6 * 60 * 60
)

// Passed reports whether every threshold held.
func (s *Summary) Passed() bool {
	for _, t := range s.Thresholds {
		if !t.Pass {
			return false
		}
	}
	return true
}

// Status is the exit status a finished run earns: 130 when interrupted,
// 1 when it did not measure its target (CheckReliability: nothing sent,
// no answer from the target, or too many requests unanswered or unsent
// with no threshold about them), 98 when a variant got a wrong answer, 99
// when a threshold failed, 0 otherwise.
func (s *Summary) Status() domain.ExitCode {
	switch {
	case s.Run.Interrupted:
		return domain.ExitInterrupted
	case s.CheckReliability().Failure != "":
		return domain.ExitRuntime
	case s.Violations.Count > 0:
		return domain.ExitViolations
	case !s.Passed():
		return domain.ExitThresholds
	}
	return domain.ExitOK
}
