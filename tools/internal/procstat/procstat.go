// Package procstat runs the services each in a process of its own, for the
// benchmarks, and reads what they report of a process from Linux's /proc.
package procstat

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"strings"
)

// PeakRSS is the peak resident set (VmHWM) of process pid, in bytes.
func PeakRSS(pid int) (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if rest, ok := strings.CutPrefix(s.Text(), "VmHWM:"); ok {
			var kb int64
			if _, err := fmt.Sscanf(strings.TrimSpace(rest), "%d kB", &kb); err != nil {
				return 0, err
			}
			return kb << 10, nil
		}
	}
	return 0, errors.New("no VmHWM in /proc/status")
}
