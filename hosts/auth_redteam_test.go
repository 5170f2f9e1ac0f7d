package hosts

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestAuthForHostileIdentityFile: an IdentityFile (from config.toml or a
// hostile ~/.ssh/config) naming a FIFO must not hang the connection
// attempt; a key file is small and regular, anything else is left out
// with a note. (Naming /dev/zero reads without end until memory runs
// out: the same missing bound.)
func TestAuthForHostileIdentityFile(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "key")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("no FIFOs here: %v", err)
	}
	t.Cleanup(func() {
		// Unblock a reader left waiting, so no goroutine is stuck.
		if f, err := os.OpenFile(fifo, os.O_RDWR, 0); err == nil {
			f.Close()
		}
	})
	done := make(chan Auth, 1)
	go func() {
		done <- AuthFor(Host{Name: "web1", IdentityFiles: []string{fifo}}, []string{"HOME=" + t.TempDir()})
	}()
	select {
	case a := <-done:
		if len(a.Notes) == 0 {
			t.Errorf("a FIFO as key file is left out without a note")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("AuthFor with a FIFO as IdentityFile did not return in 5s")
	}
}
