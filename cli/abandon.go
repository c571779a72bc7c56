package cli

import (
	"fmt"
	"io"

	"github.com/cogload/cogload/archive"
)

// Abandon is the process's last act on a second interrupt, before it exits
// at once with 130: every archive still being written is removed, so no
// half-written (hidden) folder is left behind, and w says what went. The
// first interrupt is the one that keeps partial results.
func Abandon(w io.Writer) {
	removed := archive.AbandonUnfinished()
	if len(removed) == 0 {
		fmt.Fprintln(w, "cogload: second interrupt, exiting now")
		return
	}
	for _, dir := range removed {
		fmt.Fprintf(w, "cogload: second interrupt, exiting now: removed the unfinished archive %s (interrupt once and wait to keep partial results)\n", dir)
	}
}
