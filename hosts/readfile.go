package hosts

import (
	"fmt"
	"io"
	"os"
	"syscall"
)

// readSmall reads a file a person's configuration names (an ssh_config,
// an Include, a key) only when it is a regular file of at most max
// bytes: a FIFO would block for ever and /dev/zero would fill memory.
// The open does not block, so a FIFO is refused rather than waited on.
func readSmall(path string, max int64) ([]byte, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", path)
	}
	if fi.Size() > max {
		return nil, fmt.Errorf("%s is larger than %d KB", path, max>>10)
	}
	b, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("%s is larger than %d KB", path, max>>10)
	}
	return b, nil
}

// The most a configuration file or a key file may hold.
const (
	maxConfigFile = 1 << 20
	maxKeyFile    = 64 << 10
)
