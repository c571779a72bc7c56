package scenarios

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/cogload/cogload/internal/input"
)

func FuzzParseThreshold(f *testing.F) {
	for _, s := range []string{"latency.p99 < 300ms", "throttle_rate < 1%", "errors{code=InternalErrorException} == 0",
		`latency.p95{token_pool=valid,attribute="custom:tier"} < 2s`, "rate >= 25/s", "violations == 0", "x{", "{}"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, expr string) {
		th, err := ParseThreshold(expr)
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("error %T is not *Error", err)
			}
			return
		}
		if m, ok := LookupMetric(th.Metric); !ok || !m.Threshold || m.Name != th.Metric {
			t.Fatalf("accepted unknown metric %q", th.Metric)
		}
		if !contains(ThresholdOps, th.Op) || th.Value < 0 || !finite(th.Value) {
			t.Fatalf("accepted %+v", th)
		}
	})
}

// FuzzParse feeds arbitrary YAML to the loader and compiler: they may
// refuse it, but never panic, and every refusal is an *Error (or Errors)
// at a line and column. The seed corpus (testdata/fuzz/FuzzParse) holds
// inputs that crashed or stalled go-yaml: tagged scalars where lists
// belong, and nesting bombs.
func FuzzParse(f *testing.F) {
	for _, n := range BuiltinNames() {
		data, err := builtinFS.ReadFile("builtin/" + n + ".yaml")
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	broken, _ := filepath.Glob("testdata/broken/*.yaml")
	for _, b := range broken {
		data, err := os.ReadFile(b)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add(bytes.Repeat([]byte("["), 200_000))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse("fuzz.yaml", data)
		if err != nil {
			if perr := input.CheckPositioned(err, "fuzz.yaml"); perr != nil {
				t.Fatal(perr)
			}
			return
		}
		// Keep plans small: the fuzzer can write huge sizes and rates.
		p, err := s.Compile(CompileOptions{})
		if err != nil {
			if perr := input.CheckPositioned(err, "fuzz.yaml"); perr != nil {
				t.Fatal(perr)
			}
			return
		}
		if len(p.Stages) == 0 || len(p.Variants) == 0 {
			t.Fatalf("compiled a plan without stages or variants")
		}
		var sum float64
		for _, v := range p.Variants {
			sum += v.Weight
		}
		if sum < 0.999 || sum > 1.001 {
			t.Fatalf("variant weights sum to %v", sum)
		}
	})
}
