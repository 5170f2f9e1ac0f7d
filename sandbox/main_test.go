package sandbox

import (
	"os"
	"testing"
)

// TestMain lets the test binary be the sandbox child Command re-executes.
func TestMain(m *testing.M) {
	MaybeChild()
	os.Exit(m.Run())
}
