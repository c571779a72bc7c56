package idpclient

import (
	"context"
	"time"
)

// Backoff retries calls the service throttles, waiting Base before the
// first retry and twice as long before each later one. It is the only
// retry in cogload, for the work around a measurement (filling token
// pools, provisioning), never for the requests being measured. The zero
// value tries 5 times with a first wait of 200 ms.
type Backoff struct {
	// Attempts bounds the tries, the first included.
	Attempts int
	// Base is the wait before the first retry.
	Base time.Duration
}

// Do runs try until it succeeds, fails with something other than
// throttling, runs out of attempts or ctx ends, and returns try's last
// error.
func (b Backoff) Do(ctx context.Context, try func(context.Context) error) error {
	attempts, wait := b.Attempts, b.Base
	if attempts <= 0 {
		attempts = 5
	}
	if wait <= 0 {
		wait = 200 * time.Millisecond
	}
	var err error
	for n := range attempts {
		if n > 0 && sleep(ctx, wait<<(n-1)) != nil {
			return err
		}
		if err = try(ctx); err == nil || !Throttled(err) {
			return err
		}
	}
	return err
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
