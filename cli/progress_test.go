package cli

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/cogload/cogload/domain"
)

// Both rates of a progress line are measured over the interval it covers,
// so a run keeping pace on a ramp reads as keeping pace; the last line
// gives the run's means.
func TestProgressLineRatesShareTheirInterval(t *testing.T) {
	var out bytes.Buffer
	stdio := Stdio{Err: &out}
	stdio.defaults()
	p := newProgressPrinter(stdio, false, 5*time.Second)
	// A ramp from 2 to 20 req/s over 10 s, sent exactly on schedule.
	p.update(domain.Progress{Elapsed: 5 * time.Second, StageName: "ramp", Sent: 32, Due: 32.5})
	p.update(domain.Progress{Elapsed: 7 * time.Second, StageName: "ramp", Sent: 60, Due: 60})    // within the interval: not shown
	p.update(domain.Progress{Elapsed: 10 * time.Second, StageName: "ramp", Sent: 110, Due: 110}) // 78 of 77.5 over 5 s
	p.update(domain.Progress{Elapsed: 10 * time.Second, StageName: "ramp", Sent: 110, Due: 110, Done: true})
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	want := []string{"6.4/s (target 6.5/s)", "15.6/s (target 15.5/s)", "11.0/s (target 11.0/s)"}
	if len(lines) != len(want) {
		t.Fatalf("%d lines, want %d:\n%s", len(lines), len(want), out.String())
	}
	for i, w := range want {
		if !strings.Contains(lines[i], w) {
			t.Errorf("line %d = %q, want it to contain %q", i+1, lines[i], w)
		}
	}
}
