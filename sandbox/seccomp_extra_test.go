package sandbox

import (
	"testing"

	"golang.org/x/net/bpf"
	"golang.org/x/sys/unix"
)

// atFDCWD is AT_FDCWD as a syscall argument.
const atFDCWD = uint64(0xffffffffffffff9c)

// Each rule of the second filter, run in a BPF interpreter over made-up
// syscall data: what it refuses and what it lets through.
func TestExtraFilterRules(t *testing.T) {
	const pid, tid = 4242, 4250
	filter, err := extraFilter(pid, tid)
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
	refused := unix.SECCOMP_RET_ERRNO | uint32(unix.EPERM)
	allowed := func(nr uintptr, args ...uint64) bool {
		switch got := run(t, vm, int(nr), 0, args); got {
		case refused:
			return false
		case unix.SECCOMP_RET_ALLOW:
			return true
		default:
			t.Fatalf("syscall %d: verdict %#x", nr, got)
			return false
		}
	}
	cases := []struct {
		name    string
		nr      uintptr
		args    []uint64
		allowed bool
	}{
		{"setsid", unix.SYS_SETSID, nil, false},
		{"tkill", unix.SYS_TKILL, []uint64{pid, 0}, false},
		{"tgkill this process", unix.SYS_TGKILL, []uint64{pid, pid + 3, 9}, false},
		{"tgkill another process", unix.SYS_TGKILL, []uint64{77, 78, 9}, true},
		{"rt_tgsigqueueinfo this process", unix.SYS_RT_TGSIGQUEUEINFO, []uint64{pid, pid, 9, 0}, false},
		{"prlimit64 of another process, setting", unix.SYS_PRLIMIT64, []uint64{77, unix.RLIMIT_NOFILE, 0x7ffe0000, 0}, false},
		{"prlimit64 of another process, setting high pointer", unix.SYS_PRLIMIT64, []uint64{77, unix.RLIMIT_NOFILE, 0x7f0000000000, 0}, false},
		{"prlimit64 of another process, reading", unix.SYS_PRLIMIT64, []uint64{77, unix.RLIMIT_NOFILE, 0, 0x7ffe0000}, true},
		{"prlimit64 of itself, setting", unix.SYS_PRLIMIT64, []uint64{0, unix.RLIMIT_NOFILE, 0x7ffe0000, 0}, true},
		{"setpriority of another process", unix.SYS_SETPRIORITY, []uint64{unix.PRIO_PROCESS, 77, 19}, false},
		{"setpriority of itself", unix.SYS_SETPRIORITY, []uint64{unix.PRIO_PROCESS, 0, 19}, true},
		{"sched_setaffinity of another", unix.SYS_SCHED_SETAFFINITY, []uint64{77, 8, 0x1000}, false},
		{"sched_setaffinity of itself", unix.SYS_SCHED_SETAFFINITY, []uint64{0, 8, 0x1000}, true},
		{"sched_setscheduler of another", unix.SYS_SCHED_SETSCHEDULER, []uint64{77, 0, 0x1000}, false},
		{"ioprio_set of another", unix.SYS_IOPRIO_SET, []uint64{1, 77, 0}, false},
		{"listen", unix.SYS_LISTEN, []uint64{3, 1}, false},
		{"sendto with MSG_FASTOPEN", unix.SYS_SENDTO, []uint64{3, 0x1000, 4, msgFastOpen, 0x2000, 16}, false},
		{"sendto plain", unix.SYS_SENDTO, []uint64{3, 0x1000, 4, 0, 0, 0}, true},
		{"sendmsg with MSG_FASTOPEN", unix.SYS_SENDMSG, []uint64{3, 0x1000, msgFastOpen}, false},
		{"sendmmsg with MSG_FASTOPEN", unix.SYS_SENDMMSG, []uint64{3, 0x1000, 1, msgFastOpen}, false},
		{"setsockopt TCP_FASTOPEN_CONNECT", unix.SYS_SETSOCKOPT, []uint64{3, unix.IPPROTO_TCP, tcpFastOpenConnect, 0x1000, 4}, false},
		{"setsockopt TCP_NODELAY", unix.SYS_SETSOCKOPT, []uint64{3, unix.IPPROTO_TCP, unix.TCP_NODELAY, 0x1000, 4}, true},
		{"socket AF_INET", unix.SYS_SOCKET, []uint64{unix.AF_INET, unix.SOCK_STREAM, 0}, true},
		{"socket AF_INET6", unix.SYS_SOCKET, []uint64{unix.AF_INET6, unix.SOCK_STREAM, 0}, true},
		{"socket AF_NETLINK", unix.SYS_SOCKET, []uint64{unix.AF_NETLINK, unix.SOCK_RAW, 0}, true},
		{"socket AF_VSOCK", unix.SYS_SOCKET, []uint64{unix.AF_VSOCK, unix.SOCK_STREAM, 0}, false},
		{"socket AF_XDP", unix.SYS_SOCKET, []uint64{unix.AF_XDP, unix.SOCK_RAW, 0}, false},
		{"clone with CLONE_NEWNET", unix.SYS_CLONE, []uint64{unix.CLONE_NEWNET | uint64(unix.SIGCHLD)}, false},
		{"clone for a thread", unix.SYS_CLONE, []uint64{unix.CLONE_VM | unix.CLONE_THREAD | unix.CLONE_SIGHAND}, true},
		{"fanotify_init", unix.SYS_FANOTIFY_INIT, []uint64{0, 0}, false},
		{"sethostname", unix.SYS_SETHOSTNAME, nil, false},
		{"setdomainname", unix.SYS_SETDOMAINNAME, nil, false},
		{"msgget", unix.SYS_MSGGET, []uint64{0, 0o600}, false},
		{"shmget IPC_PRIVATE", unix.SYS_SHMGET, []uint64{0, 4096, 0o600}, false},
		{"shmat", unix.SYS_SHMAT, []uint64{7, 0, 0}, false},
		{"semctl", unix.SYS_SEMCTL, []uint64{7, 0, 0}, false},
		{"kill the starting thread", unix.SYS_KILL, []uint64{tid, 9}, false},
		{"kill this process", unix.SYS_KILL, []uint64{pid, 9}, false},
		{"kill another process", unix.SYS_KILL, []uint64{77, 9}, true},
		{"rt_sigqueueinfo the starting thread", unix.SYS_RT_SIGQUEUEINFO, []uint64{tid, 9, 0x1000}, false},
		{"pidfd_open the starting thread", unix.SYS_PIDFD_OPEN, []uint64{tid, 0}, false},
		{"pidfd_open another process", unix.SYS_PIDFD_OPEN, []uint64{77, 0}, true},
		{"tgkill the starting thread by any group", unix.SYS_TGKILL, []uint64{1, tid, 9}, false},
		{"ioctl FS_IOC_SETFLAGS", unix.SYS_IOCTL, []uint64{3, 0x40086602, 0x1000}, false},
		{"ioctl FS_IOC32_SETFLAGS", unix.SYS_IOCTL, []uint64{3, 0x40046602, 0x1000}, false},
		{"ioctl FS_IOC_SETVERSION", unix.SYS_IOCTL, []uint64{3, 0x40087602, 0x1000}, false},
		{"ioctl FS_IOC_ENABLE_VERITY", unix.SYS_IOCTL, []uint64{3, unix.FS_IOC_ENABLE_VERITY, 0x1000}, false},
		{"ioctl FIDEDUPERANGE", unix.SYS_IOCTL, []uint64{3, unix.FIDEDUPERANGE, 0x1000}, false},
		{"ioctl FS_IOC_GETFLAGS", unix.SYS_IOCTL, []uint64{3, unix.FS_IOC_GETFLAGS, 0x1000}, true},
		{"ioctl TCGETS", unix.SYS_IOCTL, []uint64{1, unix.TCGETS, 0x1000}, true},
		{"fchmodat", unix.SYS_FCHMODAT, []uint64{atFDCWD, 0x1000, 0o644}, false},
		{"fchownat", unix.SYS_FCHOWNAT, []uint64{atFDCWD, 0x1000, 0, 0, 0}, false},
		{"utimensat", unix.SYS_UTIMENSAT, []uint64{atFDCWD, 0x1000, 0, 0}, false},
		{"fsetxattr", unix.SYS_FSETXATTR, []uint64{3, 0x1000, 0x2000, 4, 0}, false},
		{"read", unix.SYS_READ, []uint64{0, 0x1000, 10}, true},
		{"openat", unix.SYS_OPENAT, []uint64{atFDCWD, 0x1000, 0}, true},
	}
	for _, c := range cases {
		if got := allowed(c.nr, c.args...); got != c.allowed {
			t.Errorf("%s: allowed %v, want %v", c.name, got, c.allowed)
		}
	}
	for _, nr := range archDeniedCalls {
		if allowed(nr) {
			t.Errorf("legacy metadata call %d allowed", nr)
		}
	}
}
