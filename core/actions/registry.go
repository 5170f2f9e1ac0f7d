package actions

import "slices"

// Spec describes one kind of action: what it does, the JSON schema of its
// parameters (for a model's function-calling tools and the approvals
// pane), the risk it carries before its target is looked at, and whether
// it has an undo.
type Spec struct {
	Kind        Kind
	Description string
	Schema      string // JSON schema of the parameters
	BaseRisk    Risk
	Undoable    bool
}

const (
	unitSchema     = `{"type":"object","properties":{"unit":{"type":"string","description":"systemd unit name, e.g. nginx or nginx.service"}},"required":["unit"],"additionalProperties":false}`
	journalSchema  = `{"type":"object","properties":{"unit":{"type":"string","description":"systemd unit name; empty for the whole journal"},"lines":{"type":"integer","minimum":1,"maximum":10000}},"required":["lines"],"additionalProperties":false}`
	cleanupSchema  = `{"type":"object","properties":{"set":{"type":"string","enum":["package-cache","old-journals","temp-files"]},"days":{"type":"integer","minimum":1,"maximum":365}},"required":["set","days"],"additionalProperties":false}`
	diagSchema     = `{"type":"object","properties":{"name":{"type":"string","enum":["df","free","uptime","listening","failed-units","boot-errors","memory-top","load"]}},"required":["name"],"additionalProperties":false}`
	fileSchema     = `{"type":"object","properties":{"path":{"type":"string","description":"absolute path"},"content":{"type":"string"},"mode":{"type":"integer","description":"permission bits, default 0644"}},"required":["path","content"],"additionalProperties":false}`
	packageSchema  = `{"type":"object","properties":{"manager":{"type":"string","enum":["apt","dnf"]},"packages":{"type":"array","items":{"type":"string"},"description":"empty for every upgradable package"}},"required":["manager"],"additionalProperties":false}`
	rebootSchema   = `{"type":"object","properties":{},"additionalProperties":false}`
	commandSchema  = `{"type":"object","properties":{"shell":{"type":"string","description":"shell text, parsed and judged command by command"}},"required":["shell"],"additionalProperties":false}`
	readSchema     = `{"type":"object","properties":{"path":{"type":"string","description":"absolute path"}},"required":["path"],"additionalProperties":false}`
	rememberSchema = `{"type":"object","properties":{"key":{"type":"string"},"value":{"type":"string"}},"required":["key","value"],"additionalProperties":false}`
	forgetSchema   = `{"type":"object","properties":{"key":{"type":"string"}},"required":["key"],"additionalProperties":false}`
)

// specs is in a function so that nothing is built at init.
func specs() []Spec {
	return []Spec{
		{ServiceStatus, "Show a systemd unit's state.", unitSchema, Low, false},
		{ServiceStart, "Start a systemd unit.", unitSchema, Medium, true},
		{ServiceRestart, "Restart a systemd unit.", unitSchema, Medium, false},
		{ServiceStop, "Stop a systemd unit.", unitSchema, High, true},
		{JournalTail, "Read the last lines of the journal, of one unit or all.", journalSchema, Low, false},
		{DiskCleanup, "Free disk space from a fixed safe set: package caches, journals older than N days, temporary files older than N days.", cleanupSchema, Low, false},
		{DiagnosticRun, "Run one allow-listed read-only diagnostic by name.", diagSchema, Low, false},
		{FileWrite, "Write a file's new content, keeping a backup to roll back to.", fileSchema, High, true},
		{PackageUpdate, "Upgrade packages with the system's package manager.", packageSchema, High, false},
		{SystemReboot, "Reboot the host.", rebootSchema, Critical, false},
		{CommandRun, "Run free shell text; judged command by command, and asks unless every command is read-only.", commandSchema, High, false},
		{FileRead, "Read a file; asks when it may hold credentials.", readSchema, Low, false},
		{MemoryRemember, "Remember a fact about the person (a key and a value).", rememberSchema, Medium, false},
		{MemoryForget, "Forget a fact Macroa remembers, by key.", forgetSchema, Medium, false},
	}
}

// Specs returns every kind's description, in a fixed order.
func Specs() []Spec { return specs() }

// Lookup returns the spec of kind k and whether it is a known kind.
func Lookup(k Kind) (Spec, bool) {
	all := specs()
	i := slices.IndexFunc(all, func(s Spec) bool { return s.Kind == k })
	if i < 0 {
		return Spec{}, false
	}
	return all[i], true
}
