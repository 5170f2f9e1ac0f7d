//go:build !linux

package app

import "errors"

// fileWake is Linux-only (inotify); elsewhere the watcher polls.
type fileWake struct{ C chan struct{} }

func watchFiles(string) (*fileWake, error) {
	return nil, errors.New("no file notifications on this platform")
}

func (w *fileWake) Close() error { return nil }
