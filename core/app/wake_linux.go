package app

import (
	"bytes"
	"os"
	"path/filepath"
	"syscall"
	"unsafe"
)

// fileWake tells the watcher the moment the store's files are written, by
// this process or another (inotify on the data dir), so an idle process
// never wakes to poll. What was written is still read from SQLite: a wake
// only says when to look.
type fileWake struct {
	f     *os.File
	names [][]byte // the database file and its write-ahead log
	C     chan struct{}
}

// watchFiles starts reporting writes to the database at dbPath and its
// -wal file; an error means the platform or file system cannot, and the
// watcher polls instead.
func watchFiles(dbPath string) (*fileWake, error) {
	fd, err := syscall.InotifyInit1(syscall.IN_NONBLOCK | syscall.IN_CLOEXEC)
	if err != nil {
		return nil, err
	}
	// The directory, not the files: the -wal file comes and goes.
	const mask = syscall.IN_MODIFY | syscall.IN_CREATE | syscall.IN_MOVED_TO | syscall.IN_DELETE
	if _, err := syscall.InotifyAddWatch(fd, filepath.Dir(dbPath), mask); err != nil {
		syscall.Close(fd)
		return nil, err
	}
	base := filepath.Base(dbPath)
	w := &fileWake{
		f:     os.NewFile(uintptr(fd), "inotify"), // non-blocking: Close ends a pending Read
		names: [][]byte{[]byte(base), []byte(base + "-wal")},
		C:     make(chan struct{}, 1),
	}
	go w.read()
	return w, nil
}

func (w *fileWake) read() {
	buf := make([]byte, 16*(syscall.SizeofInotifyEvent+syscall.NAME_MAX+1))
	for {
		n, err := w.f.Read(buf)
		if err != nil {
			return // closed
		}
		if w.relevant(buf[:n]) {
			select {
			case w.C <- struct{}{}:
			default: // a wake is pending already
			}
		}
	}
}

// relevant reports whether any event in buf is about the store's files
// (or says events were lost).
func (w *fileWake) relevant(buf []byte) bool {
	for len(buf) >= syscall.SizeofInotifyEvent {
		ev := (*syscall.InotifyEvent)(unsafe.Pointer(&buf[0]))
		end := syscall.SizeofInotifyEvent + int(ev.Len)
		if end > len(buf) {
			return true
		}
		if ev.Mask&syscall.IN_Q_OVERFLOW != 0 {
			return true
		}
		name := bytes.TrimRight(buf[syscall.SizeofInotifyEvent:end], "\x00")
		for _, n := range w.names {
			if bytes.Equal(name, n) {
				return true
			}
		}
		buf = buf[end:]
	}
	return false
}

func (w *fileWake) Close() error { return w.f.Close() }
