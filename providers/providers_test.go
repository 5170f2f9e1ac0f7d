package providers

import (
	"strings"
	"testing"

	"github.com/macroa/macroa/config"
)

func TestDescribe(t *testing.T) {
	tests := []struct {
		name       string
		env        []string
		configured bool
		provider   string
	}{
		{name: "nothing", configured: false, provider: "none"},
		{name: "openrouter", env: []string{"OPENROUTER_API_KEY=sk-or-v1-abcdefabcdefabcdef"}, configured: true, provider: "openrouter"},
		{name: "base url wins", env: []string{"OPENROUTER_API_KEY=sk-or-v1-abcdefabcdef", "MACROA_BASE_URL=http://127.0.0.1:11434/v1"}, configured: true, provider: "custom (http://127.0.0.1:11434/v1)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			cfg, err := config.Load(config.LoadOptions{Environ: append(tc.env, "MACROA_HOME="+dir), WorkDir: dir, UserHome: dir})
			if err != nil {
				t.Fatal(err)
			}
			s := Describe(cfg)
			if s.Configured != tc.configured || s.Provider != tc.provider {
				t.Fatalf("Describe = %+v, want configured=%v provider=%q", s, tc.configured, tc.provider)
			}
			if !s.Configured && !strings.Contains(s.Hint, "OPENROUTER_API_KEY") {
				t.Errorf("hint %q does not say how to configure a provider", s.Hint)
			}
			if s.Configured != cfg.ModelConfigured() {
				t.Errorf("Describe and Config.ModelConfigured disagree")
			}
		})
	}
}

func TestNotConfiguredIsOneSentence(t *testing.T) {
	msg := ErrNotConfigured.Error()
	if strings.Contains(msg, "\n") || !strings.Contains(msg, "OPENROUTER_API_KEY") || !strings.Contains(msg, "MACROA_BASE_URL") {
		t.Fatalf("message %q should be one line naming both settings", msg)
	}
}
