package exposure

import (
	"syscall"
	"time"
)

// threadCPU is the CPU time of the calling OS thread, so benchmark numbers
// can be read apart from other processes competing for the cores.
func threadCPU() time.Duration {
	var ru syscall.Rusage
	const rusageThread = 1
	if err := syscall.Getrusage(rusageThread, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// processCPU is the CPU time of the whole process: unlike threadCPU it
// counts the goroutines a query runs on other threads (and the garbage
// collector's work).
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
