package hosts

import (
	"context"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/macroa/macroa/hosts/probe"
	"github.com/macroa/macroa/hosts/sshdtest"
)

// Arguments cross the real remote login shell byte for byte: nothing is
// split, globbed, expanded or run there.
func TestSSHDHostileArguments(t *testing.T) {
	s := sshdtest.Start(t, sshdtest.Options{})
	h := sshdHost(t, s, knownHostsFor(t, s))
	dir := t.TempDir()
	canary := filepath.Join(dir, "canary")
	args := []string{
		"plain", "", " ", "two words", "a'b", `"double"`, `'single'`, "it's \"both\"",
		"$(touch " + canary + ")", "`touch " + canary + "`", "; touch " + canary, "| touch " + canary,
		"&& touch " + canary, "new\nline", "cr\r\nlf", "tab\there", "*", dir + "/*", "?", "[a-z]", "~", "~root",
		"$HOME", "${PATH}", "$1", "back\\slash", "\\", "-n", "--", "{a,b}", "!", "#comment", "é ü 日本",
		"\x01\x1b[31m", strings.Repeat("x", 4096),
	}
	script := `for a do printf '%s' "$a" | od -An -v -tx1 | tr -d ' \n'; echo; done`
	cmd := Command{Argv: append([]string{"sh", "-c", script, "sh"}, args...)}
	out, err := h.Run(context.Background(), cmd, sshdTimeout)
	if err != nil || out.ExitCode != 0 {
		t.Fatalf("run: %+v, %v", out, err)
	}
	got := strings.Split(strings.TrimSuffix(out.Stdout, "\n"), "\n")
	if len(got) != len(args) {
		t.Fatalf("%d arguments arrived, want %d: %q", len(got), len(args), out.Stdout)
	}
	for i, a := range args {
		b, err := hex.DecodeString(got[i])
		if err != nil || string(b) != a {
			t.Errorf("argument %d arrived as %q, want %q", i, b, a)
		}
	}
	// The same arguments straight to printf '%s\0' (those without the
	// controls that output cleaning takes out).
	var plain []string
	for _, a := range args {
		if !strings.ContainsAny(a, "\x01\x1b\r") {
			plain = append(plain, a)
		}
	}
	out, err = h.Run(context.Background(), Command{Argv: append([]string{"printf", `%s\0`}, plain...)}, sshdTimeout)
	if err != nil || out.Stdout != strings.Join(plain, "\x00")+"\x00" {
		t.Fatalf("printf '%%s\\0': %q, %v", out.Stdout, err)
	}
	if _, err := os.Stat(canary); err == nil {
		t.Fatal("the remote shell ran an argument")
	}
	// The directory and environment are quoted the same way.
	weird := filepath.Join(dir, "it's $(x)")
	if err := os.Mkdir(weird, 0o755); err != nil {
		t.Fatal(err)
	}
	out, err = h.Run(context.Background(), Command{Argv: []string{"sh", "-c", `pwd; printf '%s\n' "$V"`}, Dir: weird,
		Env: []string{"V=$(touch " + canary + ") 'q'"}}, sshdTimeout)
	if err != nil || out.Stdout != weird+"\n$(touch "+canary+") 'q'\n" {
		t.Fatalf("dir and env: %+v, %v", out, err)
	}
	if _, err := os.Stat(canary); err == nil {
		t.Fatal("the remote shell ran the environment")
	}
}

// A server allowing 2 sessions a connection runs 6 commands at once:
// the others wait for a slot instead of failing.
func TestSSHDMaxSessions(t *testing.T) {
	s := sshdtest.Start(t, sshdtest.Options{MaxSessions: 2})
	h := sshdHost(t, s, knownHostsFor(t, s))
	var wg sync.WaitGroup
	errs := make([]error, 6)
	outs := make([]Output, 6)
	for i := range errs {
		wg.Go(func() {
			outs[i], errs[i] = h.Run(context.Background(), Command{Argv: []string{"sleep", "0.3"}}, sshdTimeout)
		})
	}
	wg.Wait()
	for i := range errs {
		if errs[i] != nil || outs[i].ExitCode != 0 {
			t.Errorf("command %d: %+v, %v", i, outs[i], errs[i])
		}
	}
	h.mu.Lock()
	c := h.cur
	h.mu.Unlock()
	if c == nil {
		t.Fatal("the connection was dropped")
	}
	if l := c.slots.Limit(); l != 2 {
		t.Fatalf("learned a limit of %d sessions, want 2", l)
	}
}

// The health probe runs through the real sshd and parses.
func TestSSHDProbe(t *testing.T) {
	s := sshdtest.Start(t, sshdtest.Options{})
	h := sshdHost(t, s, knownHostsFor(t, s))
	out, err := h.Run(context.Background(), Command{Argv: []string{"sh", "-c", probe.Script}}, sshdTimeout)
	if err != nil || out.ExitCode != 0 || out.Truncated {
		t.Fatalf("probe: %+v, %v", out, err)
	}
	snap, err := probe.Parse([]byte(out.Stdout))
	if err != nil {
		t.Fatal(err)
	}
	if !snap.Kernel.OK || !strings.HasPrefix(snap.Kernel.Value, "Linux") || !snap.Memory.OK || snap.Memory.Value.Total == 0 ||
		!snap.Disks.OK || len(snap.Disks.Value) == 0 {
		t.Fatalf("snapshot: kernel %+v memory %+v disks %+v", snap.Kernel, snap.Memory, snap.Disks)
	}
}
