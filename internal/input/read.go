package input

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"time"
)

// ReadFile reads the file at path, at most kind.MaxBytes of it. The limit
// counts bytes read, so devices, FIFOs and process substitutions (whose
// stat size is 0) are bounded like files. Directories, sockets and block
// devices are refused. Cancelling ctx stops the read, also while a FIFO
// waits for a writer.
func ReadFile(ctx context.Context, kind Kind, path string) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, interrupted(path, ctx)
	}
	// Sockets cannot even be opened; say what they are.
	if st, err := os.Stat(path); err == nil && st.Mode()&fs.ModeSocket != 0 {
		return nil, &Error{File: path, Msg: "is not a file (a socket)", Hint: "name a " + kind.Name + " file"}
	}
	f, err := open(ctx, path)
	if err != nil {
		if ctx.Err() != nil {
			return nil, interrupted(path, ctx)
		}
		return nil, &Error{File: path, Msg: "cannot read the " + kind.Name + ": " + ErrText(err), Err: err}
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, &Error{File: path, Msg: "cannot read the " + kind.Name + ": " + ErrText(err), Err: err}
	}
	var sizeHint int64
	switch mode := st.Mode(); {
	case mode.IsDir():
		return nil, &Error{File: path, Msg: "is a directory", Hint: "name a " + kind.Name + " file"}
	case mode.IsRegular():
		sizeHint = st.Size() // only to size the buffer; the limit counts bytes read
	case mode&(fs.ModeNamedPipe|fs.ModeCharDevice) != 0:
		// A pipe, a terminal, /dev/stdin or /dev/urandom: read until EOF
		// or the limit.
	default:
		return nil, &Error{File: path, Msg: "is not a file (" + fileType(mode) + ")", Hint: "name a " + kind.Name + " file"}
	}
	return readBounded(ctx, kind, path, f, sizeHint)
}

// ReadAll reads r to its end, at most kind.MaxBytes; name labels errors.
// Cancelling ctx stops the read at once when r has read deadlines (pipes,
// FIFOs, terminals), else before the next read.
func ReadAll(ctx context.Context, kind Kind, name string, r io.Reader) ([]byte, error) {
	return readBounded(ctx, kind, name, r, 0)
}

func readBounded(ctx context.Context, kind Kind, name string, r io.Reader, sizeHint int64) ([]byte, error) {
	if d, ok := r.(interface{ SetReadDeadline(time.Time) error }); ok {
		// A read blocked on a pipe returns once its deadline passes.
		stop := context.AfterFunc(ctx, func() { _ = d.SetReadDeadline(time.Unix(1, 0)) })
		defer stop()
	}
	limit := kind.MaxBytes
	// One byte past the limit tells "exactly the limit" from "more".
	size := min(limit+1, 64<<10)
	if sizeHint > 0 {
		size = min(limit+1, sizeHint+1)
	}
	buf := make([]byte, 0, size)
	for {
		if ctx.Err() != nil {
			return nil, interrupted(name, ctx)
		}
		if len(buf) == cap(buf) {
			grown := make([]byte, len(buf), min(limit+1, 2*int64(cap(buf))))
			copy(grown, buf)
			buf = grown
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if int64(len(buf)) > limit {
			return nil, tooLarge(kind, name)
		}
		if errors.Is(err, io.EOF) {
			return buf, nil
		}
		if err != nil {
			if ctx.Err() != nil {
				return nil, interrupted(name, ctx)
			}
			return nil, &Error{File: name, Msg: "cannot read the " + kind.Name + ": " + ErrText(err), Err: err}
		}
	}
}

// open opens path for reading. Opening a FIFO blocks until a writer opens
// it, so that happens where cancelling ctx can abandon it.
func open(ctx context.Context, path string) (*os.File, error) {
	st, err := os.Stat(path)
	if err != nil || st.Mode()&fs.ModeNamedPipe == 0 {
		return os.Open(path)
	}
	type opened struct {
		f   *os.File
		err error
	}
	done := make(chan opened, 1)
	go func() {
		f, err := os.Open(path)
		done <- opened{f, err}
	}()
	select {
	case o := <-done:
		return o.f, o.err
	case <-ctx.Done():
		releaseFIFO(path)
		go func() {
			if o := <-done; o.f != nil {
				o.f.Close()
			}
		}()
		return nil, ctx.Err()
	}
}

func interrupted(name string, ctx context.Context) *Error {
	return &Error{File: name, Msg: "reading stopped: interrupted", Err: context.Cause(ctx)}
}

// errText is an os error without the path the caller already names.
// ErrText is an error reading a file as it is shown after the file's
// name: the cause alone ("no such file", "permission denied").
func ErrText(err error) string {
	if errors.Is(err, fs.ErrNotExist) {
		return "no such file"
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

func fileType(m fs.FileMode) string {
	switch {
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a block device"
	}
	return "an irregular file"
}

func byteSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
