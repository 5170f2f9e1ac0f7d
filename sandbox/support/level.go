package support

import (
	"fmt"
	"strings"
)

// Level is how strongly this machine can confine a command.
type Level string

const (
	// LevelFull: Landlock refuses writes, credential reads and TCP, and
	// seccomp refuses UDP and raw sockets, ptrace, mounts and keyrings.
	LevelFull Level = "full"
	// LevelPartial: some of it (an older Landlock without TCP, or one of
	// the two missing).
	LevelPartial Level = "partial"
	// LevelNone: neither Landlock nor seccomp.
	LevelNone Level = "none"
)

// Level is the strongest confinement s allows.
func (s Support) Level() Level {
	switch {
	case s.LandlockABI >= ABITCP && s.Seccomp:
		return LevelFull
	case s.LandlockABI >= ABIFiles || s.Seccomp:
		return LevelPartial
	}
	return LevelNone
}

// Describe is one line for a person: the level and what gives it.
func (s Support) Describe() string {
	var parts []string
	if s.LandlockABI > 0 {
		what := "files"
		if s.LandlockABI >= ABITCP {
			what = "files and TCP"
		}
		parts = append(parts, fmt.Sprintf("Landlock ABI %d (%s)", s.LandlockABI, what))
	}
	if s.Seccomp {
		parts = append(parts, "seccomp filters")
	}
	line := string(s.Level())
	if len(parts) > 0 {
		line += ": " + strings.Join(parts, ", ")
	}
	if len(s.Missing) > 0 {
		line += "; " + strings.Join(s.Missing, "; ")
	}
	return line
}
