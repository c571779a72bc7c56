package archive

import (
	"bufio"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// maxResultRecord bounds one record of results.bin. A result is written
// without body or headers (its URL, error text and numbers: a few hundred
// bytes), so a record claiming more is damage, and refusing it keeps a
// corrupt length from making the decoder allocate gigabytes.
const maxResultRecord = 1 << 20

// ErrNoResults is returned by CheckResults for an archive without
// results.bin (pruned to save space, or a download that left it out).
var ErrNoResults = errors.New("no " + FileResults)

// Results opens results.bin for decoding. Call the returned close
// function when done.
func (a *Archive) Results() (vegeta.Decoder, func() error, error) {
	f, err := os.Open(filepath.Join(a.Dir, FileResults))
	if err != nil {
		return nil, nil, fmt.Errorf("archive %s: %s: %w", a.Name(), FileResults, pathErr(err))
	}
	return newResultDecoder(f), f.Close, nil
}

// storedResult is what results.bin keeps of a vegeta.Result: everything
// but the body and the headers, which a run never writes. Decoding into
// it, gob skips those fields should a file hold them, so a damaged file
// cannot have it build a header map of the size it claims (gob sizes a
// map by the count it reads, before reading its entries).
type storedResult struct {
	Attack    string
	Seq       uint64
	Code      uint16
	Timestamp time.Time
	Latency   time.Duration
	BytesOut  uint64
	BytesIn   uint64
	Error     string
	Method    string
	URL       string
}

// newResultDecoder decodes vegeta's result encoding from r, each record's
// length checked before it is read and bodies and headers skipped.
func newResultDecoder(r io.Reader) vegeta.Decoder {
	dec := gob.NewDecoder(&recordGuard{r: bufio.NewReaderSize(r, 256<<10)})
	return func(res *vegeta.Result) error {
		var s storedResult
		if err := dec.Decode(&s); err != nil {
			return err
		}
		*res = vegeta.Result{Attack: s.Attack, Seq: s.Seq, Code: s.Code, Timestamp: s.Timestamp, Latency: s.Latency,
			BytesOut: s.BytesOut, BytesIn: s.BytesIn, Error: s.Error, Method: s.Method, URL: s.URL}
		return nil
	}
}

// CheckResults reads results.bin through and checks it against the
// summary: every record decodes, the last one is whole, and there are as
// many results as the summary counts requests. It reads one record at a
// time, so memory stays small whatever the file holds. The error names
// the file and what is wrong with it; ErrNoResults when there is none.
func (a *Archive) CheckResults() error {
	path := filepath.Join(a.Dir, FileResults)
	st, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("archive %s: %w", a.Name(), ErrNoResults)
	}
	if err == nil && !st.Mode().IsRegular() {
		// A FIFO would block the open, a device never end.
		return fmt.Errorf("archive %s: %s: is not a file (%s)", a.Name(), FileResults, st.Mode().Type())
	}
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("archive %s: %s: %w", a.Name(), FileResults, pathErr(err))
	}
	defer f.Close()
	if err := checkResults(f, a.Summary.Totals.Requests+a.Summary.Totals.Ignored); err != nil {
		return fmt.Errorf("archive %s: %s: %w", a.Name(), FileResults, err)
	}
	return nil
}

// checkResults decodes r to its end and checks it holds want results.
func checkResults(r io.Reader, want uint64) error {
	dec := newResultDecoder(r)
	var n uint64
	for {
		var res vegeta.Result
		err := dec.Decode(&res)
		if errors.Is(err, io.EOF) {
			break
		}
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return fmt.Errorf("cut short after %d of %d results (a copy that did not finish, or a run killed while writing)", n, want)
		}
		if err != nil {
			return fmt.Errorf("result %d does not decode (%v): the file is damaged or not vegeta's result encoding", n+1, err)
		}
		if n++; n > want {
			return fmt.Errorf("holds more results than the %d requests %s counts", want, FileSummary)
		}
	}
	if n != want {
		return fmt.Errorf("holds %d results, but %s counts %d requests", n, FileSummary, want)
	}
	return nil
}

// recordGuard passes a gob stream (vegeta's result encoding) through after
// checking each record's length prefix against maxResultRecord.
type recordGuard struct {
	r       *bufio.Reader
	pending []byte // a length prefix not yet passed on
	left    uint64 // bytes of the current record not yet passed on
	err     error
}

func (g *recordGuard) Read(p []byte) (int, error) {
	if g.err != nil {
		return 0, g.err
	}
	if len(g.pending) == 0 && g.left == 0 {
		if g.err = g.next(); g.err != nil {
			return 0, g.err
		}
	}
	if len(g.pending) > 0 {
		n := copy(p, g.pending)
		g.pending = g.pending[n:]
		return n, nil
	}
	if uint64(len(p)) > g.left {
		p = p[:g.left]
	}
	n, err := g.r.Read(p)
	g.left -= uint64(n)
	if errors.Is(err, io.EOF) && g.left > 0 {
		err = io.ErrUnexpectedEOF
	}
	return n, err
}

// next reads a record's length: gob writes an unsigned integer below 128
// as one byte, and a larger one as its byte count, negated, then its bytes
// high first.
func (g *recordGuard) next() error {
	b, err := g.r.ReadByte()
	if err != nil {
		return err // io.EOF between records: the stream's clean end
	}
	g.pending = append(g.pending[:0], b)
	if b < 0x80 {
		g.left = uint64(b)
		return nil
	}
	count := -int(int8(b))
	if count > 8 {
		return fmt.Errorf("record length byte %#x is not a gob length", b)
	}
	var n uint64
	for range count {
		c, err := g.r.ReadByte()
		if err != nil {
			return io.ErrUnexpectedEOF
		}
		g.pending = append(g.pending, c)
		n = n<<8 | uint64(c)
	}
	if n > maxResultRecord {
		return fmt.Errorf("a record claims %d bytes; a result takes far less", n)
	}
	g.left = n
	return nil
}

// copyResults re-encodes every result of the archives into w, one archive
// after the other (gob streams cannot simply be concatenated).
func copyResults(w io.Writer, archives []*Archive) error {
	enc := vegeta.NewEncoder(w)
	for _, a := range archives {
		dec, closeFn, err := a.Results()
		if err != nil {
			return err
		}
		for {
			var r vegeta.Result
			if err := dec.Decode(&r); err != nil {
				if errors.Is(err, io.EOF) {
					break
				}
				_ = closeFn()
				return fmt.Errorf("archive %s: %s: %w", a.Name(), FileResults, err)
			}
			if err := enc.Encode(&r); err != nil {
				_ = closeFn()
				return fmt.Errorf("write %s: %w", FileResults, err)
			}
		}
		if err := closeFn(); err != nil {
			return fmt.Errorf("archive %s: %w", a.Name(), err)
		}
	}
	return nil
}
