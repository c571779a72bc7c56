//go:build unix

package input

import (
	"os"
	"syscall"
)

// releaseFIFO wakes an open of the FIFO at path that waits for a writer:
// opening it for writing without blocking lets that open return (its
// reads then see end of file), so no thread stays stuck in open(2).
func releaseFIFO(path string) {
	if f, err := os.OpenFile(path, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
		f.Close()
	}
}
