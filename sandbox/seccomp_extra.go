package sandbox

import (
	"unsafe"

	"golang.org/x/net/bpf"
	"golang.org/x/sys/unix"
)

// The second seccomp filter, built when a command starts because some of
// its rules name this process. It refuses what Landlock leaves to the
// process's own rights and what the generated filter does not judge:
//
//   - signals aimed at one thread of this process (tgkill and
//     rt_tgsigqueueinfo naming it, tkill at all): the thread that starts a
//     command shares its Landlock domain, so Landlock's signal scope
//     would let the command kill Macroa through it;
//   - leaving the command's session (setsid);
//   - changing other processes: their resource limits, priority, CPUs,
//     scheduling and I/O class (prlimit64, setpriority, sched_set*,
//     ioprio_set with another pid);
//   - changing files' modes, owners, times and extended attributes, which
//     Landlock does not cover (chmod 644 ~/.ssh/id_rsa);
//   - a listening port (listen: an unbound socket binds itself, past
//     Landlock's bind rule) and TCP Fast Open (sendto/sendmsg with
//     MSG_FASTOPEN, TCP_FASTOPEN_CONNECT: a connection past Landlock's
//     connect rule);
//   - socket families but IPv4, IPv6 and netlink (vsock, XDP, CAN, ...);
//   - new namespaces through clone's flags, fanotify, host and domain
//     names, and System V IPC objects that would outlive the command.
//
// Syscall numbers are this architecture's; the generated filter refuses
// every other architecture's entry.

// rule is one block of the filter: its instructions fall through to the
// next block unless they end in a refusal.
type rule []bpf.Instruction

var (
	deny  = bpf.RetConstant{Val: unix.SECCOMP_RET_ERRNO | uint32(unix.EPERM)}
	allow = bpf.RetConstant{Val: unix.SECCOMP_RET_ALLOW}
)

func loadNr() bpf.Instruction { return bpf.LoadAbsolute{Off: 0, Size: 4} }

// argLow and argHigh load the low and high 32 bits of argument i.
func argLow(i uint32) bpf.Instruction  { return bpf.LoadAbsolute{Off: argOff(i, false), Size: 4} }
func argHigh(i uint32) bpf.Instruction { return bpf.LoadAbsolute{Off: argOff(i, true), Size: 4} }

func argOff(i uint32, high bool) uint32 {
	off := 16 + 8*i
	var probe uint16 = 1
	bigEndian := *(*byte)(unsafe.Pointer(&probe)) == 0
	if high != bigEndian {
		off += 4
	}
	return off
}

// always refuses nr.
func always(nr uintptr) rule {
	return rule{loadNr(), bpf.JumpIf{Cond: bpf.JumpNotEqual, Val: uint32(nr), SkipTrue: 1}, deny}
}

// argIs refuses nr when the low 32 bits of argument i equal v.
func argIs(nr uintptr, i uint32, v uint32) rule {
	return rule{loadNr(), bpf.JumpIf{Cond: bpf.JumpNotEqual, Val: uint32(nr), SkipTrue: 3},
		argLow(i), bpf.JumpIf{Cond: bpf.JumpNotEqual, Val: v, SkipTrue: 1}, deny}
}

// argIsNot refuses nr when the low 32 bits of argument i differ from v
// (a pid other than 0, this process).
func argIsNot(nr uintptr, i uint32, v uint32) rule {
	return rule{loadNr(), bpf.JumpIf{Cond: bpf.JumpNotEqual, Val: uint32(nr), SkipTrue: 3},
		argLow(i), bpf.JumpIf{Cond: bpf.JumpEqual, Val: v, SkipTrue: 1}, deny}
}

// argHas refuses nr when argument i has any of mask's bits.
func argHas(nr uintptr, i uint32, mask uint32) rule {
	return rule{loadNr(), bpf.JumpIf{Cond: bpf.JumpNotEqual, Val: uint32(nr), SkipTrue: 3},
		argLow(i), bpf.JumpIf{Cond: bpf.JumpBitsNotSet, Val: mask, SkipTrue: 1}, deny}
}

// argNotIn refuses nr unless argument i is one of vs.
func argNotIn(nr uintptr, i uint32, vs ...uint32) rule {
	r := rule{loadNr(), bpf.JumpIf{Cond: bpf.JumpNotEqual, Val: uint32(nr), SkipTrue: uint8(len(vs) + 2)}, argLow(i)}
	for k, v := range vs {
		r = append(r, bpf.JumpIf{Cond: bpf.JumpEqual, Val: v, SkipTrue: uint8(len(vs) - k)})
	}
	return append(r, deny)
}

// args2Are refuses nr when argument i is a and argument j is b.
func args2Are(nr uintptr, i, a, j, b uint32) rule {
	return rule{loadNr(), bpf.JumpIf{Cond: bpf.JumpNotEqual, Val: uint32(nr), SkipTrue: 5},
		argLow(i), bpf.JumpIf{Cond: bpf.JumpNotEqual, Val: a, SkipTrue: 3},
		argLow(j), bpf.JumpIf{Cond: bpf.JumpNotEqual, Val: b, SkipTrue: 1}, deny}
}

// otherPidSetting refuses prlimit64 setting (argument 2 not NULL) the
// limits of another process (argument 0 not 0).
func otherPidSetting(nr uintptr) rule {
	return rule{loadNr(), bpf.JumpIf{Cond: bpf.JumpNotEqual, Val: uint32(nr), SkipTrue: 7},
		argLow(0), bpf.JumpIf{Cond: bpf.JumpEqual, Val: 0, SkipTrue: 5},
		argLow(2), bpf.JumpIf{Cond: bpf.JumpNotEqual, Val: 0, SkipTrue: 2},
		argHigh(2), bpf.JumpIf{Cond: bpf.JumpEqual, Val: 0, SkipTrue: 1}, deny}
}

// Constants of the rules.
const (
	msgFastOpen        = 0x20000000 // MSG_FASTOPEN
	tcpFastOpenConnect = 30         // TCP_FASTOPEN_CONNECT
	ipcCreat           = 0o1000     // IPC_CREAT
	namespaceFlags     = unix.CLONE_NEWNS | unix.CLONE_NEWCGROUP | unix.CLONE_NEWUTS | unix.CLONE_NEWIPC |
		unix.CLONE_NEWUSER | unix.CLONE_NEWPID | unix.CLONE_NEWNET | unix.CLONE_NEWTIME
)

// extraRules are the blocks of the second filter for a process of pid.
func extraRules(pid int) []rule {
	rs := []rule{
		always(unix.SYS_SETSID),
		always(unix.SYS_TKILL),
		argIs(unix.SYS_TGKILL, 0, uint32(pid)),
		argIs(unix.SYS_RT_TGSIGQUEUEINFO, 0, uint32(pid)),
		otherPidSetting(unix.SYS_PRLIMIT64),
		argIsNot(unix.SYS_SETPRIORITY, 1, 0),
		argIsNot(unix.SYS_SCHED_SETAFFINITY, 0, 0),
		argIsNot(unix.SYS_SCHED_SETSCHEDULER, 0, 0),
		argIsNot(unix.SYS_SCHED_SETPARAM, 0, 0),
		argIsNot(unix.SYS_SCHED_SETATTR, 0, 0),
		argIsNot(unix.SYS_IOPRIO_SET, 1, 0),
		always(unix.SYS_LISTEN),
		argHas(unix.SYS_SENDTO, 3, msgFastOpen),
		argHas(unix.SYS_SENDMSG, 2, msgFastOpen),
		argHas(unix.SYS_SENDMMSG, 3, msgFastOpen),
		args2Are(unix.SYS_SETSOCKOPT, 1, unix.IPPROTO_TCP, 2, tcpFastOpenConnect),
		argNotIn(unix.SYS_SOCKET, 0, unix.AF_INET, unix.AF_INET6, unix.AF_NETLINK),
		argHas(unix.SYS_CLONE, 0, namespaceFlags),
		always(unix.SYS_FANOTIFY_INIT),
		always(unix.SYS_SETHOSTNAME),
		always(unix.SYS_SETDOMAINNAME),
		argHas(unix.SYS_MSGGET, 1, ipcCreat),
		argHas(unix.SYS_SEMGET, 2, ipcCreat),
		argHas(unix.SYS_SHMGET, 2, ipcCreat),
	}
	for _, nr := range append(fileMetadataCalls(), legacyFileMetadataCalls...) {
		rs = append(rs, always(nr))
	}
	return rs
}

// fileMetadataCalls change a file's mode, owner, times or extended
// attributes on every architecture.
func fileMetadataCalls() []uintptr {
	return []uintptr{
		unix.SYS_FCHMOD, unix.SYS_FCHMODAT, unix.SYS_FCHMODAT2,
		unix.SYS_FCHOWN, unix.SYS_FCHOWNAT,
		unix.SYS_SETXATTR, unix.SYS_LSETXATTR, unix.SYS_FSETXATTR, unix.SYS_SETXATTRAT,
		unix.SYS_REMOVEXATTR, unix.SYS_LREMOVEXATTR, unix.SYS_FREMOVEXATTR, unix.SYS_REMOVEXATTRAT,
		unix.SYS_UTIMENSAT,
	}
}

// extraFilter assembles the rules, ending in allow.
func extraFilter(pid int) ([]unix.SockFilter, error) {
	var insts []bpf.Instruction
	for _, r := range extraRules(pid) {
		insts = append(insts, r...)
	}
	insts = append(insts, allow)
	raw, err := bpf.Assemble(insts)
	if err != nil {
		return nil, err
	}
	filter := make([]unix.SockFilter, len(raw))
	for i, r := range raw {
		filter[i] = unix.SockFilter{Code: r.Op, Jt: r.Jt, Jf: r.Jf, K: r.K}
	}
	return filter, nil
}

// loadExtraFilter installs the second filter on the calling thread.
func loadExtraFilter(pid int) error {
	filter, err := extraFilter(pid)
	if err != nil {
		return err
	}
	return installFilter(filter)
}
