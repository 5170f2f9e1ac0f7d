package scheduler

import (
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// watchExit returns a channel closed when the process holder names (on
// this machine) exits, watched through a pidfd, so a lease whose holder
// was killed is taken at once instead of when it expires. The channel is
// nil when it cannot be watched; stop ends the watch.
func watchExit(holder string) (exited <-chan struct{}, stop func()) {
	parts := strings.Split(holder, "/")
	if len(parts) != 3 {
		return nil, func() {}
	}
	if host, _ := unixHostname(); host != parts[0] {
		return nil, func() {}
	}
	pid, err := strconv.Atoi(parts[1])
	if err != nil || pid <= 0 {
		return nil, func() {}
	}
	fd, err := unix.PidfdOpen(pid, 0)
	if err != nil {
		return nil, func() {}
	}
	// A pipe ends the poll when the watch is stopped.
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_CLOEXEC); err != nil {
		unix.Close(fd)
		return nil, func() {}
	}
	ch := make(chan struct{})
	go func() {
		defer unix.Close(fd)
		defer unix.Close(p[0])
		fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}, {Fd: int32(p[0]), Events: unix.POLLIN}}
		for {
			_, err := unix.Poll(fds, -1)
			if err == unix.EINTR {
				continue
			}
			if err == nil && fds[0].Revents != 0 && fds[1].Revents == 0 {
				close(ch)
			}
			return
		}
	}()
	var once bool
	return ch, func() {
		if !once {
			once = true
			unix.Close(p[1])
		}
	}
}
