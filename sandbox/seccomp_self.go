package sandbox

import (
	"unsafe"

	"golang.org/x/net/bpf"
	"golang.org/x/sys/unix"
)

// loadSelfGuard adds a filter refusing signals aimed at one thread of
// this process: tgkill and rt_tgsigqueueinfo naming pid as the thread
// group, and tkill at all (a thread by its id alone, which no program
// needs). The thread that starts the commands shares their Landlock
// domain, so Landlock's signal scope would let a command kill or stop
// Macroa through it; signals to the process as a whole are Landlock's to
// refuse (the process is outside the domain). It also refuses setsid, the
// usual way out of the process group that is killed when the command
// ends (nohup and `&` stay in it). Syscall numbers are this
// architecture's: the main filter refuses every other one.
func loadSelfGuard(pid int) error {
	deny := bpf.RetConstant{Val: unix.SECCOMP_RET_ERRNO | uint32(unix.EPERM)}
	allow := bpf.RetConstant{Val: unix.SECCOMP_RET_ALLOW}
	insts := []bpf.Instruction{
		bpf.LoadAbsolute{Off: 0, Size: 4}, // seccomp_data.nr
		bpf.JumpIf{Cond: bpf.JumpEqual, Val: unix.SYS_SETSID, SkipTrue: 6},
		bpf.JumpIf{Cond: bpf.JumpEqual, Val: unix.SYS_TKILL, SkipTrue: 5},
		bpf.JumpIf{Cond: bpf.JumpEqual, Val: unix.SYS_TGKILL, SkipTrue: 2},
		bpf.JumpIf{Cond: bpf.JumpEqual, Val: unix.SYS_RT_TGSIGQUEUEINFO, SkipTrue: 1},
		allow,
		bpf.LoadAbsolute{Off: argLow(0), Size: 4}, // the thread group, a pid_t
		bpf.JumpIf{Cond: bpf.JumpEqual, Val: uint32(pid), SkipFalse: 1},
		deny,
		allow,
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
	if _, _, errno := unix.Syscall(unix.SYS_SECCOMP, unix.SECCOMP_SET_MODE_FILTER, 0, uintptr(unsafe.Pointer(&prog))); errno != 0 {
		return errno
	}
	return nil
}

// argLow is the offset in seccomp_data of the low 32 bits of argument i.
func argLow(i uint32) uint32 {
	off := 16 + 8*i
	var probe uint16 = 1
	if *(*byte)(unsafe.Pointer(&probe)) == 0 { // big-endian
		off += 4
	}
	return off
}
