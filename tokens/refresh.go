package tokens

import (
	"context"
	"fmt"
	"time"
)

// RefreshAt is the fraction of a token's lifetime after which it is
// refreshed.
const RefreshAt = 0.8

func (l *login) due() time.Time {
	return l.issued.Add(time.Duration(float64(l.expiresIn) * RefreshAt))
}

// NextRefresh returns when the earliest minted token falls due for refresh;
// ok is false when the set has nothing to refresh.
func (s *Set) NextRefresh() (t time.Time, ok bool) {
	for _, p := range s.pools {
		p.mu.Lock()
		for _, l := range p.logins {
			if l.expiresIn <= 0 || l.refreshToken == "" {
				continue
			}
			if d := l.due(); !ok || d.Before(t) {
				t, ok = d, true
			}
		}
		p.mu.Unlock()
	}
	return t, ok
}

// Refresh refreshes, with REFRESH_TOKEN_AUTH, every minted token that is
// due (past RefreshAt of its lifetime) and swaps each pool's tokens
// atomically, so requests in flight keep the slice they read. It returns
// the number refreshed and the first error; tokens that failed keep their
// old value.
func (s *Set) Refresh(ctx context.Context) (int, error) {
	if s.cli == nil {
		return 0, nil
	}
	now := s.env.Now()
	type item struct {
		pool int
		l    *login
	}
	var due []item
	for i, p := range s.pools {
		p.mu.Lock()
		for _, l := range p.logins {
			if l.expiresIn > 0 && l.refreshToken != "" && !now.Before(l.due()) {
				due = append(due, item{i, l})
			}
		}
		p.mu.Unlock()
	}
	if len(due) == 0 {
		return 0, nil
	}
	// Refresh copies so a failed call leaves the login untouched and the
	// pool lock is not held across the network.
	fresh := make([]*login, len(due))
	err := parallel(ctx, len(due), s.env.Concurrency, func(ctx context.Context, j int) error {
		p := s.pools[due[j].pool]
		p.mu.Lock()
		c := *due[j].l
		p.mu.Unlock()
		if err := s.cli.refresh(ctx, &c); err != nil {
			return fmt.Errorf("pool %q: %w", p.name, err)
		}
		fresh[j] = &c
		return nil
	})
	n := 0
	touched := map[int]bool{}
	for j, f := range fresh {
		if f == nil {
			continue
		}
		p := s.pools[due[j].pool]
		p.mu.Lock()
		*due[j].l = *f
		p.mu.Unlock()
		touched[due[j].pool] = true
		n++
	}
	for i := range touched {
		p := s.pools[i]
		p.mu.Lock()
		toks := make([]string, len(p.logins))
		for k, l := range p.logins {
			toks[k] = p.derive(l)
		}
		p.mu.Unlock()
		p.store(toks)
	}
	if n > 0 {
		s.env.Logf("tokens: refreshed %d tokens", n)
	}
	return n, err
}

// StartRefresher refreshes minted tokens in the background before they
// expire, until ctx is done or stop is called; stop waits for the
// refresher to end. Errors are logged and retried, since a run should not
// die because one refresh failed.
func (s *Set) StartRefresher(ctx context.Context) (stop func()) {
	if _, ok := s.NextRefresh(); !ok {
		return func() {}
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			next, ok := s.NextRefresh()
			if !ok {
				return
			}
			wait := next.Sub(s.env.Now())
			if wait > 0 {
				t := time.NewTimer(wait)
				select {
				case <-ctx.Done():
					t.Stop()
					return
				case <-t.C:
				}
			}
			if _, err := s.Refresh(ctx); err != nil {
				if ctx.Err() != nil {
					return
				}
				s.env.Logf("tokens: refresh: %v (retrying in 10s)", err)
				t := time.NewTimer(10 * time.Second)
				select {
				case <-ctx.Done():
					t.Stop()
					return
				case <-t.C:
				}
			}
		}
	}()
	return func() {
		cancel()
		<-done
	}
}
