package input

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
)

var small = Kind{Name: "test file", MaxBytes: 16}

func TestReadFileLimits(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name string, n int) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, bytes.Repeat([]byte("x"), n), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, tt := range []struct {
		name, path, err string
		size            int
	}{
		{"empty", write("empty", 0), "", 0},
		{"at the limit", write("sixteen", 16), "", 16},
		{"past the limit", write("seventeen", 17), "seventeen: more than 16 bytes, the most a test file may hold (check that this is the right file", 0},
		{"missing", filepath.Join(dir, "none"), "none: cannot read the test file: no such file", 0},
		{"directory", dir, "is a directory (name a test file file)", 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			data, err := ReadFile(context.Background(), small, tt.path)
			if tt.err == "" {
				if err != nil || len(data) != tt.size {
					t.Fatalf("read %d bytes, %v; want %d", len(data), err, tt.size)
				}
				return
			}
			var e *Error
			if !errors.As(err, &e) || !strings.Contains(err.Error(), tt.err) {
				t.Fatalf("error %v, want an *Error with %q", err, tt.err)
			}
		})
	}
	if _, err := ReadFile(context.Background(), small, filepath.Join(dir, "none")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a missing file's error %v does not wrap fs.ErrNotExist", err)
	}
}

// Devices report a size of 0: the limit counts what is read.
func TestReadFileDevices(t *testing.T) {
	t.Parallel()
	for _, dev := range []string{"/dev/urandom", "/dev/zero"} {
		if _, err := os.Stat(dev); err != nil {
			t.Skipf("no %s", dev)
		}
		_, err := ReadFile(context.Background(), Scenario, dev)
		if err == nil || !strings.Contains(err.Error(), "more than 1 MiB, the most a scenario may hold") {
			t.Errorf("%s: %v", dev, err)
		}
	}
	if data, err := ReadFile(context.Background(), Scenario, "/dev/null"); err != nil || len(data) != 0 {
		t.Errorf("/dev/null: %q, %v", data, err)
	}
}

func TestReadFileRefusesSockets(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "s")
	fd, err := syscall.Socket(syscall.AF_UNIX, syscall.SOCK_STREAM, 0)
	if err != nil {
		t.Skip(err)
	}
	defer syscall.Close(fd)
	if err := syscall.Bind(fd, &syscall.SockaddrUnix{Name: path}); err != nil {
		t.Skip(err)
	}
	if _, err := ReadFile(context.Background(), small, path); err == nil || !strings.Contains(err.Error(), "is not a file (a socket)") {
		t.Errorf("socket: %v", err)
	}
}

func mkfifo(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	return path
}

func TestReadFileFIFO(t *testing.T) {
	t.Parallel()
	path := mkfifo(t)
	go func() {
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return
		}
		defer f.Close()
		_, _ = f.Write([]byte("name: piped\n"))
	}()
	data, err := ReadFile(context.Background(), small, path)
	if err != nil || string(data) != "name: piped\n" {
		t.Fatalf("read %q, %v", data, err)
	}
}

// waitingContext reports when someone first waits on it: by then ReadFile
// is blocked (or about to block) on an open or a read.
type waitingContext struct {
	context.Context
	once    sync.Once
	waiting chan struct{}
}

func (c *waitingContext) Done() <-chan struct{} {
	c.once.Do(func() { close(c.waiting) })
	return c.Context.Done()
}

func cancelWhenWaiting(t *testing.T) context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	wc := &waitingContext{Context: ctx, waiting: make(chan struct{})}
	go func() {
		<-wc.waiting
		cancel()
	}()
	return wc
}

// A FIFO nobody writes to blocks the open, then the read; an interrupt
// ends either.
func TestReadFileStopsWhenCancelled(t *testing.T) {
	t.Parallel()
	t.Run("no writer", func(t *testing.T) {
		t.Parallel()
		_, err := ReadFile(cancelWhenWaiting(t), small, mkfifo(t))
		assertInterrupted(t, err)
	})
	t.Run("idle writer", func(t *testing.T) {
		t.Parallel()
		path := mkfifo(t)
		opened := make(chan *os.File, 1)
		go func() {
			f, err := os.OpenFile(path, os.O_WRONLY, 0)
			if err == nil {
				opened <- f
			}
		}()
		ctx := cancelWhenWaiting(t)
		_, err := ReadFile(ctx, small, path)
		assertInterrupted(t, err)
		select {
		case f := <-opened:
			f.Close()
		default:
		}
	})
	t.Run("pipe", func(t *testing.T) {
		t.Parallel()
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		defer w.Close()
		defer r.Close()
		_, err = ReadAll(cancelWhenWaiting(t), small, "command x", r)
		assertInterrupted(t, err)
	})
	t.Run("already cancelled", func(t *testing.T) {
		t.Parallel()
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := ReadAll(ctx, small, "x", strings.NewReader("data"))
		assertInterrupted(t, err)
	})
}

func assertInterrupted(t *testing.T, err error) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) || !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "reading stopped: interrupted") {
		t.Fatalf("error %v, want an interrupted *Error wrapping context.Canceled", err)
	}
}

func TestReadAllLimit(t *testing.T) {
	t.Parallel()
	if _, err := ReadAll(context.Background(), small, "command x", strings.NewReader(strings.Repeat("t", 17))); err == nil || !strings.HasPrefix(err.Error(), "command x: more than 16 bytes") {
		t.Errorf("error %v", err)
	}
	data, err := ReadAll(context.Background(), small, "command x", io.LimitReader(strings.NewReader(strings.Repeat("t", 100)), 16))
	if err != nil || len(data) != 16 {
		t.Errorf("read %d bytes, %v", len(data), err)
	}
}
