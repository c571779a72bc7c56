package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRunErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no profile file", []string{"--", "version"}, "-cpu: required"},
		{"no command", []string{"-cpu", filepath.Join(dir, "cpu.out")}, "give the cogload command"},
		{"unwritable profile", []string{"-cpu", filepath.Join(dir, "missing", "cpu.out"), "--", "version"}, "-cpu:"},
		{"unknown flag", []string{"-nope"}, "not defined"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr bytes.Buffer
			_, err := run(context.Background(), tt.args, &bytes.Buffer{}, &stderr)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("run(%q) = %v, want an error containing %q", tt.args, err, tt.want)
			}
		})
	}
}

func TestRunProfilesCommand(t *testing.T) {
	dir := t.TempDir()
	cpu, mem := filepath.Join(dir, "cpu.out"), filepath.Join(dir, "heap.out")
	var stdout, stderr bytes.Buffer
	code, err := run(context.Background(), []string{"-cpu", cpu, "-mem", mem, "--", "version"}, &stdout, &stderr)
	if err != nil || code != 0 {
		t.Fatalf("run version = %d, %v (stderr %q), want 0, nil", code, err, stderr.String())
	}
	if stdout.Len() == 0 {
		t.Errorf("version printed nothing; the command did not run")
	}
	for _, p := range []string{cpu, mem} {
		if fi, err := os.Stat(p); err != nil || fi.Size() == 0 {
			t.Errorf("%s: %v, want a non-empty profile", filepath.Base(p), err)
		}
	}
}

func TestRunPassesExitCode(t *testing.T) {
	code, err := run(context.Background(), []string{"-cpu", filepath.Join(t.TempDir(), "cpu.out"), "--", "no-such-command"}, &bytes.Buffer{}, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if code != 2 {
		t.Fatalf("exit code = %d, want 2 (usage) for an unknown command", code)
	}
}

func TestRunSamplesRuntime(t *testing.T) {
	rt := filepath.Join(t.TempDir(), "rt.log")
	code, err := run(context.Background(), []string{"-runtime", rt, "-every", "10ms", "--", "version"}, &bytes.Buffer{}, &bytes.Buffer{})
	if err != nil || code != 0 {
		t.Fatalf("run = %d, %v", code, err)
	}
	b, err := os.ReadFile(rt)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) < 2 {
		t.Fatalf("want a sample at the start and one at the end, got %q", b)
	}
	for _, l := range lines {
		var at, goroutines, heap int64
		if n, err := fmt.Sscanf(l, "%d %d %d", &at, &goroutines, &heap); n != 3 || err != nil || goroutines < 1 || heap < 1 {
			t.Errorf("sample %q: want unix seconds, goroutines, heap bytes", l)
		}
	}
}
