package approvals

import (
	"bytes"
	"os"
	"strconv"
	"strings"
	"sync"
)

// Runner names this process as the one that runs an entry:
// "<hostname>/<pid>/<start ticks>", the start time from /proc/self/stat
// telling this process from a later one given the same pid.
func Runner() string {
	runnerOnce.Do(func() {
		host, _ := os.Hostname()
		if host == "" {
			host = "localhost"
		}
		pid := os.Getpid()
		ticks, _ := startTicks(pid)
		runnerName = host + "/" + strconv.Itoa(pid) + "/" + strconv.FormatUint(ticks, 10)
	})
	return runnerName
}

var (
	runnerOnce sync.Once
	runnerName string
)

// Alive reports whether the process runner names may still be running:
// on this machine, its pid exists with the same start time; on another
// machine (a database shared over a network file system) nothing can be
// told, so it counts as alive.
func Alive(runner string) bool {
	parts := strings.Split(runner, "/")
	if len(parts) != 3 {
		return false // not a runner this program wrote: nobody runs it
	}
	host, _ := os.Hostname()
	if host == "" {
		host = "localhost"
	}
	if parts[0] != host {
		return true
	}
	pid, err := strconv.Atoi(parts[1])
	if err != nil || pid <= 0 {
		return false
	}
	want, err := strconv.ParseUint(parts[2], 10, 64)
	if err != nil {
		return false
	}
	got, err := startTicks(pid)
	if err != nil {
		return false // gone, or a zombie: it runs nothing any more
	}
	return got == want
}

// startTicks reads field 22 of /proc/<pid>/stat: when the process started,
// in clock ticks after boot; a process that has exited (a zombie not yet
// reaped) is an error. The command name (field 2) may hold spaces
// and parentheses, so the fields are counted after its last ')'.
func startTicks(pid int) (uint64, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, err
	}
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, os.ErrInvalid
	}
	fields := strings.Fields(string(b[i+1:]))
	// fields[0] is field 3 (state), so field 22 is fields[19].
	if len(fields) < 20 {
		return 0, os.ErrInvalid
	}
	if fields[0] == "Z" || fields[0] == "X" {
		return 0, os.ErrProcessDone
	}
	return strconv.ParseUint(fields[19], 10, 64)
}
