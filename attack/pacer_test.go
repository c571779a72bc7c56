package attack

import (
	"fmt"
	"math"
	"slices"
	"testing"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/cogload/cogload/scenarios"
)

// simulate drives a pacer as vegeta's pacing loop does (Pace, sleep, send)
// without sleeping, and returns the send times. stallAt/stall inject one
// pause of the pacing goroutine.
func simulate(t *testing.T, p vegeta.Pacer, stallAt, stall time.Duration) []time.Duration {
	t.Helper()
	var (
		elapsed time.Duration
		hits    uint64
		sent    []time.Duration
		stalled bool
	)
	for range 1_000_000 {
		wait, stop := p.Pace(elapsed, hits)
		if stop {
			return sent
		}
		if wait < 0 {
			t.Fatalf("negative wait %v at %v", wait, elapsed)
		}
		elapsed += wait
		if !stalled && stall > 0 && elapsed >= stallAt {
			stalled = true
			elapsed += stall
		}
		sent = append(sent, elapsed)
		hits++
	}
	t.Fatal("pacer never stopped")
	return nil
}

func perInterval(sent []time.Duration, every time.Duration, n int) []int {
	out := make([]int, n)
	for _, s := range sent {
		if i := int(s / every); i < n {
			out[i]++
		} else {
			out[n-1] += 1000 // a hit after the stage: make it visible
		}
	}
	return out
}

func TestPacerSchedules(t *testing.T) {
	tests := []struct {
		name  string
		stage scenarios.Stage
		every time.Duration
		want  []int
	}{
		{"constant", scenarios.Stage{Kind: scenarios.StageConstant, Duration: 3 * time.Second, From: 100}, time.Second, []int{100, 100, 100}},
		{"constant fractional", scenarios.Stage{Kind: scenarios.StageConstant, Duration: 2 * time.Second, From: 2.5}, time.Second, []int{3, 2}},
		{"constant slow", scenarios.Stage{Kind: scenarios.StageConstant, Duration: 4 * time.Second, From: 0.5}, time.Second, []int{1, 0, 1, 0}},
		{"ramp up", scenarios.Stage{Kind: scenarios.StageRamp, Duration: 4 * time.Second, From: 0, To: 400}, time.Second, []int{50, 150, 250, 350}},
		{"ramp down", scenarios.Stage{Kind: scenarios.StageRamp, Duration: 2 * time.Second, From: 300, To: 100}, time.Second, []int{250, 150}},
		{"ramp flat", scenarios.Stage{Kind: scenarios.StageRamp, Duration: 2 * time.Second, From: 50, To: 50}, time.Second, []int{50, 50}},
		{"steps", scenarios.Stage{Kind: scenarios.StageSteps, Duration: 4 * time.Second, From: 10, To: 30, Step: 10, Every: time.Second}, time.Second, []int{10, 20, 30, 30}},
		{"steps down", scenarios.Stage{Kind: scenarios.StageSteps, Duration: 3 * time.Second, From: 30, To: 10, Step: -10, Every: time.Second}, time.Second, []int{30, 20, 10}},
		{"steps from zero", scenarios.Stage{Kind: scenarios.StageSteps, Duration: 3 * time.Second, From: 0, To: 20, Step: 10, Every: time.Second}, time.Second, []int{0, 10, 20}},
		{"steps partial", scenarios.Stage{Kind: scenarios.StageSteps, Duration: 2500 * time.Millisecond, From: 10, To: 100, Step: 10, Every: time.Second}, 500 * time.Millisecond, []int{5, 5, 10, 10, 15}},
		{"zero rate", scenarios.Stage{Kind: scenarios.StageConstant, Duration: time.Second, From: 0}, time.Second, []int{0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := NewPacer(tt.stage, 0)
			sent := simulate(t, p, 0, 0)
			got := perInterval(sent, tt.every, len(tt.want))
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("hits per %v = %v, want %v", tt.every, got, tt.want)
			}
			if plan := tt.stage.Requests(); math.Abs(p.Planned()-plan) > 1e-6 {
				t.Errorf("Planned = %v, Stage.Requests = %v", p.Planned(), plan)
			}
			if want := math.Ceil(p.Planned() - 1e-9); float64(len(sent)) != want {
				t.Errorf("sent %d, want ceil(planned) = %v", len(sent), want)
			}
			for i := 1; i < len(sent); i++ {
				if sent[i] < sent[i-1] {
					t.Fatalf("send times go backwards at %d", i)
				}
			}
			for _, e := range []time.Duration{0, tt.stage.Duration / 3, tt.stage.Duration / 2} {
				if p.Rate(e) != tt.stage.RateAt(e) {
					t.Errorf("Rate(%v) = %v, want %v", e, p.Rate(e), tt.stage.RateAt(e))
				}
			}
		})
	}
}

func TestPacerNoCatchUpBurst(t *testing.T) {
	st := scenarios.Stage{Kind: scenarios.StageConstant, Duration: 3 * time.Second, From: 1000}
	p := NewPacer(st, 100*time.Millisecond)
	sent := simulate(t, p, time.Second, 500*time.Millisecond)
	// After a 500 ms stall at 1000/s, at most the backlog (100 ms = 100
	// hits, +1) goes at once; the rest is skipped and counted.
	burst := 0
	for _, s := range sent {
		if s == 1500*time.Millisecond {
			burst++
		}
	}
	if burst > 105 || burst < 50 {
		t.Errorf("burst of %d hits after the stall, want about 100", burst)
	}
	if sk := p.Skipped(); sk < 390 || sk > 410 {
		t.Errorf("skipped %d, want about 400", sk)
	}
	if got := uint64(len(sent)) + p.Skipped(); got < 2999 || got > 3001 {
		t.Errorf("sent+skipped = %d, want 3000", got)
	}
}

func TestPacerImplementsVegeta(t *testing.T) {
	var _ vegeta.Pacer = NewPacer(scenarios.Stage{}, 0)
	if _, stop := NewPacer(scenarios.Stage{Duration: 0, From: 10}, 0).Pace(0, 0); !stop {
		t.Error("an empty stage did not stop")
	}
}

// TestShardedPacersInterleave: the pacers of N shards of a plan send, all
// together, exactly the plan's hits at the plan's times: shard i sends
// every N-th of them.
func TestShardedPacersInterleave(t *testing.T) {
	stages := []scenarios.Stage{
		{Name: "ramp", Kind: scenarios.StageRamp, Duration: 3 * time.Second, From: 0, To: 41},
		{Name: "steps", Kind: scenarios.StageSteps, Duration: 5 * time.Second, From: 7, To: 30, Step: 8, Every: 1500 * time.Millisecond},
		{Name: "odd", Kind: scenarios.StageConstant, Duration: 2 * time.Second, From: 10.0 / 3, To: 10.0 / 3},
	}
	const n = 4
	shards := make([]*scenarios.Plan, n)
	for i := range shards {
		p, err := scenarios.Shard{Index: i + 1, Count: n}.Apply(&scenarios.Plan{Stages: stages})
		if err != nil {
			t.Fatal(err)
		}
		shards[i] = p
	}
	for k, st := range stages {
		whole := simulate(t, NewPacer(st, 0), 0, 0)
		var union []time.Duration
		for i, p := range shards {
			sent := simulate(t, NewPacer(p.Stages[k], 0), 0, 0)
			if uint64(len(sent)) != p.Stages[k].Hits() {
				t.Errorf("stage %s shard %d: sent %d, Hits says %d", st.Name, i+1, len(sent), p.Stages[k].Hits())
			}
			union = append(union, sent...)
		}
		slices.Sort(union)
		if len(union) != len(whole) {
			t.Fatalf("stage %s: the shards sent %d hits, the whole plan %d", st.Name, len(union), len(whole))
		}
		for j := range whole {
			if d := union[j] - whole[j]; d < -time.Microsecond || d > time.Microsecond {
				t.Fatalf("stage %s: hit %d at %v in the shards, %v in the plan", st.Name, j, union[j], whole[j])
			}
		}
	}
}

// TestPacerStopsAtTheStageEnd: a generator that stalls past its stage's
// end sends nothing more then, however far behind it is (it used to send
// its backlog late, into the next stage's time).
func TestPacerStopsAtTheStageEnd(t *testing.T) {
	st := scenarios.Stage{Kind: scenarios.StageConstant, Duration: time.Second, From: 100}
	p := NewPacer(st, 0)
	sent := simulate(t, p, 900*time.Millisecond, 300*time.Millisecond)
	late := 0
	for _, s := range sent {
		if s >= st.Duration {
			late++
		}
	}
	// The one hit scheduled before the stall goes at 1.2s in this
	// simulation; the attack's targeter refuses it (TestRunNeverSendsAfterTheStageEnd).
	if late > 1 {
		t.Errorf("%d hits sent after the stage's end, want at most the one scheduled before the stall", late)
	}
	if n := uint64(len(sent)) + p.Skipped(); n >= st.Hits() {
		t.Errorf("sent %d + skipped %d = all %d hits: the ones due after the stall should be neither", len(sent), p.Skipped(), st.Hits())
	}
}

// TestPacerSkipsAtTheInFlightCap: against a target answering in 50 ms, a
// cap of 20 requests in flight holds about 400 of the 1000 hits a second
// asks for; the hits due at the cap are skipped and counted, never queued
// into a burst. The simulation holds a hit back while the cap is reached,
// as vegeta's worker cap (set to the in-flight cap) does.
func TestPacerSkipsAtTheInFlightCap(t *testing.T) {
	const latency, maxInFlight = 50 * time.Millisecond, 20
	st := scenarios.Stage{Kind: scenarios.StageConstant, Duration: time.Second, From: 1000}
	p := NewPacer(st, 0)
	var (
		elapsed time.Duration
		sent    []time.Duration
	)
	answered := func(at time.Duration) uint64 { // results received by at
		n := 0
		for _, s := range sent {
			if s+latency <= at {
				n++
			}
		}
		return uint64(n)
	}
	p.LimitInFlight(maxInFlight, func() uint64 { return answered(elapsed) })
	peak := 0
	for range 100_000 {
		wait, stop := p.Pace(elapsed, uint64(len(sent)))
		if stop {
			break
		}
		elapsed += wait
		if len(sent)-int(answered(elapsed)) >= maxInFlight {
			elapsed = sent[answered(elapsed)] + latency // the next worker to free up
		}
		sent = append(sent, elapsed)
		peak = max(peak, len(sent)-int(answered(elapsed)))
	}
	if peak > maxInFlight {
		t.Errorf("%d requests in flight at once, cap %d", peak, maxInFlight)
	}
	if len(sent) < 350 || len(sent) > 450 {
		t.Errorf("sent %d, want about 400 (cap / latency)", len(sent))
	}
	// What was neither sent in time nor skipped was still due at the
	// stage's end: the runner counts it late (and its targeter refuses a
	// hit held past the end).
	inTime := slices.IndexFunc(sent, func(s time.Duration) bool { return s >= st.Duration })
	if inTime < 0 {
		inTime = len(sent)
	}
	if late := int(st.Hits()) - inTime - int(p.Skipped()); late < 0 || late > 50 {
		t.Errorf("sent %d in time + skipped %d: %d left late of %d hits, want a few (one latency's worth at most)", inTime, p.Skipped(), late, st.Hits())
	}
	sent = sent[:inTime]
	if at := p.SkippedInFlight(); at < p.Skipped()*9/10 {
		t.Errorf("%d of %d skipped hits put down to the cap, want nearly all", at, p.Skipped())
	}
	if got := p.PeakInFlight(); got < maxInFlight-1 || got > maxInFlight {
		t.Errorf("PeakInFlight %d, want the cap %d", got, maxInFlight)
	}
	burst := perInterval(sent, 10*time.Millisecond, 100)
	if m := slices.Max(burst); m > maxInFlight/2 {
		t.Errorf("%d hits in one 10 ms interval: a burst", m)
	}
}

// TestPlanSaysWhatThePacerDoes: for compiled scenarios of every stage
// shape, the requests, duration and peak the plan reports (what validate
// and summary.json show) are what the pacers send.
func TestPlanSaysWhatThePacerDoes(t *testing.T) {
	for name, stages := range map[string]string{
		"fractional constant": `{duration: 3s, rate: 2.5}`,
		"ramp":                `{duration: 3s, ramp: {from: 0, to: 41}}`,
		"steps cut short":     `{duration: 12s, steps: {from: 10, to: 100, step: 10, every: 5s}}`,
		"steps whole":         `{steps: {from: 30, to: 10, step: 10, every: 2s}}`,
		"two stages":          "{duration: 2s, rate: 7}\n    - {duration: 1500ms, ramp: {from: 3, to: 9}}",
	} {
		t.Run(name, func(t *testing.T) {
			sc, err := scenarios.Parse("t.yaml", []byte("name: t\ntokenPools:\n  - {name: valid, weight: 1}\nload:\n  stages:\n    - "+stages+"\n"))
			if err != nil {
				t.Fatal(err)
			}
			plan, err := sc.Compile(scenarios.CompileOptions{})
			if err != nil {
				t.Fatal(err)
			}
			var sent int
			var peak float64
			for _, st := range plan.Stages {
				times := simulate(t, NewPacer(st, 0), 0, 0)
				sent += len(times)
				if n := len(times); n > 0 && times[n-1] >= st.Duration {
					t.Errorf("stage %s: a hit at %s, after its %s", st.Name, times[n-1], st.Duration)
				}
				// A stage ends at the rate it says ("to"): the hits of its
				// last second, for shapes that hold a rate.
				if st.Kind != scenarios.StageRamp {
					last := 0
					for _, at := range times {
						if at >= st.Duration-time.Second {
							last++
						}
					}
					if math.Abs(float64(last)-st.To) > 1 {
						t.Errorf("stage %s says it ends at %v req/s; the pacer sends %d in its last second", st.Name, st.To, last)
					}
				}
				// The rate the pacer reaches: hits per second over a
				// second-long window (a constant or step holds its rate).
				for i := range times {
					j := i
					for j < len(times) && times[j]-times[i] < time.Second {
						j++
					}
					if times[i]+time.Second <= st.Duration {
						peak = max(peak, float64(j-i))
					}
				}
			}
			if float64(sent) != plan.TotalRequests() {
				t.Errorf("pacers sent %d, the plan says %v", sent, plan.TotalRequests())
			}
			// A ramp reaches its peak only at its end: no second holds it.
			ramps := slices.ContainsFunc(plan.Stages, func(st scenarios.Stage) bool { return st.Kind == scenarios.StageRamp })
			if want := plan.PeakRate(); peak > want+1 || (!ramps && peak < want-1) {
				t.Errorf("pacers peak at %v req/s over a second, the plan says %v", peak, want)
			}
		})
	}
}
