package run

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/cogload/cogload/domain"
)

func TestParseStartAt(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 4, 5, 6, 7, 250_000_000, time.FixedZone("CET", 3600))
	for _, tc := range []struct {
		in   string
		want time.Time
		err  string
	}{
		{in: "2026-03-04T05:07:00Z", want: time.Date(2026, 3, 4, 5, 7, 0, 0, time.UTC)},
		{in: "2026-03-04T06:07:00+01:00", want: time.Date(2026, 3, 4, 5, 7, 0, 0, time.UTC)},
		{in: "2026-03-04T05:07:00.5Z", want: time.Date(2026, 3, 4, 5, 7, 0, 500_000_000, time.UTC)},
		{in: "+30s", want: time.Date(2026, 3, 4, 4, 6, 38, 0, time.UTC)}, // rounded up to a whole second
		{in: "+0s", want: time.Date(2026, 3, 4, 4, 6, 8, 0, time.UTC)},
		{in: "+2m", want: time.Date(2026, 3, 4, 4, 8, 8, 0, time.UTC)},
		{in: "+-3s", err: "want +DURATION"},
		{in: "+soon", err: "want +DURATION"},
		{in: "2026-03-04 05:07", err: "want an RFC 3339 time"},
		{in: "", err: "want an RFC 3339 time"},
	} {
		got, err := ParseStartAt(tc.in, now)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("ParseStartAt(%q): %v, want %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || !got.Equal(tc.want) || got.Location() != time.UTC {
			t.Errorf("ParseStartAt(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
}

func FuzzParseStartAt(f *testing.F) {
	for _, s := range []string{"+30s", "2026-01-02T15:04:05Z", "+1h2m", "2026-01-02T15:04:05.123+02:00"} {
		f.Add(s)
	}
	now := time.Date(2026, 1, 1, 0, 0, 0, 1, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		at, err := ParseStartAt(s, now)
		if err != nil {
			return
		}
		if strings.HasPrefix(s, "+") && (at.Before(now) || at.Nanosecond() != 0) {
			t.Fatalf("%q: %v is before now or not on a whole second", s, at)
		}
	})
}

type logLines struct {
	mu    sync.Mutex
	lines []string
}

func (l *logLines) logf(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, fmt.Sprintf(format, args...))
}

// TestAwaitStartWaitsOnTheClockAndCanBeCancelled: the wait ends at the
// instant (fake time, testing/synctest), says how long it waits, and an
// interrupt ends it with exit 130.
func TestAwaitStartWaitsOnTheClockAndCanBeCancelled(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		logs := &logLines{}
		at := time.Now().Add(30 * time.Second)
		done := make(chan error, 1)
		go func() { done <- awaitStart(t.Context(), Options{StartAt: at, Now: time.Now, Logf: logs.logf}) }()
		time.Sleep(30*time.Second - time.Millisecond)
		synctest.Wait()
		select {
		case err := <-done:
			t.Fatalf("the wait ended %v early: %v", time.Until(at), err)
		default:
		}
		time.Sleep(time.Millisecond)
		synctest.Wait()
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
		default:
			t.Fatal("the wait did not end at the instant")
		}
		if len(logs.lines) != 1 || !strings.Contains(logs.lines[0], "waiting 30s until --start-at") {
			t.Errorf("logs %q", logs.lines)
		}

		ctx, cancel := context.WithCancel(t.Context())
		go func() {
			done <- awaitStart(ctx, Options{StartAt: time.Now().Add(time.Hour), Now: time.Now, Logf: logs.logf})
		}()
		time.Sleep(time.Minute)
		cancel()
		synctest.Wait()
		var ee *domain.ExitError
		if err := <-done; !errors.As(err, &ee) || ee.Code != domain.ExitInterrupted {
			t.Errorf("cancelled wait: %v", err)
		}
	})
}

func TestAwaitStartRefusesALateRun(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	logs := &logLines{}
	now := func() time.Time { return t0 }
	if err := awaitStart(t.Context(), Options{StartAt: t0.Add(-LateStart / 2), Now: now, Logf: logs.logf}); err != nil {
		t.Errorf("half a LateStart late: %v", err)
	}
	if len(logs.lines) != 1 || !strings.Contains(logs.lines[0], "ready 500ms after --start-at 2026-01-01T11:59:59.5Z: sending now") {
		t.Errorf("logs %q", logs.lines)
	}
	err := awaitStart(t.Context(), Options{StartAt: t0.Add(-5 * time.Second), Now: now, Logf: logs.logf})
	var ee *domain.ExitError
	if !errors.As(err, &ee) || ee.Code != domain.ExitUsage || !strings.Contains(err.Error(), "--start-at 2026-01-01T11:59:55Z passed 5s before this run was ready") {
		t.Errorf("5 s late: %v", err)
	}
}

// TestRunStartsAtTheAgreedInstant: a run told to start at an instant
// records it as its start and in run.json, so shards share a time axis.
func TestRunStartsAtTheAgreedInstant(t *testing.T) {
	p := compile(t, `
name: timed
target: {mock: {}}
tokenPools: [{name: valid, weight: 1, kind: valid, source: {mint: {}}}]
attributes: [{name: email, weight: 1}]
load: {stages: [{duration: 1s, rate: 5}]}
`)
	at := time.Now().Truncate(time.Second)
	logs := &logLines{}
	rs, err := Run(t.Context(), p, Options{Out: t.TempDir(), StartAt: at, Now: func() time.Time { return at }, Logf: logs.logf})
	if err != nil {
		t.Fatal(err)
	}
	r := rs[0].Summary.Run
	if !r.StartAt.Equal(at) || !r.Start.Equal(at) || !strings.Contains(filepath.Base(rs[0].Archive), at.UTC().Format("20060102T150405Z")) {
		t.Errorf("start_at %v, start %v, archive %s; want %v", r.StartAt, r.Start, rs[0].Archive, at)
	}
	rb, err := os.ReadFile(filepath.Join(rs[0].Archive, "run.json"))
	if err != nil || !strings.Contains(string(rb), `"start_at": "`+at.UTC().Format(time.RFC3339)) {
		t.Errorf("run.json: %v\n%s", err, rb)
	}
	if !slices.ContainsFunc(logs.lines, func(l string) bool { return strings.Contains(l, "after --start-at") }) {
		t.Errorf("logs %q", logs.lines)
	}
}
