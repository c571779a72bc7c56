package attack

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/cogload/cogload/aggregate"
	"github.com/cogload/cogload/cognito"
	"github.com/cogload/cogload/domain"
	"github.com/cogload/cogload/scenarios"
)

// fakeGUAVC answers GetUserAttributeVerificationCode by token prefix
// ("ok…" succeeds, "na…" NotAuthorized, "th…" TooManyRequests, "ie…"
// InternalError, "ip…" InvalidParameter) and counts what it received per
// (token prefix, attribute, metadata shape), the variant as the server sees it.
type fakeGUAVC struct {
	mu       sync.Mutex
	got      map[string]int
	uris     map[string]int
	bad      int
	delay    time.Duration
	inFlight chan struct{} // closed once, when the first request arrives
	once     sync.Once
}

func newFakeGUAVC() *fakeGUAVC {
	return &fakeGUAVC{got: map[string]int{}, uris: map[string]int{}, inFlight: make(chan struct{})}
}

func shape(md map[string]string, raw []byte) string {
	switch {
	case !strings.Contains(string(raw), `"ClientMetadata"`):
		return "absent"
	case len(md) == 0:
		return "empty"
	}
	return "values"
}

func (f *fakeGUAVC) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.once.Do(func() { close(f.inFlight) })
	body, _ := io.ReadAll(r.Body)
	var in cognito.GetUserAttributeVerificationCodeInput
	err := json.Unmarshal(body, &in)
	f.mu.Lock()
	f.uris[r.RequestURI]++
	if err != nil || r.Header.Get(cognito.HeaderTarget) != cognito.Target(cognito.OpGetUserAttributeVerificationCode) || r.Header.Get("Content-Type") != cognito.ContentType || len(in.AccessToken) < 2 {
		f.bad++
		f.mu.Unlock()
		http.Error(w, "bad request", 500)
		return
	}
	f.got[in.AccessToken[:2]+"|"+in.AttributeName+"|"+shape(in.ClientMetadata, body)]++
	f.mu.Unlock()
	if f.delay > 0 {
		time.Sleep(f.delay)
	}
	rid := cognito.NewRequestID()
	switch in.AccessToken[:2] {
	case "ok":
		cognito.WriteJSON(w, rid, cognito.GetUserAttributeVerificationCodeOutput{CodeDeliveryDetails: &cognito.CodeDeliveryDetails{AttributeName: in.AttributeName, DeliveryMedium: "EMAIL", Destination: "a***@e***"}})
	case "na":
		cognito.WriteError(w, rid, cognito.NewError(cognito.ErrNotAuthorized, ""), cognito.StatusObserved)
	case "th":
		cognito.WriteError(w, rid, cognito.NewError(cognito.ErrTooManyRequests, ""), cognito.StatusObserved)
	case "ie":
		cognito.WriteError(w, rid, cognito.NewError(cognito.ErrInternalError, ""), cognito.StatusObserved)
	default:
		cognito.WriteError(w, rid, cognito.NewError(cognito.ErrInvalidParameter, ""), cognito.StatusObserved)
	}
}

// recorder is a Sink that keeps samples and checks what Run promises
// about each result.
type recorder struct {
	t       *testing.T
	bare    string
	samples []domain.Sample
	onCount func(n int)
	mu      sync.Mutex // only to catch a second goroutine: TryLock fails
}

// Progress counts verdicts the way an archive writer does, so the
// attack's snapshots carry them.
func (r *recorder) Progress() domain.Progress {
	var p domain.Progress
	for _, s := range r.samples {
		switch s.Verdict {
		case domain.VerdictPass:
			p.OK++
		case domain.VerdictThrottled:
			p.Throttled++
		case domain.VerdictError:
			p.Errors++
		default:
			p.Violations++
		}
	}
	return p
}

func (r *recorder) Record(res *vegeta.Result, s domain.Sample) {
	if !r.mu.TryLock() {
		r.t.Error("Record called concurrently")
		return
	}
	defer r.mu.Unlock()
	if res.Body != nil {
		r.t.Error("body not dropped")
	}
	if res.URL != r.bare {
		r.t.Errorf("URL %q not normalised to %q", res.URL, r.bare)
	}
	if strings.Contains(res.Error, "#v=") {
		r.t.Errorf("error keeps the tagged URL: %q", res.Error)
	}
	if s.Seq != uint64(len(r.samples)) {
		r.t.Errorf("sample seq %d, want %d", s.Seq, len(r.samples))
	}
	r.samples = append(r.samples, s)
	if r.onCount != nil {
		r.onCount(len(r.samples))
	}
}

func e2ePlan(stages ...scenarios.Stage) (*scenarios.Plan, [][]string) {
	pools := []scenarios.TokenPool{pool("valid", 0.5, scenarios.CheckoutSequential), pool("revoked", 0.3, scenarios.CheckoutRandom), pool("mixed", 0.2, scenarios.CheckoutSequential)}
	attrs := []scenarios.Attribute{{Name: "email", Weight: 0.8}, {Name: "custom:x", Weight: 0.2}}
	md := []scenarios.MetadataVariant{absent, {Name: "empty", Weight: 1, Values: map[string]string{}}}
	plan := testPlan(pools, attrs, md, stages...)
	for i, v := range plan.Variants {
		switch {
		case v.TokenPool == 1:
			plan.Variants[i].Expect = domain.Expectation{Outcomes: []string{cognito.ErrNotAuthorized}}
		case v.Attribute == 1:
			plan.Variants[i].Expect = domain.Expectation{Outcomes: []string{cognito.ErrInvalidParameter}}
		default:
			plan.Variants[i].Expect = domain.Expectation{Outcomes: []string{domain.OutcomeOK}}
		}
	}
	toks := [][]string{{"ok-1", "ok-2", "ok-3"}, {"na-1", "na-2"}, {"ok-9", "th-1", "ie-1", "na-9"}}
	return plan, toks
}

func TestRunEndToEnd(t *testing.T) {
	f := newFakeGUAVC()
	srv := httptest.NewServer(f)
	defer srv.Close()
	plan, toks := e2ePlan(
		scenarios.Stage{Name: "warm", Kind: scenarios.StageConstant, Duration: 500 * time.Millisecond, From: 100},
		scenarios.Stage{Name: "ramp", Kind: scenarios.StageRamp, Duration: 500 * time.Millisecond, From: 100, To: 300},
	)
	rec := &recorder{t: t, bare: srv.URL + "/"}
	var progress []domain.Progress
	stats, err := Run(context.Background(), plan, setOf(t, plan, toks...), srv.URL, rec,
		WithProgress(func(p domain.Progress) { progress = append(progress, p) }), WithProgressInterval(100*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	// 50 + 100 requests planned; a loaded machine may make the pacer skip
	// some, but never lose or double one.
	skipped := stats.Stages[0].Skipped + stats.Stages[1].Skipped
	if stats.Sent+skipped != 150 || uint64(len(rec.samples)) != stats.Sent || stats.Planned != 150 {
		t.Fatalf("sent %d, skipped %d, recorded %d, planned %v; want 150", stats.Sent, skipped, len(rec.samples), stats.Planned)
	}
	if stats.Interrupted || stats.Exhausted || len(stats.Stages) != 2 {
		t.Fatalf("stats %+v", stats)
	}
	if stats.Stages[0].Sent+stats.Stages[0].Skipped != 50 || stats.Stages[1].Sent+stats.Stages[1].Skipped != 100 {
		t.Errorf("per stage sent %d, %d", stats.Stages[0].Sent, stats.Stages[1].Sent)
	}
	if stats.Stages[1].Start.Before(stats.Stages[0].End) || stats.Stages[0].End.Sub(stats.Stages[0].Start) < 500*time.Millisecond {
		t.Errorf("stage times %v..%v, %v..", stats.Stages[0].Start, stats.Stages[0].End, stats.Stages[1].Start)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.bad != 0 || len(f.uris) != 1 || f.uris["/"] != len(rec.samples) {
		t.Errorf("server saw %d bad requests, URIs %v (the fragment must not be sent)", f.bad, f.uris)
	}
	// What the server received per variant equals what the sink got.
	client := map[string]int{}
	verdicts := map[domain.Verdict]int{}
	for _, s := range rec.samples {
		v := plan.Variants[s.Variant]
		if s.Stage != 0 && s.Stage != 1 {
			t.Fatalf("stage %d", s.Stage)
		}
		verdicts[s.Verdict]++
		if s.Verdict != Judge(s.Outcome, v.Expect) || s.Latency <= 0 || s.Timestamp.IsZero() || s.BytesOut == 0 {
			t.Errorf("sample %+v", s)
		}
		want := map[string]string{"ok": domain.OutcomeOK, "na": cognito.ErrNotAuthorized, "th": cognito.ErrTooManyRequests, "ie": cognito.ErrInternalError}
		shape := "absent"
		if !plan.Metadata[v.Metadata].Absent {
			shape = "empty"
		}
		attr := plan.Attributes[v.Attribute].Name
		// Every sample's token class is recovered from its outcome.
		prefix := ""
		for p, o := range want {
			if o == s.Outcome {
				prefix = p
			}
		}
		if prefix == "" {
			t.Fatalf("unexpected outcome %q", s.Outcome)
		}
		client[prefix+"|"+attr+"|"+shape]++
	}
	for k, n := range f.got {
		if client[k] != n {
			t.Errorf("%s: server %d, sink %d", k, n, client[k])
		}
	}
	if verdicts[domain.VerdictPass] == 0 || verdicts[domain.VerdictThrottled] == 0 || verdicts[domain.VerdictError] == 0 {
		t.Errorf("verdicts %v: want passes, throttles and errors", verdicts)
	}
	if len(progress) < 3 || !progress[len(progress)-1].Done || progress[len(progress)-1].Sent != stats.Sent {
		t.Errorf("progress %+v", progress)
	}
	last := progress[len(progress)-1]
	if last.OK+last.Throttled+last.Errors+last.Violations != stats.Sent {
		t.Errorf("progress counts %+v", last)
	}
}

func TestRunInterrupted(t *testing.T) {
	f := newFakeGUAVC()
	f.delay = 50 * time.Millisecond
	srv := httptest.NewServer(f)
	defer srv.Close()
	plan, toks := e2ePlan(
		scenarios.Stage{Name: "one", Kind: scenarios.StageConstant, Duration: 2 * time.Second, From: 100},
		scenarios.Stage{Name: "two", Kind: scenarios.StageConstant, Duration: time.Second, From: 100},
	)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	rec := &recorder{t: t, bare: srv.URL + "/", onCount: func(n int) {
		if n == 20 {
			cancel()
		}
	}}
	stats, err := Run(ctx, plan, setOf(t, plan, toks...), srv.URL, rec)
	if err != nil {
		t.Fatal(err)
	}
	if !stats.Interrupted || len(stats.Stages) != 1 || !stats.Stages[0].Interrupted {
		t.Fatalf("stats %+v", stats)
	}
	f.mu.Lock()
	received := f.uris["/"]
	f.mu.Unlock()
	// Requests in flight at the cancel (about 5 at 100/s × 50 ms) were
	// drained: everything the server received reached the sink once.
	if uint64(len(rec.samples)) != stats.Sent || received != len(rec.samples) || len(rec.samples) < 20 || len(rec.samples) > 100 {
		t.Errorf("server %d, sink %d, stats %d", received, len(rec.samples), stats.Sent)
	}
	if st := stats.Stages[0]; st.Planned >= 200 || st.Planned < 15 {
		t.Errorf("interrupted stage planned %v, want the part before the cancel", st.Planned)
	}
}

func TestRunExhausted(t *testing.T) {
	f := newFakeGUAVC()
	srv := httptest.NewServer(f)
	defer srv.Close()
	plan := testPlan([]scenarios.TokenPool{pool("once", 1, scenarios.CheckoutExclusive)}, oneAttr, []scenarios.MetadataVariant{absent},
		scenarios.Stage{Kind: scenarios.StageConstant, Duration: time.Second, From: 200},
		scenarios.Stage{Kind: scenarios.StageConstant, Duration: time.Second, From: 200})
	plan.Variants[0].Expect.Outcomes = []string{domain.OutcomeOK}
	toks := make([]string, 30)
	for i := range toks {
		toks[i] = "ok-" + string(rune('a'+i%26)) + string(rune('a'+i/26))
	}
	rec := &recorder{t: t, bare: srv.URL + "/"}
	stats, err := Run(context.Background(), plan, setOf(t, plan, toks), srv.URL+"/", rec)
	if err != nil {
		t.Fatal(err)
	}
	if !stats.Exhausted || stats.Sent != 30 || len(rec.samples) != 30 || len(stats.Stages) != 1 {
		t.Fatalf("exhausted %v, sent %d, recorded %d, stages %d", stats.Exhausted, stats.Sent, len(rec.samples), len(stats.Stages))
	}
	for _, s := range rec.samples {
		if s.Outcome != domain.OutcomeOK {
			t.Errorf("outcome %q (the no-targets pseudo-result must not reach the sink)", s.Outcome)
		}
	}
}

func TestRunBehindSchedule(t *testing.T) {
	f := newFakeGUAVC()
	f.delay = 100 * time.Millisecond
	srv := httptest.NewServer(f)
	defer srv.Close()
	// Two workers at most against a 100 ms server: at most ~20/s of the 100/s.
	plan, toks := e2ePlan(scenarios.Stage{Kind: scenarios.StageConstant, Duration: 500 * time.Millisecond, From: 100})
	plan.MaxWorkers = 2
	rec := &recorder{t: t, bare: srv.URL + "/"}
	stats, err := Run(context.Background(), plan, setOf(t, plan, toks...), srv.URL, rec)
	if err != nil {
		t.Fatal(err)
	}
	st := stats.Stages[0]
	if !aggregate.Behind(st.Planned, st.Sent, st.Skipped) || st.AchievedRate >= st.TargetRate {
		t.Errorf("a closed model at 2 workers not reported behind: %+v", st)
	}
}

type countingRT struct {
	mu sync.Mutex
	n  int
	rt http.RoundTripper
}

func (c *countingRT) RoundTrip(r *http.Request) (*http.Response, error) {
	c.mu.Lock()
	c.n++
	c.mu.Unlock()
	return c.rt.RoundTrip(r)
}

func TestRunWithHTTPClientAndClock(t *testing.T) {
	f := newFakeGUAVC()
	srv := httptest.NewServer(f)
	defer srv.Close()
	plan, toks := e2ePlan(scenarios.Stage{Kind: scenarios.StageConstant, Duration: 200 * time.Millisecond, From: 50})
	rt := &countingRT{rt: srv.Client().Transport}
	clock := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	stats, err := Run(context.Background(), plan, setOf(t, plan, toks...), srv.URL, &recorder{t: t, bare: srv.URL + "/"},
		WithHTTPClient(&http.Client{Transport: rt}), WithClock(func() time.Time { return clock }), WithName("shard-1"))
	if err != nil {
		t.Fatal(err)
	}
	rt.mu.Lock()
	defer rt.mu.Unlock()
	if rt.n != int(stats.Sent) || stats.Sent == 0 {
		t.Errorf("custom RoundTripper saw %d of %d requests", rt.n, stats.Sent)
	}
	if !stats.Start.Equal(clock) || !stats.Stages[0].End.Equal(clock) {
		t.Errorf("stats times %v..%v not from the injected clock", stats.Start, stats.End)
	}
	if _, err := Run(context.Background(), plan, setOf(t, plan, toks...), "not a url", &recorder{t: t}); err == nil {
		t.Error("bad endpoint accepted")
	}
}

// TestRunNeverSendsAfterTheStageEnd: a generator held back (two workers
// against a 100 ms server, far below the 200/s asked for) never sends a
// request after its stage's end; what was still due then is skipped and
// counted, so every hit of the stage is either sent or skipped.
func TestRunNeverSendsAfterTheStageEnd(t *testing.T) {
	f := newFakeGUAVC()
	f.delay = 100 * time.Millisecond
	srv := httptest.NewServer(f)
	defer srv.Close()
	st := scenarios.Stage{Name: "held", Kind: scenarios.StageConstant, Duration: 500 * time.Millisecond, From: 200}
	plan, toks := e2ePlan(st, scenarios.Stage{Name: "next", Kind: scenarios.StageConstant, Duration: 200 * time.Millisecond, From: 10})
	plan.MaxWorkers = 2
	rec := &recorder{t: t, bare: srv.URL + "/"}
	stats, err := Run(context.Background(), plan, setOf(t, plan, toks...), srv.URL, rec)
	if err != nil {
		t.Fatal(err)
	}
	held := stats.Stages[0]
	for _, s := range rec.samples {
		if s.Stage == 0 && s.Timestamp.After(held.Start.Add(st.Duration+5*time.Millisecond)) {
			t.Errorf("request %d of stage %s sent %s after the stage started, past its %s", s.Seq, st.Name, s.Timestamp.Sub(held.Start), st.Duration)
		}
	}
	if held.Sent+held.Skipped != st.Hits() || held.SkippedLate == 0 || held.SkippedInFlight+held.SkippedLate > held.Skipped {
		t.Errorf("stage %+v: want sent+skipped = %d hits, some still due at the end", held, st.Hits())
	}
}

// TestRunCapsRequestsInFlight: load.maxInFlight holds the requests in
// flight against a slow target; the hits due at the cap are skipped and
// counted, and the stats say what the generator had to work with.
func TestRunCapsRequestsInFlight(t *testing.T) {
	f := newFakeGUAVC()
	f.delay = 100 * time.Millisecond
	var inFlight, peak atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
		}
		f.ServeHTTP(w, r)
	}))
	defer srv.Close()
	st := scenarios.Stage{Name: "slow", Kind: scenarios.StageConstant, Duration: 600 * time.Millisecond, From: 500}
	plan, toks := e2ePlan(st)
	plan.MaxInFlight = 10
	rec := &recorder{t: t, bare: srv.URL + "/"}
	stats, err := Run(context.Background(), plan, setOf(t, plan, toks...), srv.URL, rec)
	if err != nil {
		t.Fatal(err)
	}
	g, s := stats.Generator, stats.Stages[0]
	if p := peak.Load(); p > 10 {
		t.Errorf("%d requests in flight at the server, cap 10", p)
	}
	if g.MaxInFlight != 10 || g.CapFrom != domain.CapFromScenario || g.PeakInFlight == 0 || g.PeakInFlight > 10 || g.CPUs < 1 {
		t.Errorf("generator %+v", g)
	}
	// About 100/s get through (10 in flight, 100 ms each) of the 500/s.
	if s.SkippedInFlight < 100 || s.Sent > 100 || s.Sent+s.Skipped != st.Hits() {
		t.Errorf("stage %+v: want most of the %d hits skipped at the cap", s, st.Hits())
	}
}

func TestInFlightCap(t *testing.T) {
	for _, tc := range []struct {
		planned       int
		soft          uint64
		fdsPerRequest int
		want          int
		from          domain.InFlightCap
	}{
		{0, 0, 1, scenarios.DefaultMaxInFlight, domain.CapFromDefault},       // limit unknown
		{0, 1 << 20, 1, scenarios.DefaultMaxInFlight, domain.CapFromDefault}, // room enough
		{0, 1 << 62, 2, scenarios.DefaultMaxInFlight, domain.CapFromDefault}, // unlimited
		{0, 4096, 1, 4096 - fdReserve, domain.CapFromFDs},                    // ulimit -n 4096
		{0, 4096, 2, (4096 - fdReserve) / 2, domain.CapFromFDs},              // both ends in this process
		{0, 1024, 2, (1024 - fdReserve) / 2, domain.CapFromFDs},
		{0, 100, 1, 1, domain.CapFromFDs},
		{50000, 4096, 1, 50000, domain.CapFromScenario}, // asked for: the report says when descriptors run out
	} {
		got, from := inFlightCap(tc.planned, tc.soft, tc.fdsPerRequest)
		if got != tc.want || from != tc.from {
			t.Errorf("inFlightCap(%d, %d, %d) = %d, %v; want %d, %v", tc.planned, tc.soft, tc.fdsPerRequest, got, from, tc.want, tc.from)
		}
	}
}
