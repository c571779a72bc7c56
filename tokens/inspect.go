package tokens

import (
	"context"
	"fmt"

	"github.com/cogload/cogload/scenarios"
)

// Inspect counts what the plan's pools will hold, as far as that is known
// without logging anyone in or running a command, so that the plan
// (validate) reports what the run will use: the tokens of each inline,
// file and environment source (TokenPool.Size, at most the size the
// scenario gives, with a warning when the source holds fewer) and the
// users of each users file (TokenPool.Users). It reads the files the run
// will read, through the same parsers; an exec source and an unset
// variable are left uncounted.
func Inspect(ctx context.Context, plan *scenarios.Plan, env Env) error {
	env.defaults()
	for i := range plan.TokenPools {
		tp := &plan.TokenPools[i]
		switch {
		case tp.Source.Kind == scenarios.SourceMint && tp.Source.Path != "":
			users, err := LoadUsers(ctx, tp.Source.Path)
			if err != nil {
				return fmt.Errorf("pool %q: %w", tp.Name, err)
			}
			tp.Users = len(users)
		case tp.Source.Kind == scenarios.SourceExec,
			tp.Source.Kind == scenarios.SourceEnv && env.Getenv(tp.Source.Env) == "":
			// Unknown until the run: a command has side effects, and a
			// variable may be set only where the run happens.
		case tp.Source.Static():
			toks, err := staticTokens(ctx, *tp, &env)
			if err != nil {
				return fmt.Errorf("pool %q: %w", tp.Name, err)
			}
			if tp.Checkout == scenarios.CheckoutExclusive {
				// The size is what the plan needs, not a cap.
				if held := len(toks); held < tp.Size {
					plan.Warnings = append(plan.Warnings, fmt.Sprintf("token pool %s: its %s source holds %d tokens for about %d requests, each used once: the run will end early when they run out", tp.Name, tp.Source.Kind, held, tp.Size))
					tp.Size = held
				}
				break
			}
			// The pool holds what the run will: capStatic's tokens.
			n := len(capStatic(*tp, toks))
			if tp.Size > n {
				plan.Warnings = append(plan.Warnings, fmt.Sprintf("token pool %s: size %d, but its %s source holds %d tokens: the pool holds %d", tp.Name, tp.Size, tp.Source.Kind, n, n))
			}
			tp.Size = n
		}
	}
	return nil
}

// capStatic keeps at most the size the scenario gave a static pool that
// is not exclusive (an exclusive pool's size is what the plan needs, not
// a cap).
func capStatic(tp scenarios.TokenPool, toks []string) []string {
	if tp.Checkout != scenarios.CheckoutExclusive && tp.Size > 0 && len(toks) > tp.Size {
		return toks[:tp.Size]
	}
	return toks
}
