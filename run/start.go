package run

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/cogload/cogload/domain"
)

// LateStart is how far past Options.StartAt a run may be ready and still
// start: a shard that late would shift its part of the merged timeline
// by about that much, within the one-second resolution of the series.
const LateStart = time.Second

// ParseStartAt reads a --start-at value: an RFC 3339 time
// (2026-01-02T15:04:05Z), or "+DURATION" from now (+30s, +2m), rounded
// up to a whole second so the run's per-second series lines up with its
// start.
func ParseStartAt(s string, now time.Time) (time.Time, error) {
	if d, ok := strings.CutPrefix(s, "+"); ok {
		dur, err := time.ParseDuration(d)
		if err != nil || dur < 0 {
			return time.Time{}, fmt.Errorf("want +DURATION such as +30s or +2m, got %q", s)
		}
		at := now.Add(dur)
		if t := at.Truncate(time.Second); t.Before(at) {
			at = t.Add(time.Second)
		}
		return at.UTC(), nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("want an RFC 3339 time such as 2026-01-02T15:04:05Z, or +30s from now, got %q", s)
	}
	return t.UTC(), nil
}

// awaitStart waits, once the tokens are ready, until opts.StartAt on
// opts.Now's clock. Cancelling ctx ends the wait with an interrupt (exit
// 130, nothing measured); a run ready more than LateStart after the
// instant is refused (exit 2).
func awaitStart(ctx context.Context, opts Options) error {
	at := opts.StartAt.UTC().Format(time.RFC3339Nano)
	wait := opts.StartAt.Sub(opts.Now())
	if wait < -LateStart {
		return domain.Exit(domain.ExitUsage, fmt.Errorf("--start-at %s passed %s before this run was ready to send (tokens prepared): it would not share the other shards' time axis; give an instant later by at least the token preparation time",
			at, (-wait).Round(time.Millisecond)))
	}
	if wait <= 0 {
		opts.Logf("ready %s after --start-at %s: sending now", (-wait).Round(time.Millisecond), at)
		return nil
	}
	opts.Logf("ready; waiting %s until --start-at %s before sending", wait.Round(time.Millisecond), at)
	if err := sleepCtx(ctx, wait); err != nil {
		return domain.Exit(domain.ExitInterrupted, ErrInterruptedBeforeStart)
	}
	return nil
}

// sleepCtx waits d, or until ctx is done.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
