package sandbox

import (
	"fmt"
	"unsafe"

	seccomp "github.com/elastic/go-seccomp-bpf"
	"github.com/elastic/go-seccomp-bpf/arch"
	"golang.org/x/net/bpf"
	"golang.org/x/sys/unix"
)

// denyEPERM fails a syscall with EPERM: the command sees an ordinary
// "operation not permitted" and goes on, nothing is killed.
const denyEPERM = seccomp.Action(uint32(seccomp.ActionErrno) | uint32(unix.EPERM))

// denyENOSYS makes clone3 look absent, so libc falls back to clone, whose
// flags a filter can read (clone3 passes them in memory).
const denyENOSYS = seccomp.Action(uint32(seccomp.ActionErrno) | uint32(unix.ENOSYS))

// deniedSyscalls are what a read-only command never needs and what
// Landlock does not cover: other processes' memory, mounts and
// namespaces, the kernel's key rings, modules and BPF, io_uring (which
// would create sockets past the socket rules), the clock and the machine.
var deniedSyscalls = []string{
	"ptrace", "process_vm_readv", "process_vm_writev", "pidfd_getfd",
	"mount", "umount2", "pivot_root", "chroot", "fsopen", "fsconfig", "fsmount",
	"fspick", "move_mount", "open_tree", "mount_setattr",
	"unshare", "setns",
	"keyctl", "add_key", "request_key",
	"bpf", "perf_event_open", "userfaultfd",
	"kexec_load", "kexec_file_load", "init_module", "finit_module", "delete_module",
	"io_uring_setup", "io_uring_enter", "io_uring_register",
	"reboot", "swapon", "swapoff", "acct", "quotactl", "syslog",
	"settimeofday", "clock_settime", "clock_adjtime", "adjtimex",
	"iopl", "ioperm", "name_to_handle_at", "open_by_handle_at",
	"lookup_dcookie", "vhangup", "uselib",
}

// Socket families and types the filter names (the socket(2) arguments).
const (
	typeMask   = 0xf // SOCK_STREAM..SOCK_PACKET; the rest are flags
	sockStream = unix.SOCK_STREAM
)

// policy is the seccomp policy: everything allowed but the list above,
// sockets other than TCP on the Internet families (UDP carries DNS
// exfiltration, raw sockets forge packets; TCP is Landlock's), packet
// sockets, Unix sockets (Landlock's ABI before 9 lets a path socket such
// as the Docker daemon's or an ssh-agent's be connected), personality
// changes, terminal input injection and user namespaces through clone.
func policy() seccomp.Policy {
	var sock []seccomp.NameWithConditions
	cond := func(c ...seccomp.Condition) {
		sock = append(sock, seccomp.NameWithConditions{Name: "socket", Conditions: c})
	}
	for _, family := range []uint64{unix.AF_INET, unix.AF_INET6} {
		dom := seccomp.Condition{Argument: 0, Operation: seccomp.Equal, Value: family}
		// type&0xf != SOCK_STREAM, spelt in bits: SOCK_STREAM is 1.
		for _, bit := range []uint64{2, 4, 8} {
			cond(dom, seccomp.Condition{Argument: 1, Operation: seccomp.BitsSet, Value: bit})
		}
		cond(dom, seccomp.Condition{Argument: 1, Operation: seccomp.BitsNotSet, Value: sockStream})
		// A stream socket of another protocol (MPTCP, SCTP) escapes
		// Landlock's TCP rules.
		cond(dom,
			seccomp.Condition{Argument: 2, Operation: seccomp.NotEqual, Value: 0},
			seccomp.Condition{Argument: 2, Operation: seccomp.NotEqual, Value: unix.IPPROTO_TCP})
	}
	for _, family := range []uint64{unix.AF_PACKET, unix.AF_UNIX, unix.AF_KEY, unix.AF_ALG} {
		cond(seccomp.Condition{Argument: 0, Operation: seccomp.Equal, Value: family})
	}
	others := []seccomp.NameWithConditions{
		// personality(0) and the query (0xffffffff) stay allowed.
		{Name: "personality", Conditions: []seccomp.Condition{
			{Argument: 0, Operation: seccomp.NotEqual, Value: 0},
			{Argument: 0, Operation: seccomp.NotEqual, Value: 0xffffffff},
		}},
		{Name: "ioctl", Conditions: []seccomp.Condition{{Argument: 1, Operation: seccomp.Equal, Value: unix.TIOCSTI}}},
		{Name: "ioctl", Conditions: []seccomp.Condition{{Argument: 1, Operation: seccomp.Equal, Value: unix.TIOCLINUX}}},
		{Name: "clone", Conditions: []seccomp.Condition{{Argument: 0, Operation: seccomp.BitsSet, Value: unix.CLONE_NEWUSER}}},
	}
	return seccomp.Policy{
		DefaultAction: seccomp.ActionAllow,
		Syscalls: []seccomp.SyscallGroup{
			{Names: deniedSyscalls, Action: denyEPERM},
			{NamesWithCondtions: append(sock, others...), Action: denyEPERM},
			{Names: []string{"clone3"}, Action: denyENOSYS},
		},
	}
}

// loadSeccomp installs the filter on the calling thread (locked, about to
// exec), with no_new_privs set, and a second filter that refuses every
// syscall made through another architecture's entry (int 0x80 on amd64),
// which the first one would let through unjudged.
func loadSeccomp() error {
	if err := seccomp.LoadFilter(seccomp.Filter{NoNewPrivs: true, Policy: policy()}); err != nil {
		return fmt.Errorf("seccomp: %w", err)
	}
	if err := loadNativeOnly(); err != nil {
		return fmt.Errorf("seccomp: native architecture only: %w", err)
	}
	return nil
}

func loadNativeOnly() error {
	info, err := arch.GetInfo("")
	if err != nil {
		return err
	}
	insts := []bpf.Instruction{
		bpf.LoadAbsolute{Off: 4, Size: 4}, // seccomp_data.arch
		bpf.JumpIf{Cond: bpf.JumpEqual, Val: uint32(info.ID), SkipTrue: 1},
		bpf.RetConstant{Val: uint32(denyEPERM)},
		bpf.RetConstant{Val: uint32(seccomp.ActionAllow)},
	}
	raw, err := bpf.Assemble(insts)
	if err != nil {
		return err
	}
	filter := make([]unix.SockFilter, len(raw))
	for i, r := range raw {
		filter[i] = unix.SockFilter{Code: r.Op, Jt: r.Jt, Jf: r.Jf, K: r.K}
	}
	prog := unix.SockFprog{Len: uint16(len(filter)), Filter: &filter[0]}
	_, _, errno := unix.Syscall(unix.SYS_SECCOMP, unix.SECCOMP_SET_MODE_FILTER, 0, uintptr(unsafe.Pointer(&prog)))
	if errno != 0 {
		return errno
	}
	return nil
}
