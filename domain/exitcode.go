package domain

import (
	"context"
	"errors"
	"strconv"
)

// ExitCode is a process exit status. The values are a contract, documented
// in the README.
type ExitCode int

// Exit codes.
const (
	ExitOK          ExitCode = 0
	ExitRuntime     ExitCode = 1   // runtime error (the endpoint is unreachable while preparing, say)
	ExitUsage       ExitCode = 2   // usage or invalid input: scenario, flags, pool configuration, target, users or token file, archive
	ExitViolations  ExitCode = 98  // wrong answers (run) or non-conforming cases (conform)
	ExitThresholds  ExitCode = 99  // thresholds or regression rules breached
	ExitInterrupted ExitCode = 130 // interrupted; what was measured was written
)

var exitMeanings = map[ExitCode]string{
	ExitOK:          "ok",
	ExitRuntime:     "runtime error",
	ExitUsage:       "usage or invalid input",
	ExitViolations:  "violations",
	ExitThresholds:  "thresholds breached",
	ExitInterrupted: "interrupted",
}

// String names the code's meaning, e.g. "99 (thresholds breached)".
func (c ExitCode) String() string {
	if m, ok := exitMeanings[c]; ok {
		return strconv.Itoa(int(c)) + " (" + m + ")"
	}
	return strconv.Itoa(int(c))
}

// exitRank orders run statuses by what a gate must report first.
var exitRank = map[ExitCode]int{ExitOK: 0, ExitThresholds: 1, ExitViolations: 2, ExitRuntime: 3, ExitUsage: 4, ExitInterrupted: 5}

// Worst returns the status that wins when several runs end in one process:
// an interrupt, then invalid input and runtime errors, then violations,
// then breached thresholds.
func Worst(codes ...ExitCode) ExitCode {
	worst := ExitOK
	for _, c := range codes {
		if exitRank[c] > exitRank[worst] {
			worst = c
		}
	}
	return worst
}

// ExitError carries an exit code through the error chain, so a library
// call can say how the process should end (invalid input, interrupted)
// without knowing about processes.
type ExitError struct {
	Code ExitCode
	Err  error
}

func (e *ExitError) Error() string {
	if e.Err == nil {
		return "exit status " + e.Code.String()
	}
	return e.Err.Error()
}

func (e *ExitError) Unwrap() error { return e.Err }

// Exit wraps err with code (nil stays nil).
func Exit(code ExitCode, err error) error {
	if err == nil {
		return nil
	}
	return &ExitError{Code: code, Err: err}
}

// InvalidInput wraps the failure to read or decode an input file: invalid
// input, or interrupted when reading it was cancelled (nil stays nil).
func InvalidInput(err error) error {
	if errors.Is(err, context.Canceled) {
		return Exit(ExitInterrupted, err)
	}
	return Exit(ExitUsage, err)
}
