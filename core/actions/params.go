package actions

import (
	"errors"
	"fmt"
	"os"
)

// Params are one kind's typed parameters.
type Params interface {
	validate(k Kind) error
}

// Service names the unit of service.status, .start, .restart and .stop.
type Service struct {
	Unit string // as written: "nginx", "nginx.service", "getty@tty1.service"
}

// Journal is journal.tail's: the last Lines lines, of one unit or all.
type Journal struct {
	Unit  string // "" for the whole journal
	Lines int    // 1 to MaxJournalLines
}

// MaxJournalLines is the most lines journal.tail reads.
const MaxJournalLines = 10000

// CleanupSet names one entry of disk.cleanup's fixed safe set.
type CleanupSet string

// The safe set.
const (
	PackageCache CleanupSet = "package-cache" // the package manager's downloaded archives
	OldJournals  CleanupSet = "old-journals"  // journal files older than Days
	TempFiles    CleanupSet = "temp-files"    // files under /tmp and /var/tmp not changed for Days
)

// Cleanup is disk.cleanup's.
type Cleanup struct {
	Set     CleanupSet
	Days    int    // 1 to MaxCleanupDays; for package-cache it is ignored but must still be in range
	Manager string // for package-cache: "apt" (default) or "dnf"
}

// MaxCleanupDays bounds Cleanup.Days.
const MaxCleanupDays = 365

// Diagnostic is diagnostic.run's: one name from the allow-list
// (Diagnostics).
type Diagnostic struct {
	Name string
}

// File is file.write's. Content is the whole new file. Diff and Backup are
// filled by the executor before it runs the action (the diff against the
// current file, shown to the person; the path of the copy it made), and
// Existed says whether there was a file to back up: undo restores the
// backup, or removes a file that did not exist.
type File struct {
	Path    string
	Content string
	Mode    os.FileMode // permission bits; 0 means 0644
	Diff    string
	Backup  string
	Existed bool
}

// Read is file.read's: a file whose content a proposer wants to see. It
// asks only when the path may hold credentials.
type Read struct {
	Path string
}

func (p Read) validate(k Kind) error {
	if k != FileRead {
		return kindMismatch(k, p)
	}
	return checkPath("path", p.Path)
}

// Package is package.update's.
type Package struct {
	Manager  string   // "apt" or "dnf"
	Packages []string // empty: every upgradable package
}

// Reboot is system.reboot's; it has no parameters.
type Reboot struct{}

// Command is command.run's free shell text. The gate parses it and judges
// every command in it; it runs in bash, the grammar the gate reads.
type Command struct {
	Shell string
	Dir   string // absolute working directory; "" is the executor's own
}

// Memory is memory.remember's and memory.forget's: a fact about the person
// Macroa keeps. Value is empty for memory.forget.
type Memory struct {
	Key   string
	Value string
}

// MaxMemoryBytes bounds a remembered key and value.
const MaxMemoryBytes = 4 << 10

// MaxCommandBytes bounds command.run's text.
const MaxCommandBytes = 64 << 10

func (p Service) validate(k Kind) error {
	switch k {
	case ServiceStatus, ServiceStart, ServiceRestart, ServiceStop:
	default:
		return kindMismatch(k, p)
	}
	_, err := ParseUnit(p.Unit)
	return err
}

func (p Journal) validate(k Kind) error {
	if k != JournalTail {
		return kindMismatch(k, p)
	}
	if p.Lines < 1 || p.Lines > MaxJournalLines {
		return fmt.Errorf("the number of lines must be from 1 to %d, not %d", MaxJournalLines, p.Lines)
	}
	if p.Unit == "" {
		return nil
	}
	_, err := ParseUnit(p.Unit)
	return err
}

func (p Cleanup) validate(k Kind) error {
	if k != DiskCleanup {
		return kindMismatch(k, p)
	}
	switch p.Set {
	case PackageCache, OldJournals, TempFiles:
	default:
		return fmt.Errorf("%q is not in the safe cleanup set (package-cache, old-journals, temp-files)", p.Set)
	}
	if p.Days < 1 || p.Days > MaxCleanupDays {
		return fmt.Errorf("the age in days must be from 1 to %d, not %d", MaxCleanupDays, p.Days)
	}
	switch p.Manager {
	case "", "apt", "dnf":
	default:
		return fmt.Errorf("the package manager %q is not supported (apt, dnf)", p.Manager)
	}
	return nil
}

func (p Diagnostic) validate(k Kind) error {
	if k != DiagnosticRun {
		return kindMismatch(k, p)
	}
	if diagnosticArgv(p.Name) == nil {
		return fmt.Errorf("%q is not an allow-listed diagnostic", p.Name)
	}
	return nil
}

func (p File) validate(k Kind) error {
	if k != FileWrite {
		return kindMismatch(k, p)
	}
	if err := checkPath("path", p.Path); err != nil {
		return err
	}
	if p.Mode&^os.ModePerm != 0 {
		return fmt.Errorf("the mode %v holds more than permission bits", p.Mode)
	}
	if p.Backup != "" {
		if err := checkPath("backup path", p.Backup); err != nil {
			return err
		}
		if p.Backup == p.Path {
			return errors.New("the backup path is the file itself")
		}
	}
	return nil
}

func (p Package) validate(k Kind) error {
	if k != PackageUpdate {
		return kindMismatch(k, p)
	}
	if p.Manager != "apt" && p.Manager != "dnf" {
		return fmt.Errorf("the package manager %q is not supported (apt, dnf)", p.Manager)
	}
	for _, n := range p.Packages {
		if err := checkPackage(n); err != nil {
			return err
		}
	}
	return nil
}

func (Reboot) validate(k Kind) error {
	if k != SystemReboot {
		return kindMismatch(k, Reboot{})
	}
	return nil
}

func (p Command) validate(k Kind) error {
	if k != CommandRun {
		return kindMismatch(k, p)
	}
	if p.Shell == "" {
		return errors.New("there is no command to run")
	}
	if len(p.Shell) > MaxCommandBytes {
		return fmt.Errorf("the command is longer than %d bytes", MaxCommandBytes)
	}
	for i := 0; i < len(p.Shell); i++ {
		if c := p.Shell[i]; c == 0 || c < 0x20 && c != '\n' && c != '\t' || c == 0x7f {
			return fmt.Errorf("the command holds the control byte %#02x", c)
		}
	}
	if p.Dir != "" {
		if err := checkPath("working directory", p.Dir); err != nil {
			return err
		}
	}
	return checkTextLoose(p.Shell)
}

func (p Memory) validate(k Kind) error {
	switch k {
	case MemoryRemember, MemoryForget:
	default:
		return kindMismatch(k, p)
	}
	if p.Key == "" || len(p.Key) > MaxMemoryBytes || len(p.Value) > MaxMemoryBytes {
		return fmt.Errorf("the key must be 1 to %d bytes and the value at most %d", MaxMemoryBytes, MaxMemoryBytes)
	}
	if k == MemoryForget && p.Value != "" {
		return errors.New("forgetting takes a key and no value")
	}
	if k == MemoryRemember && p.Value == "" {
		return errors.New("there is no value to remember")
	}
	if err := checkText("key", p.Key); err != nil {
		return err
	}
	return checkTextLoose(p.Value)
}

func kindMismatch(k Kind, p Params) error {
	return fmt.Errorf("parameters of type %T do not belong to %q", p, k)
}

func checkPackage(n string) error {
	if n == "" || len(n) > 128 {
		return fmt.Errorf("the package name %q is empty or longer than 128 bytes", n)
	}
	for i := 0; i < len(n); i++ {
		c := n[i]
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || i > 0 && (c == '+' || c == '.' || c == '-' || c == '_' || c == ':')
		if !ok {
			return fmt.Errorf("the package name %q holds %q, which no package name may", n, string(rune(c)))
		}
	}
	return nil
}
