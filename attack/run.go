package attack

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"net/http"
	"regexp"
	"strings"
	"sync/atomic"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/cogload/cogload/domain"
	"github.com/cogload/cogload/scenarios"
	"github.com/cogload/cogload/tokens"
)

// MaxBody caps the response bytes kept per result: Cognito's error bodies
// are small, and the type is all the classifier needs.
const MaxBody = 8 << 10

// DefaultTimeout is the per-request timeout when the plan sets none.
const DefaultTimeout = 10 * time.Second

// Sink receives every classified result exactly once, from a single
// goroutine. res.Body is nil, res.URL is the bare endpoint and res.Error
// carries no per-request URL.
type Sink interface {
	Record(res *vegeta.Result, s domain.Sample)
}

// SinkFunc adapts a function to Sink.
type SinkFunc func(res *vegeta.Result, s domain.Sample)

// Record implements Sink.
func (f SinkFunc) Record(res *vegeta.Result, s domain.Sample) { f(res, s) }

// StageStats says how one stage went against its plan.
type StageStats struct {
	Index      int
	Name       string
	Start, End time.Time
	// Planned is the number of requests the stage's schedule holds (up to
	// the interruption, for an interrupted stage); Sent those sent.
	Planned float64
	Sent    uint64
	// Skipped counts the stage's hits that were not sent: given up after
	// falling more than the pacer's backlog behind schedule, due while the
	// in-flight cap was reached (SkippedInFlight), or still due when the
	// stage ended (SkippedLate: nothing is sent after a stage's end).
	Skipped                      uint64
	SkippedInFlight, SkippedLate uint64
	TargetRate                   float64 // mean planned rate over the time it ran
	AchievedRate                 float64
	Interrupted                  bool
	// Exhausted: exclusive token pools ran out in this stage.
	Exhausted bool
}

// Stats summarises a run.
type Stats struct {
	Start, End time.Time
	Stages     []StageStats
	Planned    float64
	Sent       uint64
	// Interrupted: the context was cancelled; what was measured was still
	// recorded. Exhausted: exclusive token pools ran out and the attack
	// ended early.
	Interrupted bool
	Exhausted   bool
	// Generator is what the load generator had to work with.
	Generator GeneratorStats
}

// Option tunes Run.
type Option func(*config)

type config struct {
	client        *http.Client
	progress      func(domain.Progress)
	progressEvery time.Duration
	now           func() time.Time
	maxBacklog    time.Duration
	name          string
	// fdsPerRequest is how many file descriptors a request in flight
	// holds: two when the target is served by this process.
	fdsPerRequest int
}

// WithHTTPClient sends through a copy of c; its *http.Transport (if it is
// one) is cloned and tuned (connections, keep-alive, HTTP/1.1), any other
// RoundTripper is used as it is.
func WithHTTPClient(c *http.Client) Option { return func(o *config) { o.client = c } }

// WithProgress calls fn about every 250 ms from the consumer goroutine, and
// once more at the end with Done set. When the sink has a
// Progress() domain.Progress method (an archive writer does), the
// snapshot carries its counts and latency too.
func WithProgress(fn func(domain.Progress)) Option { return func(o *config) { o.progress = fn } }

// WithProgressInterval changes how often WithProgress's fn is called.
func WithProgressInterval(d time.Duration) Option {
	return func(o *config) { o.progressEvery = d }
}

// WithClock sets the clock of Stats and Progress (tests).
func WithClock(now func() time.Time) Option { return func(o *config) { o.now = now } }

// WithMaxBacklog sets how far behind schedule a pacer may fall before it
// skips hits instead of bursting (default DefaultMaxBacklog).
func WithMaxBacklog(d time.Duration) Option { return func(o *config) { o.maxBacklog = d } }

// WithTargetInProcess says the target is served by this process (the
// embedded mock), so each connection holds two of its file descriptors,
// one per end, and the default in-flight cap leaves room for both.
func WithTargetInProcess() Option { return func(o *config) { o.fdsPerRequest = 2 } }

// WithName sets vegeta's attack name (Result.Attack, the X-Vegeta-Attack
// header); shards of one run should use distinct names.
func WithName(name string) Option { return func(o *config) { o.name = name } }

// transport builds the one Transport every stage shares, so connections
// survive stage boundaries. It is tuned once, before any request, as
// vegeta's KeepAlive(true), HTTP2(false) and Connections(n) would (those
// options mutate the transport, which must not happen once it is in use).
// Its connections are capped at the in-flight cap: a request that dials
// while another's connection turns idle leaves an extra connection behind,
// and those would otherwise creep past the file descriptors the cap was
// sized for.
func (c *config) transport(plan *scenarios.Plan, maxInFlight int) http.RoundTripper {
	var t *http.Transport
	switch {
	case c.client == nil || c.client.Transport == nil:
		t = &http.Transport{
			Proxy:               http.ProxyFromEnvironment,
			DialContext:         (&net.Dialer{KeepAlive: 30 * time.Second}).DialContext,
			MaxIdleConnsPerHost: vegeta.DefaultConnections,
			IdleConnTimeout:     90 * time.Second,
		}
	default:
		ht, ok := c.client.Transport.(*http.Transport)
		if !ok {
			return c.client.Transport // not ours to tune
		}
		t = ht.Clone()
	}
	t.DisableKeepAlives = false
	t.ForceAttemptHTTP2 = false
	t.TLSNextProto = map[string]func(string, *tls.Conn) http.RoundTripper{}
	if plan.Connections > 0 {
		t.MaxIdleConnsPerHost = plan.Connections
	}
	t.MaxConnsPerHost = maxInFlight
	return t
}

func (c *config) attacker(plan *scenarios.Plan, rt http.RoundTripper, maxInFlight int) *vegeta.Attacker {
	cl := &http.Client{Transport: rt}
	if c.client != nil {
		cp := *c.client
		cp.Transport = rt
		cl = &cp
	}
	timeout := plan.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	// A worker sends one request at a time, so capping the workers at the
	// in-flight cap holds it even for the one hit the pacer schedules ahead
	// (vegeta sends a hit after every wait, whatever is in flight by then).
	workers := uint64(maxInFlight)
	if plan.MaxWorkers > 0 {
		workers = min(workers, plan.MaxWorkers)
	}
	opts := []func(*vegeta.Attacker){vegeta.Client(cl), vegeta.Timeout(timeout), vegeta.MaxBody(MaxBody), vegeta.MaxWorkers(workers)}
	return vegeta.NewAttacker(opts...)
}

// Run attacks endpoint with plan, one new vegeta Attacker per stage (an
// Attacker is single-use), and hands every result, classified and judged,
// to sink from this goroutine. Cancelling ctx stops sending, lets requests
// in flight finish (they still reach sink), skips the remaining stages and
// returns Stats with Interrupted set and a nil error.
func Run(ctx context.Context, plan *scenarios.Plan, set *tokens.Set, endpoint string, sink Sink, opts ...Option) (Stats, error) {
	c := &config{progressEvery: 250 * time.Millisecond, now: time.Now, name: "cogload", fdsPerRequest: 1}
	for _, o := range opts {
		o(c)
	}
	tr, err := NewTargeter(plan, set, endpoint)
	if err != nil {
		return Stats{}, err
	}
	if len(plan.Stages) == 0 {
		return Stats{}, errors.New("plan has no stages")
	}
	r := &runner{plan: plan, cfg: c, sink: sink, bare: strings.TrimRight(endpoint, "/") + "/"}
	r.stats.Start = c.now()
	r.stats.Generator = generatorStats(plan.MaxInFlight, c.fdsPerRequest)
	rt := c.transport(plan, r.stats.Generator.MaxInFlight)
	if t, ok := rt.(*http.Transport); ok {
		defer t.CloseIdleConnections()
	}
	for i, st := range plan.Stages {
		if ctx.Err() != nil {
			r.stats.Interrupted = true
			break
		}
		r.runStage(ctx, i, st, tr, c.attacker(plan, rt, r.stats.Generator.MaxInFlight))
		if r.stats.Interrupted || r.stats.Exhausted {
			break
		}
	}
	r.stats.End = c.now()
	for _, s := range r.stats.Stages {
		r.stats.Planned += s.Planned
		r.stats.Sent += s.Sent
	}
	r.report(true)
	return r.stats, nil
}

type runner struct {
	plan  *scenarios.Plan
	cfg   *config
	sink  Sink
	bare  string
	stats Stats

	seq   uint64
	stage int
	// due counts the requests the plan schedules up to now, on the
	// stages' own clock (a stage starts when the previous one ends).
	due float64
}

// progressSource is a sink that counts what it was given.
type progressSource interface {
	Progress() domain.Progress
}

// errStageOver refuses a hit that would go out after its stage's end
// (the pacer scheduled it in time, but the generator was late sending
// it). Returned by the targeter, it also stops the stage's attacker.
var errStageOver = errors.New("cogload: the stage has ended")

func (r *runner) runStage(ctx context.Context, i int, st scenarios.Stage, tr *Targeter, atk *vegeta.Attacker) {
	pacer := NewPacer(st, r.cfg.maxBacklog)
	var received atomic.Uint64
	pacer.LimitInFlight(uint64(r.stats.Generator.MaxInFlight), received.Load)
	ss := StageStats{Index: i, Name: st.Name, Start: r.cfg.now()}
	r.stage = i
	dueBefore := r.plan.RequestsUpTo(r.plan.StageStart(i))
	r.due = dueBefore
	var end atomic.Pointer[time.Time] // nil until the attack has started
	target := tr.Func()
	results := atk.Attack(func(t *vegeta.Target) error {
		if e := end.Load(); e != nil && !time.Now().Before(*e) {
			return errStageOver
		}
		return target(t)
	}, pacer, 0, r.cfg.name)
	// Taken after vegeta's own start, so a hit the pacer schedules before
	// the stage's end on vegeta's clock is before it on this one too.
	began := time.Now()
	stageEnd := began.Add(st.Duration)
	end.Store(&stageEnd)
	tick := time.NewTicker(r.cfg.progressEvery)
	defer tick.Stop()
	done := ctx.Done()
	var stoppedAt time.Duration = -1
loop:
	for {
		select {
		case res, ok := <-results:
			if !ok {
				break loop
			}
			received.Add(1)
			switch {
			case res.Code == 0 && res.Error == vegeta.ErrNoTargets.Error():
				// The targeter's pseudo-result: nothing was sent.
				r.stats.Exhausted = true
				continue
			case res.Code == 0 && res.Error == errStageOver.Error():
				continue // not sent; counted as late below
			}
			ss.Sent++
			r.record(res, i)
		case <-done:
			atk.Stop()
			done = nil // keep draining; in-flight results still count
			stoppedAt = time.Since(began)
			ss.Interrupted = true
			r.stats.Interrupted = true
		case <-tick.C:
			r.due = dueBefore + st.RequestsUpTo(min(time.Since(began), st.Duration))
			r.report(false)
		}
	}
	// The pacer stops after the stage's last hit, which can come well
	// before its end (a ramp down to 0): wait it out so the next stage
	// starts on time.
	if stoppedAt < 0 && !r.stats.Exhausted {
		r.waitUntil(ctx, stageEnd, tick, &ss, &stoppedAt, began)
	}
	ss.End = r.cfg.now()
	ss.Skipped, ss.SkippedInFlight = pacer.Skipped(), pacer.SkippedInFlight()
	r.stats.Generator.PeakInFlight = max(r.stats.Generator.PeakInFlight, int(pacer.PeakInFlight()))
	ran := st.Duration
	ss.Planned = pacer.Planned()
	if stoppedAt >= 0 && stoppedAt < st.Duration {
		ran = stoppedAt
		ss.Planned = pacer.Expected(stoppedAt)
	}
	if !ss.Interrupted && !r.stats.Exhausted {
		// Every hit of a stage that ran its course was sent or skipped:
		// what the pacer did not skip and was not sent was still due at
		// the stage's end.
		if sent := ss.Sent + ss.Skipped; sent < pacer.Hits() {
			ss.SkippedLate = pacer.Hits() - sent
			ss.Skipped += ss.SkippedLate
		}
	}
	r.due = dueBefore + st.RequestsUpTo(ran)
	if ran > 0 {
		ss.TargetRate = pacer.Expected(ran) / ran.Seconds()
		ss.AchievedRate = float64(ss.Sent) / ran.Seconds()
	}
	ss.Exhausted = r.stats.Exhausted
	r.stats.Stages = append(r.stats.Stages, ss)
}

func (r *runner) record(res *vegeta.Result, stage int) {
	outcome := Classify(res)
	v := VariantOf(res.URL)
	if v < 0 || v >= len(r.plan.Variants) {
		v = 0 // cannot happen for targets of NewTargeter
	}
	verdict := Judge(outcome, r.plan.Variants[v].Expect)
	s := domain.Sample{
		Seq:       r.seq,
		Timestamp: res.Timestamp,
		Latency:   res.Latency,
		Stage:     stage,
		Variant:   v,
		Code:      res.Code,
		Outcome:   outcome,
		Verdict:   verdict,
		BytesIn:   res.BytesIn,
		BytesOut:  res.BytesOut,
	}
	r.seq++
	res.Body = nil
	if res.Error != "" {
		res.Error = normaliseError(res.Error, res.URL, r.bare)
	}
	res.URL = r.bare
	r.sink.Record(res, s)
}

// localAddr matches the ephemeral source address in net errors such as
// "read tcp 127.0.0.1:51234->127.0.0.1:9229: read: connection reset".
var localAddr = regexp.MustCompile(`tcp \S+->`)

// normaliseError strips what makes error strings unique per request (the
// tagged URL, the source port), so error sets stay small.
func normaliseError(e, u, bare string) string {
	if u != "" {
		e = strings.ReplaceAll(e, u, bare)
	}
	if strings.Contains(e, "->") {
		e = localAddr.ReplaceAllString(e, "tcp ")
	}
	return e
}

func (r *runner) report(final bool) {
	if r.cfg.progress == nil {
		return
	}
	var p domain.Progress
	if src, ok := r.sink.(progressSource); ok {
		p = src.Progress()
	}
	p.Elapsed, p.Stage, p.Sent, p.Due, p.Done = r.cfg.now().Sub(r.stats.Start), r.stage, r.seq, r.due, final
	if r.stage < len(r.plan.Stages) {
		p.StageName = r.plan.Stages[r.stage].Name
	}
	r.cfg.progress(p)
}

// waitUntil waits for the end of a stage whose pacer finished early,
// still reporting progress and honouring cancellation.
func (r *runner) waitUntil(ctx context.Context, end time.Time, tick *time.Ticker, ss *StageStats, stoppedAt *time.Duration, began time.Time) {
	d := time.Until(end)
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			return
		case <-tick.C:
			r.report(false)
		case <-ctx.Done():
			*stoppedAt = time.Since(began)
			ss.Interrupted = true
			r.stats.Interrupted = true
			return
		}
	}
}
