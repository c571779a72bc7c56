package run_test

import (
	"context"
	"fmt"
	"os"

	"github.com/cogload/cogload/run"
	"github.com/cogload/cogload/scenarios"
)

// A Go test can run a scenario against the embedded mock the way `cogload
// run` does, and assert on its thresholds and exit status.
func Example() {
	sc, err := scenarios.Parse("gate.yaml", []byte(`
name: gate
target: {mock: {pools: [email-default]}}
tokenPools:
  - {name: valid, weight: 3, kind: valid, checkout: exclusive, source: {mint: {}}}
  - {name: tampered, weight: 1, size: 5, kind: tampered}
attributes: [{name: email, weight: 1}]
load: {seed: 7, stages: [{duration: 2s, rate: 10}]}
thresholds:
  - violations == 0
  - latency.p99 < 2s
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	plan, err := sc.Compile(scenarios.CompileOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	out, err := os.MkdirTemp("", "cogload-example-")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(out)

	results, err := run.Run(context.Background(), plan, run.Options{Out: out})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, th := range results[0].Summary.Thresholds {
		fmt.Printf("%s: pass=%v\n", th.Expr, th.Pass)
	}
	fmt.Println("exit status:", results.Status())
	// Output:
	// violations == 0: pass=true
	// latency.p99 < 2s: pass=true
	// exit status: 0 (ok)
}
