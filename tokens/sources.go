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

	"github.com/cogload/cogload/domain"
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
	stderr := &tailWriter{max: 64 << 10}
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
		return nil, fmt.Errorf("command %s timed out after %s: stderr: %q", argv[0], timeout, tail(domain.Redact(stderr.String(), toks...), 512))
	}
	if readErr != nil {
		return nil, readErr
	}
	if err != nil {
		// err is an exit status or a start failure; neither carries output.
		return nil, fmt.Errorf("command %s: %w: stderr: %q", argv[0], err, tail(domain.Redact(stderr.String(), toks...), 512))
	}
	if len(toks) == 0 {
		return nil, fmt.Errorf("command %s printed no tokens on stdout (one per line): stderr: %q", argv[0], tail(domain.Redact(stderr.String()), 512))
	}
	return toks, nil
}

// tailWriter keeps the last max bytes written to it: a command's stderr
// is only quoted at its end, however much it prints.
type tailWriter struct {
	max int
	buf []byte
}

func (w *tailWriter) Write(p []byte) (int, error) {
	w.buf = append(w.buf, p...)
	if len(w.buf) > 2*w.max {
		w.buf = append(w.buf[:0], w.buf[len(w.buf)-w.max:]...)
	}
	return len(p), nil
}

func (w *tailWriter) String() string {
	if len(w.buf) > w.max {
		return string(w.buf[len(w.buf)-w.max:])
	}
	return string(w.buf)
}

func tail(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) > n {
		return "..." + s[len(s)-n:]
	}
	return s
}
