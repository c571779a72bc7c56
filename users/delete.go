package users

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/cogload/cogload/idpclient"
)

// DeleteOptions say which manifest's users to remove.
type DeleteOptions struct {
	Client *idpclient.Client
	// Manifest is the loaded manifest, Path where it is saved as the
	// deletion goes.
	Manifest *Manifest
	Path     string
	Pacing   Pacing
	Progress func(Progress)
}

// DeleteReport is what a Delete did.
type DeleteReport struct {
	// Deleted were removed now; Gone did not exist (never created, or
	// removed by someone else).
	Deleted, Gone int
	// Failed could not be removed; they stay in the manifest.
	Failed    []Failure
	Throttled int
}

// Failure is a user that could not be removed.
type Failure struct {
	Login string
	Err   error
}

// giveUpAfter is how many failures with no success stop a Delete early:
// a missing permission fails every call alike.
const giveUpAfter = 10

// Delete removes every user of the manifest that is not yet deleted, by
// the service's username (or the sign-in name when the creation was
// interrupted before the service named the user), and nothing else. The
// manifest is saved after every batch; users that cannot be removed stay
// in it, so running Delete again retries them.
func Delete(ctx context.Context, o DeleteOptions) (*DeleteReport, error) {
	if o.Client == nil || o.Manifest == nil || o.Path == "" {
		return nil, errors.New("delete users: no client or manifest")
	}
	p := o.Pacing.withDefaults()
	m := o.Manifest
	var todo []int
	for i, e := range m.Users {
		if e.State != StateDeleted {
			todo = append(todo, i)
		}
	}
	rep := &DeleteReport{}
	throttles := &throttleCounter{}
	var mu sync.Mutex
	start, total := time.Now(), len(todo)
	batch := p.batch()
	var stopErr error
	for len(todo) > 0 && stopErr == nil && ctx.Err() == nil {
		work := todo[:min(batch, len(todo))]
		todo = todo[len(work):]
		p.run(ctx, len(work), func(ctx context.Context, k int) bool {
			i := work[k]
			e := m.Users[i]
			err := throttles.do(ctx, p.Backoff, func(ctx context.Context) error {
				return o.Client.AdminDeleteUser(ctx, m.Target.UserPoolID, e.Name())
			})
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				m.Users[i].State = StateDeleted
				rep.Deleted++
			case idpclient.NotFound(err):
				m.Users[i].State = StateDeleted
				rep.Gone++
			case ctx.Err() != nil:
				return false
			default:
				rep.Failed = append(rep.Failed, Failure{Login: e.Login, Err: err})
				if len(rep.Failed) >= giveUpAfter && rep.Deleted+rep.Gone == 0 {
					stopErr = fmt.Errorf("stopped after %d failures and no success; the last: %w", len(rep.Failed), err)
					return false
				}
			}
			if o.Progress != nil {
				o.Progress(Progress{Done: rep.Deleted + rep.Gone + len(rep.Failed), Total: total, Throttled: int(throttles.n.Load()), Elapsed: time.Since(start)})
			}
			return true
		})
		if err := m.Save(o.Path); err != nil {
			return rep, err
		}
	}
	rep.Throttled = int(throttles.n.Load())
	switch {
	case stopErr != nil:
		return rep, stopErr
	case ctx.Err() != nil:
		return rep, fmt.Errorf("interrupted: %d users left; run the same command again to continue: %w", len(m.Users)-m.Count(StateDeleted), ctx.Err())
	}
	return rep, nil
}
