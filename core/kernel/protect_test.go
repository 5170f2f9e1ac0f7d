package kernel

import (
	"path/filepath"
	"testing"

	"github.com/macroa/macroa/config"
	"github.com/macroa/macroa/secretpath"
)

// A host's key file named in config.toml is a credential wherever it is,
// so the shell policy and the file tools refuse a model's read of it.
func TestProtectDataHostKeys(t *testing.T) {
	dir := t.TempDir()
	key := filepath.Join(dir, "keys", "web1_ed25519")
	cfg := &config.Config{Home: filepath.Join(dir, "data"), DBPath: filepath.Join(dir, "data", "macroa.db")}
	cfg.File.Hosts = []config.Host{{Name: "web1", Address: "10.0.0.5", IdentityFile: key}, {Name: "web2", Address: "10.0.0.6"}}
	if why := secretpath.Why(key); why != "" {
		t.Fatalf("the key is secret before its host is read: %s", why)
	}
	protectData(cfg, dir)
	if why := secretpath.Why(key); why == "" {
		t.Errorf("%s, web1's identity_file, is not protected", key)
	}
	if why := secretpath.Why(filepath.Join(dir, "keys", "notes.txt")); why != "" {
		t.Errorf("a file beside the key is protected too: %s", why)
	}
}
