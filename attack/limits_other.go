//go:build !unix

package attack

// fdLimits is unknown here: no RLIMIT_NOFILE.
func fdLimits() (soft, hard uint64) { return 0, 0 }
