// Command cpuprofile runs one cogload command in-process under the CPU (and
// optionally heap) profiler, so the benchmarks' shortfalls can be traced to a
// package: the cogload binary itself has no profiling flags. With -runtime it
// also samples the goroutine count and the heap in use while the command runs
// (bench/soak.sh watches a long run and the mock with it).
//
// Usage:
//
//	cpuprofile -cpu cpu.out [-mem heap.out] -- run scenario.yaml --rate 4000 --duration 10s --quiet
//	go tool pprof -top -nodecount 40 cpu.out
//	cpuprofile -runtime rt.log -every 10s -- mock --no-limits   # lines: unix-seconds goroutines heap-inuse-bytes
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
	"time"

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
	cpuOut := fs.String("cpu", "", "write the CPU profile to this file (required unless -runtime)")
	memOut := fs.String("mem", "", "also write a heap profile (in-use at exit) to this file")
	rtOut := fs.String("runtime", "", "append a line (unix seconds, goroutines, heap in use in bytes) to this file every -every")
	every := fs.Duration("every", 5*time.Second, "how often -runtime samples")
	if err := fs.Parse(args); err != nil {
		return 0, err
	}
	if *cpuOut == "" && *rtOut == "" {
		return 0, errors.New("-cpu: required (a file for the CPU profile), unless -runtime samples instead")
	}
	if *every <= 0 {
		return 0, errors.New("-every: must be > 0")
	}
	if fs.NArg() == 0 {
		return 0, errors.New("give the cogload command after --, e.g. -- run scenario.yaml --quiet")
	}
	if *cpuOut != "" {
		f, err := os.Create(*cpuOut)
		if err != nil {
			return 0, fmt.Errorf("-cpu: %w", err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return 0, fmt.Errorf("start CPU profile: %w", err)
		}
	}
	if *rtOut != "" {
		stop, err := sampleRuntime(*rtOut, *every)
		if err != nil {
			return 0, fmt.Errorf("-runtime: %w", err)
		}
		defer stop()
	}
	process := cli.Process()
	process.Out, process.Err = stdout, stderr
	code := int(cli.Main(ctx, fs.Args(), process))
	if *cpuOut != "" {
		pprof.StopCPUProfile()
	}
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

// sampleRuntime appends "unix-seconds goroutines heap-inuse-bytes" to path
// now and every interval until stop is called (which writes a last line).
func sampleRuntime(path string, every time.Duration) (stop func(), err error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	sample := func() {
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		fmt.Fprintf(f, "%d %d %d\n", time.Now().Unix(), runtime.NumGoroutine(), m.HeapInuse)
	}
	sample()
	done, finished := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				sample()
			case <-done:
				return
			}
		}
	}()
	return func() {
		close(done)
		<-finished
		sample()
		f.Close()
	}, nil
}
