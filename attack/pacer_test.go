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
