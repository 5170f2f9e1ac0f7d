package scheduler

import "os"

// unixHostname is the host name runner identities start with.
func unixHostname() (string, error) {
	h, err := os.Hostname()
	if h == "" {
		h = "localhost"
	}
	return h, err
}
