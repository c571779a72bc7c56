package cli

import (
	"context"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/cogload/cogload/idpclient"
	"github.com/cogload/cogload/internal/atomicfile"
	"github.com/cogload/cogload/internal/awsenv"
	"golang.org/x/term"
)

// Stdio is the process state a command may touch, injected the way k6
// injects its global state: main passes the real process's, tests their
// own, so every command runs in-process without touching the real
// environment. Fields left nil get a default in Main: no environment,
// the real clock, no terminal, a fresh HTTP client, the real filesystem.
type Stdio struct {
	In  io.Reader
	Out io.Writer
	Err io.Writer
	// Env is the environment as KEY=VALUE pairs: token sources, the CI
	// job summary and the AWS configuration read it, never os.Getenv.
	Env []string
	// Now is the clock.
	Now func() time.Time
	// IsTerminal says whether w is an interactive terminal (live progress).
	IsTerminal func(w io.Writer) bool
	// HTTPClient sends every request of commands that talk to an endpoint.
	HTTPClient *http.Client
	// Files writes the files a command writes besides archives: reports,
	// HTML pages, JUnit XML, the CI job summary.
	Files Files
}

// Files is where commands write their output files.
type Files interface {
	// WriteFile writes path whole or not at all.
	WriteFile(path string, write func(io.Writer) error) error
	// AppendFile appends to path, creating it.
	AppendFile(path string, write func(io.Writer) error) error
	// CheckWritable says, before any work, whether path could be written:
	// its folder exists and it is not a folder itself.
	CheckWritable(path string) error
}

// Process is the real process's state, for main.
func Process() Stdio {
	return Stdio{In: os.Stdin, Out: os.Stdout, Err: os.Stderr, Env: os.Environ(),
		Now: time.Now, IsTerminal: isTerminal, HTTPClient: &http.Client{}, Files: OSFiles{}}
}

func (s *Stdio) defaults() {
	if s.In == nil {
		s.In = strings.NewReader("")
	}
	if s.Out == nil {
		s.Out = io.Discard
	}
	if s.Err == nil {
		s.Err = io.Discard
	}
	if s.Now == nil {
		s.Now = time.Now
	}
	if s.IsTerminal == nil {
		s.IsTerminal = func(io.Writer) bool { return false }
	}
	if s.HTTPClient == nil {
		s.HTTPClient = &http.Client{}
	}
	if s.Files == nil {
		s.Files = OSFiles{}
	}
}

// Getenv looks a variable up in s.Env.
func (s Stdio) Getenv(key string) string {
	for i := len(s.Env) - 1; i >= 0; i-- {
		if k, v, ok := strings.Cut(s.Env[i], "="); ok && k == key {
			return v
		}
	}
	return ""
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// OSFiles writes to the real filesystem; WriteFile goes through a
// temporary file renamed into place, so a failed write leaves no
// half-written file.
type OSFiles struct{}

// WriteFile implements Files.
func (OSFiles) WriteFile(path string, write func(io.Writer) error) error {
	return atomicfile.Write(path, 0o644, write)
}

// AppendFile implements Files.
func (OSFiles) AppendFile(path string, write func(io.Writer) error) error {
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	err = write(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// CheckWritable implements Files.
func (OSFiles) CheckWritable(path string) error {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return fmt.Errorf("%s is a folder; give a file path", path)
	}
	if fi, err := os.Stat(filepath.Dir(path)); err != nil || !fi.IsDir() {
		return fmt.Errorf("folder %s does not exist", filepath.Dir(path))
	}
	return nil
}

// checkOutputs refuses unusable output paths (flag name → path; empty
// paths are unused) before the work that produces them, rather than
// after.
func (s Stdio) checkOutputs(paths map[string]string) error {
	for _, flag := range slices.Sorted(maps.Keys(paths)) {
		if p := paths[flag]; p != "" {
			if err := s.Files.CheckWritable(p); err != nil {
				return usagef("%s %s: %v", flag, p, err)
			}
		}
	}
	return nil
}

// poolRegion is the region of the calls to a user pool: region (the
// flag's or the plan's) when given, else the one poolID names, else the
// injected environment's (AWS_REGION, AWS_DEFAULT_REGION), else us-east-1.
func (s Stdio) poolRegion(region, poolID string) string {
	return awsenv.Env(s.Getenv).RegionOr(idpclient.RegionFor(region, poolID))
}

// awsConfig is the AWS configuration (region, default credential chain)
// that the injected environment describes; the process's own is never
// read.
func (s Stdio) awsConfig(ctx context.Context, region string) (aws.Config, error) {
	return awsenv.Config(ctx, s.Getenv, region, s.HTTPClient)
}

// appendJobSummary appends a Markdown rendering to the CI job summary
// ($GITHUB_STEP_SUMMARY) when there is one; failing to is only a warning.
func (s Stdio) appendJobSummary(write func(io.Writer) error) {
	path := s.Getenv("GITHUB_STEP_SUMMARY")
	if path == "" {
		return
	}
	if err := s.Files.AppendFile(path, write); err != nil {
		fmt.Fprintf(s.Err, "cogload: GITHUB_STEP_SUMMARY: %v\n", err)
	}
}

// writeHTML writes a command's --html page, when asked for, and says so.
func (s Stdio) writeHTML(cmd, path string, write func(io.Writer) error) error {
	if path == "" {
		return nil
	}
	if err := s.Files.WriteFile(path, write); err != nil {
		return fmt.Errorf("%s: --html: %w", cmd, err)
	}
	fmt.Fprintf(s.Err, "cogload: wrote %s\n", path)
	return nil
}
