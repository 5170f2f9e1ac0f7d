package support

import (
	"errors"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// Each kernel outcome, faked where this machine cannot produce it.
func TestDetectOutcomes(t *testing.T) {
	abi := func(v int, err error) func() (int, error) { return func() (int, error) { return v, err } }
	seccompOK := func() error { return nil }
	noSeccomp := func() error { return errors.New("the kernel is built without them") }
	cases := []struct {
		name     string
		abi      func() (int, error)
		seccomp  func() error
		want     Level
		describe []string
	}{
		{"Landlock 7 and seccomp", abi(7, nil), seccompOK, LevelFull, []string{"full: Landlock ABI 7 (files and TCP), seccomp filters"}},
		{"Landlock 4 is enough for TCP", abi(4, nil), seccompOK, LevelFull, []string{"files and TCP"}},
		{"Landlock 3 cannot refuse TCP", abi(3, nil), seccompOK, LevelPartial, []string{"partial: Landlock ABI 3 (files)", "cannot refuse TCP"}},
		{"no seccomp", abi(7, nil), noSeccomp, LevelPartial, []string{"partial", "no seccomp filters: the kernel is built without them"}},
		{"Landlock off at boot", abi(0, unix.EOPNOTSUPP), seccompOK, LevelPartial, []string{"no Landlock: it is not among the kernel's enabled security modules"}},
		{"old kernel", abi(0, unix.ENOSYS), noSeccomp, LevelNone, []string{"none", "older than 5.13"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := detect(c.abi, c.seccomp)
			if got := s.Level(); got != c.want {
				t.Errorf("level %s, want %s (%+v)", got, c.want, s)
			}
			d := s.Describe()
			for _, w := range c.describe {
				if !strings.Contains(d, w) {
					t.Errorf("%q does not say %q", d, w)
				}
			}
		})
	}
}

// On this machine the probes answer, and asking restricts nothing: the
// test process can still write and connect afterwards.
func TestDetectHere(t *testing.T) {
	s := Detect()
	t.Logf("this kernel: %s", s.Describe())
	if s.Level() == "" {
		t.Fatal("no level")
	}
	if err := unix.Access(t.TempDir(), unix.W_OK); err != nil {
		t.Fatalf("detecting restricted this process: %v", err)
	}
	var st string
	if b, err := readStatus(); err == nil {
		st = b
	}
	if strings.Contains(st, "Seccomp:\t2") {
		t.Error("detecting installed a seccomp filter")
	}
}

func readStatus() (string, error) {
	b, err := unix.Open("/proc/self/status", unix.O_RDONLY, 0)
	if err != nil {
		return "", err
	}
	defer unix.Close(b)
	buf := make([]byte, 8192)
	n, err := unix.Read(b, buf)
	return string(buf[:max(n, 0)]), err
}
