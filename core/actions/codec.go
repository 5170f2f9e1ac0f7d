package actions

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
)

// wire forms of the parameters: lower-case names, as a model's tool call
// and the approval queue write them. Fields the executor fills (a file's
// diff, backup and whether it existed) travel too, so the queue keeps them.
type (
	serviceWire struct {
		Unit string `json:"unit"`
	}
	journalWire struct {
		Unit  string `json:"unit,omitempty"`
		Lines int    `json:"lines"`
	}
	cleanupWire struct {
		Set     CleanupSet `json:"set"`
		Days    int        `json:"days"`
		Manager string     `json:"manager,omitempty"`
	}
	diagnosticWire struct {
		Name string `json:"name"`
	}
	fileWire struct {
		Path    string `json:"path"`
		Content string `json:"content"`
		Mode    uint32 `json:"mode,omitempty"`
		Diff    string `json:"diff,omitempty"`
		Backup  string `json:"backup,omitempty"`
		Existed bool   `json:"existed,omitempty"`
	}
	packageWire struct {
		Manager  string   `json:"manager"`
		Packages []string `json:"packages,omitempty"`
	}
	commandWire struct {
		Shell string `json:"shell"`
		Dir   string `json:"dir,omitempty"`
	}
	readWire struct {
		Path string `json:"path"`
	}
	memoryWire struct {
		Key   string `json:"key"`
		Value string `json:"value,omitempty"`
	}
)

// EncodeParams writes p as JSON in its wire form.
func EncodeParams(p Params) ([]byte, error) {
	var w any
	switch q := p.(type) {
	case Service:
		w = serviceWire{q.Unit}
	case Journal:
		w = journalWire{q.Unit, q.Lines}
	case Cleanup:
		w = cleanupWire{q.Set, q.Days, q.Manager}
	case Diagnostic:
		w = diagnosticWire{q.Name}
	case File:
		w = fileWire{q.Path, q.Content, uint32(q.Mode), q.Diff, q.Backup, q.Existed}
	case Package:
		w = packageWire{q.Manager, q.Packages}
	case Reboot:
		w = struct{}{}
	case Command:
		w = commandWire{q.Shell, q.Dir}
	case Memory:
		w = memoryWire{q.Key, q.Value}
	case Read:
		w = readWire{q.Path}
	default:
		return nil, fmt.Errorf("encode parameters: %T is not a known parameter type", p)
	}
	b, err := json.Marshal(w)
	if err != nil {
		return nil, fmt.Errorf("encode parameters: %w", err)
	}
	return b, nil
}

// DecodeParams reads kind k's parameters from JSON in their wire form.
// Unknown fields are refused, so a typo never silently drops a parameter.
// The result is not validated: call Action.Validate.
func DecodeParams(k Kind, data []byte) (Params, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		data = []byte("{}")
	}
	strict := func(v any) error {
		d := json.NewDecoder(bytes.NewReader(data))
		d.DisallowUnknownFields()
		if err := d.Decode(v); err != nil {
			return fmt.Errorf("the parameters of %s are not valid: %w", k, err)
		}
		if d.More() {
			return fmt.Errorf("the parameters of %s hold more than one JSON value", k)
		}
		return nil
	}
	switch k {
	case ServiceStatus, ServiceStart, ServiceRestart, ServiceStop:
		var w serviceWire
		err := strict(&w)
		return Service{w.Unit}, err
	case JournalTail:
		var w journalWire
		err := strict(&w)
		return Journal{w.Unit, w.Lines}, err
	case DiskCleanup:
		var w cleanupWire
		err := strict(&w)
		return Cleanup{w.Set, w.Days, w.Manager}, err
	case DiagnosticRun:
		var w diagnosticWire
		err := strict(&w)
		return Diagnostic{w.Name}, err
	case FileWrite:
		var w fileWire
		err := strict(&w)
		return File{w.Path, w.Content, os.FileMode(w.Mode), w.Diff, w.Backup, w.Existed}, err
	case PackageUpdate:
		var w packageWire
		err := strict(&w)
		return Package{w.Manager, w.Packages}, err
	case SystemReboot:
		var w struct{}
		err := strict(&w)
		return Reboot{}, err
	case CommandRun:
		var w commandWire
		err := strict(&w)
		return Command{w.Shell, w.Dir}, err
	case FileRead:
		var w readWire
		err := strict(&w)
		return Read{w.Path}, err
	case MemoryRemember, MemoryForget:
		var w memoryWire
		err := strict(&w)
		return Memory{w.Key, w.Value}, err
	}
	return nil, fmt.Errorf("%q is not a known kind of action", k)
}

// Decode builds an action from its kind, host and JSON parameters, and
// validates it.
func Decode(k Kind, host string, params []byte) (Action, error) {
	p, err := DecodeParams(k, params)
	if err != nil {
		return Action{}, err
	}
	a := Action{Kind: k, Host: host, Params: p}
	if err := a.Validate(); err != nil {
		return Action{}, err
	}
	return a, nil
}
