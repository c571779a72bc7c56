// Package cli wires cogload's subcommands: flag parsing, starting the
// embedded mock, calling the packages that do the work, and turning their
// errors into the documented exit codes. It holds no business logic.
package cli

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/cogload/cogload/domain"
)

// usageErr marks err as bad usage or invalid input (exit 2).
func usageErr(err error) error { return &domain.ExitError{Code: domain.ExitUsage, Err: err} }

func usagef(format string, args ...any) error { return usageErr(fmt.Errorf(format, args...)) }

type command struct {
	summary string
	run     func(ctx context.Context, args []string, io Stdio) error
}

var commands = map[string]command{}

func register(name, summary string, run func(ctx context.Context, args []string, io Stdio) error) {
	commands[name] = command{summary: summary, run: run}
}

// Main runs cogload with args (without the program name) and returns the
// process exit code.
func Main(ctx context.Context, args []string, stdio Stdio) domain.ExitCode {
	stdio.defaults()
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		printUsage(stdio.Err)
		if len(args) == 0 {
			return domain.ExitUsage
		}
		return domain.ExitOK
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stdio.Err, "cogload: unknown command %q\n\n", args[0])
		printUsage(stdio.Err)
		return domain.ExitUsage
	}
	err := cmd.run(ctx, args[1:], stdio)
	return exitCode(err, stdio.Err)
}

// checkable are the commands Check can parse without running them.
var checkable = map[string]bool{"run": true, "report": true, "compare": true}

type checkOnlyKey struct{}

// checkOnly says the command runs under Check: it parses and validates
// its command line, then returns before doing anything.
func checkOnly(ctx context.Context) bool { return ctx.Value(checkOnlyKey{}) != nil }

// Check parses a cogload command line as Main would and returns what
// Main would refuse it for, without running anything: the flags and
// arguments of run, report or compare are parsed and validated (a run's
// scenario compiled and split into its shard, the environment read
// through stdio.Env), then the command returns before it sends, reads or
// writes a run. Deployment files are tested with it.
func Check(args []string, stdio Stdio) error {
	if len(args) == 0 || !checkable[args[0]] {
		return fmt.Errorf("check: only %s command lines can be checked, got %q", strings.Join(slices.Sorted(maps.Keys(checkable)), ", "), strings.Join(args, " "))
	}
	// The flag package prints its complaints rather than returning them:
	// keep them for the error.
	var printed bytes.Buffer
	if stdio.Err == nil {
		stdio.Err = &printed
	}
	stdio.defaults()
	ctx := context.WithValue(context.Background(), checkOnlyKey{}, true)
	err := commands[args[0]].run(ctx, args[1:], stdio)
	var ee *domain.ExitError
	if errors.As(err, &ee) && ee.Err == nil && printed.Len() > 0 {
		msg, _, _ := strings.Cut(printed.String(), "\n")
		return &domain.ExitError{Code: ee.Code, Err: errors.New(msg)}
	}
	return err
}

func exitCode(err error, stderr io.Writer) domain.ExitCode {
	if err == nil {
		return domain.ExitOK
	}
	if errors.Is(err, flag.ErrHelp) {
		return domain.ExitOK
	}
	var ee *domain.ExitError
	if errors.As(err, &ee) {
		if ee.Err != nil {
			fmt.Fprintf(stderr, "cogload: %v\n", ee.Err)
		}
		return ee.Code
	}
	fmt.Fprintf(stderr, "cogload: %v\n", err)
	return domain.ExitRuntime
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "cogload: load and conformance testing for Amazon Cognito GetUserAttributeVerificationCode")
	fmt.Fprintln(w, "\nUsage: cogload <command> [flags] [args]\n\nCommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nRun 'cogload <command> -h' for a command's flags.")
	fmt.Fprintln(w, "Exit codes: 0 ok, 1 runtime error, 2 usage or invalid input, 98 violations, 99 thresholds breached, 130 interrupted.")
}

// newFlagSet returns a flag set that reports errors to stderr and never
// exits the process.
func newFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("cogload "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// parseFlags parses args and turns flag errors into usage errors (exit 2).
// Flags may follow positional arguments.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, &domain.ExitError{Code: domain.ExitUsage} // flag already printed the message
		}
		args = fs.Args()
		if len(args) == 0 {
			return positional, nil
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
}
