package sandbox

import (
	"encoding/binary"

	"golang.org/x/net/bpf"
	"golang.org/x/sys/unix"
)

// The second seccomp filter, built when a command starts because some of
// its rules name this process. It refuses what Landlock leaves to the
// process's own rights and what the generated filter does not judge:
//
//   - signals aimed at this process or at the thread that starts the
//     command (kill, rt_sigqueueinfo, pidfd_open, tgkill and
//     rt_tgsigqueueinfo naming either, tkill at all): that thread shares
//     the command's Landlock domain, so Landlock's signal scope would let
//     the command kill Macroa through it;
//   - leaving the command's session (setsid);
//   - changing other processes: their resource limits, priority, CPUs,
//     scheduling and I/O class (prlimit64, setpriority, sched_set*,
//     ioprio_set with another pid);
//   - changing files' modes, owners, times, extended attributes and
//     attribute flags (chmod 644 ~/.ssh/id_rsa, chattr through ioctl),
//     which Landlock does not cover;
//   - a listening port (listen: an unbound socket binds itself, past
//     Landlock's bind rule) and TCP Fast Open (sendto/sendmsg with
//     MSG_FASTOPEN, TCP_FASTOPEN_CONNECT: a connection past Landlock's
//     connect rule);
//   - socket families but IPv4, IPv6 and netlink (vsock, XDP, CAN, ...);
//   - new namespaces through clone's flags, fanotify, host and domain
//     names, and System V IPC (objects outliving the command, other
//     programs' shared memory).
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

// argOff is where half of argument i lies in seccomp_data: the kernel
// stores each argument as a 64-bit word in the machine's byte order.
func argOff(i uint32, high bool) uint32 {
	off := 16 + 8*i
	bigEndian := binary.NativeEndian.Uint16([]byte{0, 1}) == 1
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
	namespaceFlags     = unix.CLONE_NEWNS | unix.CLONE_NEWCGROUP | unix.CLONE_NEWUTS | unix.CLONE_NEWIPC |
		unix.CLONE_NEWUSER | unix.CLONE_NEWPID | unix.CLONE_NEWNET | unix.CLONE_NEWTIME
)

// ioctls that change a file rather than read it, refused on any file the
// command can open (Landlock judges ioctl on devices only): attribute
// flags (immutable, append-only, nodump), the inode generation, project
// ids, fs-verity, encryption policies and keys, shared extents. Both the
// 64-bit and the 32-bit encodings.
var fileChangingIoctls = []uint32{
	0x40086602, 0x40046602, // FS_IOC_SETFLAGS, FS_IOC32_SETFLAGS
	0x40087602, 0x40047602, // FS_IOC_SETVERSION, FS_IOC32_SETVERSION
	0x401c5820, // FS_IOC_FSSETXATTR
	unix.FS_IOC_ENABLE_VERITY,
	unix.FS_IOC_SET_ENCRYPTION_POLICY,
	unix.FS_IOC_ADD_ENCRYPTION_KEY,
	unix.FIDEDUPERANGE,
	unix.FICLONE, unix.FICLONERANGE,
}

// extraRules are the blocks of the second filter for a command started by
// thread tid of process pid.
func extraRules(pid, tid int) []rule {
	rs := []rule{
		always(unix.SYS_SETSID),
		always(unix.SYS_TKILL),
		// The starting thread is in the command's domain: Landlock lets
		// a signal to it through, and a signal to a thread reaches the
		// whole process. Every call that names a thread or a process
		// by its id, for this thread and this process.
		argIs(unix.SYS_KILL, 0, uint32(tid)),
		argIs(unix.SYS_KILL, 0, uint32(pid)),
		argIs(unix.SYS_RT_SIGQUEUEINFO, 0, uint32(tid)),
		argIs(unix.SYS_RT_SIGQUEUEINFO, 0, uint32(pid)),
		argIs(unix.SYS_PIDFD_OPEN, 0, uint32(tid)),
		argIs(unix.SYS_PIDFD_OPEN, 0, uint32(pid)),
		argIs(unix.SYS_TGKILL, 0, uint32(pid)),
		argIs(unix.SYS_TGKILL, 1, uint32(tid)),
		argIs(unix.SYS_RT_TGSIGQUEUEINFO, 0, uint32(pid)),
		argIs(unix.SYS_RT_TGSIGQUEUEINFO, 1, uint32(tid)),
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
	}
	for _, req := range fileChangingIoctls {
		rs = append(rs, argIs(unix.SYS_IOCTL, 1, req))
	}
	for _, nr := range append(append(fileMetadataCalls(), sysVIPCCalls()...), archDeniedCalls...) {
		rs = append(rs, always(nr))
	}
	return rs
}

// sysVIPCCalls are System V IPC: objects that outlive the command and
// other programs' shared memory, semaphores and queues of the same user.
// A read-only command needs none of them.
func sysVIPCCalls() []uintptr {
	return []uintptr{
		unix.SYS_SHMGET, unix.SYS_SHMAT, unix.SYS_SHMCTL,
		unix.SYS_MSGGET, unix.SYS_MSGSND, unix.SYS_MSGRCV, unix.SYS_MSGCTL,
		unix.SYS_SEMGET, unix.SYS_SEMCTL, // semop: archDeniedCalls
	}
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
func extraFilter(pid, tid int) ([]unix.SockFilter, error) {
	var insts []bpf.Instruction
	for _, r := range extraRules(pid, tid) {
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

// loadExtraFilter installs the second filter on the calling thread, the
// one that starts the command, of process pid.
func loadExtraFilter(pid int) error {
	filter, err := extraFilter(pid, unix.Gettid())
	if err != nil {
		return err
	}
	return installFilter(filter)
}
