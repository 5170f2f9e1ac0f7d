package actions

// Kind names one type of action.
type Kind string

// The action kinds. The set is closed: a proposal of any other kind is
// refused by Validate.
const (
	ServiceStatus  Kind = "service.status"
	ServiceStart   Kind = "service.start"
	ServiceRestart Kind = "service.restart"
	ServiceStop    Kind = "service.stop"
	JournalTail    Kind = "journal.tail"
	DiskCleanup    Kind = "disk.cleanup"
	DiagnosticRun  Kind = "diagnostic.run"
	FileWrite      Kind = "file.write"
	PackageUpdate  Kind = "package.update"
	SystemReboot   Kind = "system.reboot"
	CommandRun     Kind = "command.run"
	FileRead       Kind = "file.read"
	MemoryRemember Kind = "memory.remember"
	MemoryForget   Kind = "memory.forget"
)

// InProcess reports whether kind k runs inside Macroa (a memory change)
// rather than as a program on a host: its Argv is nil.
func (k Kind) InProcess() bool { return k == MemoryRemember || k == MemoryForget }

// Risk is how much harm an action can do, lowest first. The zero value is
// not a risk: every decision names one.
type Risk int

// The risks, in order.
const (
	Low Risk = iota + 1
	Medium
	High
	Critical
)

func (r Risk) String() string {
	switch r {
	case Low:
		return "low"
	case Medium:
		return "medium"
	case High:
		return "high"
	case Critical:
		return "critical"
	}
	return "unknown"
}
