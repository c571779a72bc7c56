package tokens

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"time"

	"github.com/cogload/cogload/internal/input"
	"github.com/cogload/cogload/scenarios"
)

// ExecTimeout bounds a token command when Env.ExecTimeout is zero.
const ExecTimeout = 30 * time.Second

// staticTokens reads a pool's tokens from a non-minting source.
func staticTokens(ctx context.Context, pool scenarios.TokenPool, env *Env) ([]string, error) {
	src := pool.Source
	switch src.Kind {
	case scenarios.SourceInline:
		var out []string
		for _, t := range src.Inline {
			if t = strings.TrimSpace(t); t != "" {
				out = append(out, t)
			}
		}
		if len(out) == 0 {
			return nil, errors.New("inline source lists no tokens")
		}
		return out, nil
	case scenarios.SourceFile:
		path := src.Path
		data, err := input.ReadFile(ctx, input.TokenFile, path)
		if err != nil {
			return nil, err
		}
		out := ParseTokenLines(data)
		if len(out) == 0 {
			return nil, &input.Error{File: path, Msg: "no tokens", Hint: "one per line, # starts a comment"}
		}
		return out, nil
	case scenarios.SourceEnv:
		if src.Env == "" {
			return nil, errors.New("env source names no variable")
		}
		out := ParseTokenList(env.Getenv(src.Env))
		if len(out) == 0 {
			return nil, fmt.Errorf("environment variable %s is empty or unset: set it to tokens separated by spaces, commas or newlines", src.Env)
		}
		return out, nil
	case scenarios.SourceExec:
		return execTokens(ctx, src.Command, env)
	}
	return nil, fmt.Errorf("source %q does not provide tokens", src.Kind)
}

// ParseTokenLines splits a token file: one token per line, blank lines and
// lines starting with # skipped, surrounding space trimmed.
func ParseTokenLines(data []byte) []string {
	var out []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64*1024), 16<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		out = append(out, line)
	}
	return out
}

// ParseTokenList splits a value holding tokens separated by whitespace or
// commas (an environment variable).
func ParseTokenList(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return r == ',' || r == ' ' || r == '\t' || r == '\n' || r == '\r'
	})
}

func execTokens(ctx context.Context, argv []string, env *Env) ([]string, error) {
	if len(argv) == 0 || argv[0] == "" {
		return nil, errors.New("exec source names no command")
	}
	timeout := env.ExecTimeout
	if timeout <= 0 {
		timeout = ExecTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Dir = env.Dir
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("command %s: %w", argv[0], err)
	}
	// The command's stderr is counted, never shown: a credential helper
	// may print a token, a password or a key there, and this error ends
	// up in CI logs.
	stderr := &lineCounter{}
	cmd.Stderr = stderr
	cmd.WaitDelay = time.Second
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("command %s: %w", argv[0], err)
	}
	data, readErr := input.ReadAll(ctx, input.TokenCommand, "command "+argv[0], stdout)
	if readErr != nil {
		cancel() // stop a command that prints too much
	}
	err = cmd.Wait()
	toks := ParseTokenLines(data)
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return nil, fmt.Errorf("command %s timed out after %s%s", argv[0], timeout, stderr.note())
	}
	if readErr != nil {
		return nil, readErr
	}
	if err != nil {
		// err is an exit status or a start failure; neither carries output.
		return nil, fmt.Errorf("command %s: %w%s", argv[0], err, stderr.note())
	}
	if len(toks) == 0 {
		return nil, fmt.Errorf("command %s printed no tokens on stdout (one per line)%s", argv[0], stderr.note())
	}
	return toks, nil
}

// lineCounter counts what a command writes to stderr, keeping none of it.
type lineCounter struct {
	lines int
	open  bool // the last line has no newline yet
}

func (c *lineCounter) Write(p []byte) (int, error) {
	for _, b := range p {
		if b == '\n' {
			c.lines++
			c.open = false
		} else {
			c.open = true
		}
	}
	return len(p), nil
}

// note says how much the command wrote to stderr, and why it is not shown.
func (c *lineCounter) note() string {
	lines := c.lines
	if c.open {
		lines++
	}
	if lines == 0 {
		return ""
	}
	return fmt.Sprintf("; it wrote %d line(s) to stderr, not shown here because they may hold a secret: run the command yourself to read them", lines)
}
