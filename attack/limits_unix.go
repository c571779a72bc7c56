//go:build unix

package attack

import "syscall"

// fdLimits returns the process's file-descriptor limits, soft and hard
// (Go raises the soft one to the hard one at start-up).
func fdLimits() (soft, hard uint64) {
	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil {
		return 0, 0
	}
	return uint64(rl.Cur), uint64(rl.Max) //nolint:unconvert // int64 on some BSDs
}
