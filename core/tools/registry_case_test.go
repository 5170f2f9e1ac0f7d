package tools

import (
	"strings"
	"testing"
)

// TestNamesDifferingOnlyInCaseRefused: the classifier reads a model's
// choice case-insensitively ("Shell" is shell), so two tools whose names
// differ only in case could never both be chosen, and a model naming one
// might be given the other: the second is an impostor, refused like an
// exact duplicate.
func TestNamesDifferingOnlyInCaseRefused(t *testing.T) {
	r, err := New(tool("run_command"))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"Run_Command", "RUN_COMMAND"} {
		if err := r.Register(tool(name)); err == nil || !strings.Contains(err.Error(), "already registered") {
			t.Errorf("a tool named %s beside run_command: err = %v", name, err)
		}
	}
	if got := len(r.Tools()); got != 1 {
		t.Fatalf("%d tools registered, want 1", got)
	}
}
