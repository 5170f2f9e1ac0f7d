package sandbox

import (
	"encoding/binary"
	"errors"
	"fmt"
	"reflect"
	"unsafe"

	seccomp "github.com/elastic/go-seccomp-bpf"
	"github.com/elastic/go-seccomp-bpf/arch"
	"golang.org/x/net/bpf"
	"golang.org/x/sys/unix"
)

// The seccomp policy is written here, in the library's terms, and
// compiled ahead of time into seccomp_filter_<arch>.go by
// TestSeccompFilterGenerated: the binary carries only the instructions.

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
// A name an architecture lacks (iopl on arm64) is left out of its filter;
// socketcall, where it exists (386), multiplexes socket(2) past the
// argument checks, so it is refused outright.
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
	"lookup_dcookie", "vhangup", "uselib", "socketcall",
}

// Socket families and types the filter names (the socket(2) arguments).
const sockStream = unix.SOCK_STREAM

// seccompPolicy is the seccomp policy for one architecture: everything
// allowed but the list above, sockets other than TCP on the Internet
// families (UDP carries DNS exfiltration, raw sockets forge packets; TCP
// is Landlock's), packet sockets, Unix sockets (Landlock's ABI before 9
// lets a path socket such as the Docker daemon's or an ssh-agent's be
// connected), personality changes, terminal input injection and user
// namespaces through clone.
func seccompPolicy(info *arch.Info) seccomp.Policy {
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
	var denied []string
	for _, name := range deniedSyscalls {
		if _, ok := info.SyscallNames[name]; ok {
			denied = append(denied, name)
		}
	}
	return seccomp.Policy{
		DefaultAction: seccomp.ActionAllow,
		// Unconditional groups first: after a syscall's argument checks
		// fail, the library's next comparison reads the argument it
		// loaded, not the syscall number, so a later group could refuse
		// an unrelated call whose argument happens to equal its number.
		Syscalls: []seccomp.SyscallGroup{
			{Names: denied, Action: denyEPERM},
			{Names: []string{"clone3"}, Action: denyENOSYS},
			{NamesWithCondtions: append(sock, others...), Action: denyEPERM},
		},
	}
}

// Offsets in struct seccomp_data.
const (
	dataNr   = 0
	dataArch = 4
	dataArgs = 16
)

// compileFilter compiles seccompPolicy for goarch into the one program
// loadSeccomp installs: a syscall through another architecture's entry is
// refused first, then the policy's rules judge the rest.
func compileFilter(goarch string) ([]unix.SockFilter, error) {
	if binary.NativeEndian.Uint16([]byte{1, 0}) != 1 {
		return nil, errors.New("the library places argument halves by the generating machine's byte order: generate on a little-endian one")
	}
	info, err := arch.GetInfo(goarch)
	if err != nil {
		return nil, err
	}
	p := seccompPolicy(info)
	// Policy.Assemble compiles for the running architecture unless its
	// unexported arch is set; every architecture with a syscall table
	// is little-endian, like the machines that generate, so the argument
	// offsets it picks hold for all of them.
	field := reflect.ValueOf(&p).Elem().FieldByName("arch")
	if !field.IsValid() || field.Type() != reflect.TypeOf(info) {
		return nil, errors.New("go-seccomp-bpf's Policy no longer has an arch field: compile on each architecture instead")
	}
	reflect.NewAt(field.Type(), unsafe.Pointer(field.UnsafeAddr())).Elem().Set(reflect.ValueOf(info))
	insts, err := p.Assemble()
	if err != nil {
		return nil, fmt.Errorf("assemble for %s: %w", info.Name, err)
	}
	// The library begins with "load arch; if not native, jump to the
	// final return of the default action", which is allow: replace it
	// with a refusal.
	head := []bpf.Instruction{
		bpf.LoadAbsolute{Off: dataArch, Size: 4},
		bpf.JumpIf{Cond: bpf.JumpNotEqual, Val: uint32(info.ID), SkipTrue: uint8(len(insts) - 3)},
	}
	if len(insts) < 3 || len(insts)-3 > 255 || !reflect.DeepEqual(insts[:2], head) {
		return nil, fmt.Errorf("go-seccomp-bpf's program for %s no longer begins with its architecture check: %v", info.Name, insts[:min(2, len(insts))])
	}
	prog := append([]bpf.Instruction{
		bpf.LoadAbsolute{Off: dataArch, Size: 4},
		bpf.JumpIf{Cond: bpf.JumpEqual, Val: uint32(info.ID), SkipTrue: 1},
		bpf.RetConstant{Val: uint32(denyEPERM)},
	}, insts[2:]...)
	// Every argument the policy reads is 32 bits to the kernel (socket's
	// ints, personality's and ioctl's unsigned ints, the low half of
	// clone's flags): the high half is whatever the caller put there and
	// the kernel drops it. The library compares it, so socket(1<<32 |
	// AF_INET, SOCK_DGRAM) would pass as another family; it is read as
	// zero instead, one instruction for another, no jump moves.
	for i, inst := range prog {
		if ld, ok := inst.(bpf.LoadAbsolute); ok && ld.Off >= dataArgs && (ld.Off-dataArgs)%8 == 4 {
			prog[i] = bpf.LoadConstant{Dst: bpf.RegA, Val: 0}
		}
	}
	raw, err := bpf.Assemble(prog)
	if err != nil {
		return nil, fmt.Errorf("encode for %s: %w", info.Name, err)
	}
	filter := make([]unix.SockFilter, len(raw))
	for i, r := range raw {
		filter[i] = unix.SockFilter{Code: r.Op, Jt: r.Jt, Jf: r.Jf, K: r.K}
	}
	return filter, nil
}
