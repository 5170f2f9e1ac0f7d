package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Nothing secret reaches the log file: a base URL's password, a
// configured key, a token shape, in messages, values and errors.
func TestLogRedactsSecrets(t *testing.T) {
	const (
		urlPass = "logURLPWcanary5Rt"
		known   = "logKNOWNcanary8Yu2"
		shaped  = "ghp_logcanary0123456789abcdefABCDEF"
	)
	path := filepath.Join(t.TempDir(), "logs", "macroa.log")
	log, closer, err := openLog(path, known)
	if err != nil {
		t.Fatal(err)
	}
	log.Info("tui start", "provider", "custom (https://ann:"+urlPass+"@llm.example.com/v1) · m")
	log.Warn("run failed with "+known, "err", errors.New("upstream said "+shaped), "session", "main")
	closer.Close()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	for _, s := range []string{urlPass, known, shaped} {
		if strings.Contains(text, s) {
			t.Errorf("the log holds %q:\n%s", s, text)
		}
	}
	for _, s := range []string{"tui start", "llm.example.com", "session=main", "[redacted]"} {
		if !strings.Contains(text, s) {
			t.Errorf("the log lost %q:\n%s", s, text)
		}
	}
}
