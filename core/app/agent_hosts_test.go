package app

import (
	"strings"
	"testing"
)

// The agent reaches the inventory's hosts by name; a name that is no
// host is an error naming the hosts, control characters removed.
func TestAgentTransportsRemote(t *testing.T) {
	a := configApp(t, t.TempDir(), "[[hosts]]\nname = \"web1\"\naddress = \"127.0.0.1\"\nport = 2201\nuser = \"ops\"\n")
	reach := a.agentTransports()
	tr, err := reach("web1")
	if err != nil || tr.Name() != "web1" {
		t.Fatalf("web1: %v, %v", tr, err)
	}
	_, err = reach("web\x1b[31m9")
	if err == nil || !strings.Contains(err.Error(), "no host named web9") || !strings.Contains(err.Error(), "web1") ||
		strings.Contains(err.Error(), "\x1b") {
		t.Errorf("unknown host: %v", err)
	}
}
