package sandbox

import (
	"encoding/binary"
	"errors"
	"runtime"
	"testing"

	"github.com/elastic/go-seccomp-bpf/arch"
	"golang.org/x/net/bpf"
	"golang.org/x/sys/unix"

	"github.com/macroa/macroa/sandbox/support"
)

// Each architecture's filter, run in a BPF interpreter over the
// seccomp_data the kernel would hand it: what it refuses and what it lets
// through, on any machine.
func TestSeccompFilterRules(t *testing.T) {
	const (
		allow  = unix.SECCOMP_RET_ALLOW
		eperm  = uint32(denyEPERM)
		enosys = uint32(denyENOSYS)
	)
	type call struct {
		name string
		args []uint64
		want uint32
	}
	cases := []call{
		{"read", []uint64{0, 0, 0}, allow},
		{"ptrace", []uint64{unix.PTRACE_ATTACH, 1}, eperm},
		{"mount", nil, eperm},
		{"keyctl", nil, eperm},
		{"unshare", []uint64{unix.CLONE_NEWNS}, eperm},
		{"clone3", nil, enosys},
		{"socket", []uint64{unix.AF_INET, unix.SOCK_STREAM, 0}, allow},
		{"socket", []uint64{unix.AF_INET6, unix.SOCK_STREAM | unix.SOCK_CLOEXEC | unix.SOCK_NONBLOCK, unix.IPPROTO_TCP}, allow},
		{"socket", []uint64{unix.AF_INET, unix.SOCK_DGRAM, 0}, eperm},
		{"socket", []uint64{unix.AF_INET6, unix.SOCK_DGRAM | unix.SOCK_CLOEXEC, unix.IPPROTO_UDP}, eperm},
		{"socket", []uint64{unix.AF_INET, unix.SOCK_RAW, unix.IPPROTO_ICMP}, eperm},
		{"socket", []uint64{unix.AF_INET, unix.SOCK_SEQPACKET, 0}, eperm},
		{"socket", []uint64{unix.AF_INET, unix.SOCK_STREAM, unix.IPPROTO_MPTCP}, eperm},
		{"socket", []uint64{unix.AF_UNIX, unix.SOCK_STREAM, 0}, eperm},
		{"socket", []uint64{unix.AF_PACKET, unix.SOCK_RAW, 0}, eperm},
		{"socket", []uint64{unix.AF_ALG, unix.SOCK_SEQPACKET, 0}, eperm},
		{"socket", []uint64{unix.AF_NETLINK, unix.SOCK_RAW, 0}, allow},
		{"personality", []uint64{0}, allow},
		{"personality", []uint64{0xffffffff}, allow},
		{"personality", []uint64{0x0040000}, eperm}, // ADDR_NO_RANDOMIZE
		{"ioctl", []uint64{0, unix.TCGETS}, allow},
		{"ioctl", []uint64{0, unix.TIOCSTI}, eperm},
		{"ioctl", []uint64{0, unix.TIOCLINUX}, eperm},
		{"clone", []uint64{uint64(unix.SIGCHLD)}, allow},
		{"clone", []uint64{unix.CLONE_NEWUSER | uint64(unix.SIGCHLD)}, eperm},
		// The kernel reads these arguments as 32 bits: the high half
		// hides nothing.
		{"socket", []uint64{1<<32 | unix.AF_INET, unix.SOCK_DGRAM, 0}, eperm},
		{"socket", []uint64{unix.AF_INET6, 1<<32 | unix.SOCK_RAW, 0}, eperm},
		{"socket", []uint64{unix.AF_INET, unix.SOCK_STREAM, 1<<32 | unix.IPPROTO_TCP}, allow},
		{"socket", []uint64{unix.AF_INET, unix.SOCK_STREAM, 1<<32 | unix.IPPROTO_MPTCP}, eperm},
		{"socket", []uint64{1<<32 | unix.AF_UNIX, unix.SOCK_STREAM, 0}, eperm},
		{"personality", []uint64{1 << 32}, allow},
		{"personality", []uint64{1<<32 | 0x0040000}, eperm},
		{"ioctl", []uint64{0, 1<<32 | unix.TIOCSTI}, eperm},
		{"clone", []uint64{1<<32 | unix.CLONE_NEWUSER}, eperm},
	}
	for _, goarch := range filterArches {
		t.Run(goarch, func(t *testing.T) {
			info, err := arch.GetInfo(goarch)
			if err != nil {
				t.Fatal(err)
			}
			vm := filterVM(t, goarch)
			calls := append([]call(nil), cases...)
			// An ioctl whose request is clone3's number is judged as an
			// ioctl (the library compares numbers against a loaded
			// argument after failed checks).
			calls = append(calls, call{"ioctl", []uint64{uint64(info.SyscallNames["clone3"]), uint64(info.SyscallNames["clone3"])}, allow})
			if _, ok := info.SyscallNames["socketcall"]; ok {
				calls = append(calls, call{"socketcall", []uint64{1}, eperm})
			}
			for _, c := range calls {
				nr, ok := info.SyscallNames[c.name]
				if !ok {
					t.Fatalf("%s has no syscall %s", info.Name, c.name)
				}
				if got := run(t, vm, nr, uint32(info.ID), c.args); got != c.want {
					t.Errorf("%s%v = %#x, want %#x", c.name, c.args, got, c.want)
				}
			}
			// Through another architecture's entry, even read is refused.
			for _, other := range []*arch.Info{arch.X86_64, arch.I386, arch.AARCH64, arch.ARM} {
				if other.ID == info.ID {
					continue
				}
				if got := run(t, vm, 0, uint32(other.ID), nil); got != eperm {
					t.Errorf("syscall 0 through %s = %#x, want EPERM", other.Name, got)
				}
			}
			if goarch == "amd64" {
				if got := run(t, vm, arch.X32.SeccompMask|0, uint32(info.ID), nil); got != enosys {
					t.Errorf("x32 read = %#x, want ENOSYS", got)
				}
			}
		})
	}
}

func filterVM(t *testing.T, goarch string) *bpf.VM {
	t.Helper()
	filter, err := compileFilter(goarch)
	if err != nil {
		t.Fatal(err)
	}
	insts := make([]bpf.Instruction, len(filter))
	for i, f := range filter {
		insts[i] = bpf.RawInstruction{Op: f.Code, Jt: f.Jt, Jf: f.Jf, K: f.K}.Disassemble()
	}
	vm, err := bpf.NewVM(insts)
	if err != nil {
		t.Fatal(err)
	}
	return vm
}

// run hands the filter one syscall's seccomp_data. The interpreter loads
// words big-endian; the kernel loads them in the machine's order, which is
// little-endian on every architecture with a filter: each 32-bit word is
// written so both read the same value, the low half of an argument first.
func run(t *testing.T, vm *bpf.VM, nr int, archID uint32, args []uint64) uint32 {
	t.Helper()
	data := make([]byte, dataArgs+6*8)
	binary.BigEndian.PutUint32(data[dataNr:], uint32(nr))
	binary.BigEndian.PutUint32(data[dataArch:], archID)
	for i, a := range args {
		binary.BigEndian.PutUint32(data[dataArgs+8*i:], uint32(a))
		binary.BigEndian.PutUint32(data[dataArgs+8*i+4:], uint32(a>>32))
	}
	got, err := vm.Run(data)
	if err != nil {
		t.Fatal(err)
	}
	return uint32(got)
}

// The filter this binary carries, on this kernel: loaded on a thread that
// then dies, it refuses a UDP socket and lets a TCP one be made.
func TestSeccompLoadHere(t *testing.T) {
	if !support.Detect().Seccomp {
		t.Skipf("no seccomp here: %s", support.Detect().Describe())
	}
	type result struct{ load, udp, tcp, highUDP error }
	done := make(chan result)
	go func() {
		// Never unlocked: the thread exits with the goroutine, and its
		// filter with it.
		runtime.LockOSThread()
		var r result
		if r.load = loadSeccomp(); r.load == nil {
			r.udp = trySocket(unix.SOCK_DGRAM)
			r.tcp = trySocket(unix.SOCK_STREAM)
			// The kernel drops the family's high half; so does the filter.
			fd, _, errno := unix.RawSyscall(unix.SYS_SOCKET, uintptr(highHalf|unix.AF_INET), unix.SOCK_DGRAM, 0)
			if errno == 0 {
				unix.Close(int(fd))
				r.highUDP = errors.New("made")
			} else if errno != unix.EPERM {
				r.highUDP = errno
			}
		}
		done <- r
	}()
	r := <-done
	if r.load != nil {
		t.Fatalf("load: %v", r.load)
	}
	if !errors.Is(r.udp, unix.EPERM) {
		t.Errorf("udp socket: %v, want EPERM", r.udp)
	}
	if r.highUDP != nil {
		t.Errorf("udp socket with the family's high half set: %v, want EPERM", r.highUDP)
	}
	if r.tcp != nil {
		t.Errorf("tcp socket: %v", r.tcp)
	}
	// This thread was never filtered.
	if err := trySocket(unix.SOCK_DGRAM); err != nil {
		t.Errorf("udp socket on the test's own thread: %v", err)
	}
}

// highHalf sets an argument's high half (a variable: on a 32-bit machine
// the register holds only the low half, and the conversion drops it).
var highHalf uint64 = 1 << 32

func trySocket(typ int) error {
	fd, err := unix.Socket(unix.AF_INET, typ|unix.SOCK_CLOEXEC, 0)
	if err == nil {
		unix.Close(fd)
	}
	return err
}
