package repl

import (
	"errors"
	"os"

	"github.com/peterh/liner"
)

// terminalReader edits lines with history, for a person at a terminal.
type terminalReader struct {
	l           *liner.State
	historyPath string
}

func newTerminalReader(historyPath string) (*terminalReader, error) {
	l := liner.NewLiner()
	l.SetCtrlCAborts(true)
	l.SetMultiLineMode(true)
	if historyPath != "" {
		if f, err := os.Open(historyPath); err == nil {
			_, _ = l.ReadHistory(f)
			f.Close()
		}
	}
	return &terminalReader{l: l, historyPath: historyPath}, nil
}

func (t *terminalReader) ReadLine(prompt string) (string, error) {
	line, err := t.l.Prompt(prompt)
	switch {
	case errors.Is(err, liner.ErrPromptAborted):
		return "", errInterrupted
	case err != nil:
		return "", err
	}
	if line != "" {
		t.l.AppendHistory(line)
	}
	return line, nil
}

// Close restores the terminal and saves the history (0600: it may hold
// secrets typed at the prompt).
func (t *terminalReader) Close() error {
	if t.historyPath != "" {
		if f, err := os.OpenFile(t.historyPath, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600); err == nil {
			_, _ = t.l.WriteHistory(f)
			f.Close()
		}
	}
	return t.l.Close()
}
