//go:build unix

package storetest

import (
	"syscall"
	"time"
)

// processCPU is the user+system CPU time this process has used so far, or
// 0 when it cannot be read. On a machine shared with other work it measures
// a benchmark more steadily than the wall clock.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
