package events

// PartHosts: a host's status, its history or its alerts changed, or the
// hosts lease moved.
const PartHosts StorePart = "hosts"

// HostAlert: an alert on a host fired or cleared in this process (the one
// polling). Other processes learn of it from StoreChanged{hosts}.
// Notifications are sent from the process that made the change, once.
type HostAlert struct {
	Host    string
	Rule    string // fleet.Rule
	Subject string // a mount, a unit, a GPU; "" for the host
	Message string // one line, cleaned and redacted
	Firing  bool   // false: it cleared
}

func (e HostAlert) Turn() string { return "" }

// HostProbed: a probe of a host finished in this process and its status
// was written.
type HostProbed struct {
	Host  string
	State string // fleet.State
}

func (e HostProbed) Turn() string { return "" }
