// Command cpuprofile runs one cogload command in-process under the CPU (and
// optionally heap) profiler, so the benchmarks' shortfalls can be traced to a
// package: the cogload binary itself has no profiling flags.
//
// Usage:
//
//	cpuprofile -cpu cpu.out [-mem heap.out] -- run scenario.yaml --rate 4000 --duration 10s --quiet
//	go tool pprof -top -nodecount 40 cpu.out
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"runtime/pprof"
	"syscall"

	"github.com/cogload/cogload/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code, err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "cpuprofile:", err)
		os.Exit(1)
	}
	os.Exit(code)
}

// run profiles `cogload ARGS` and returns its exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) (int, error) {
	fs := flag.NewFlagSet("cpuprofile", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cpuOut := fs.String("cpu", "", "write the CPU profile to this file (required)")
	memOut := fs.String("mem", "", "also write a heap profile (in-use at exit) to this file")
	if err := fs.Parse(args); err != nil {
		return 0, err
	}
	if *cpuOut == "" {
		return 0, errors.New("-cpu: required (a file for the CPU profile)")
	}
	if fs.NArg() == 0 {
		return 0, errors.New("give the cogload command after --, e.g. -- run scenario.yaml --quiet")
	}
	f, err := os.Create(*cpuOut)
	if err != nil {
		return 0, fmt.Errorf("-cpu: %w", err)
	}
	defer f.Close()
	if err := pprof.StartCPUProfile(f); err != nil {
		return 0, fmt.Errorf("start CPU profile: %w", err)
	}
	process := cli.Process()
	process.Out, process.Err = stdout, stderr
	code := int(cli.Main(ctx, fs.Args(), process))
	pprof.StopCPUProfile()
	if *memOut != "" {
		m, err := os.Create(*memOut)
		if err != nil {
			return code, fmt.Errorf("-mem: %w", err)
		}
		defer m.Close()
		runtime.GC()
		if err := pprof.Lookup("heap").WriteTo(m, 0); err != nil {
			return code, fmt.Errorf("write heap profile: %w", err)
		}
	}
	return code, nil
}
