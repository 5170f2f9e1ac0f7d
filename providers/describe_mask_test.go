package providers

import (
	"strings"
	"testing"

	"github.com/macroa/macroa/config"
)

// The provider line (status bar, `macroa config`, the log) never shows a
// base URL's password.
func TestDescribeMasksBaseURLPassword(t *testing.T) {
	const pw = "descPWcanary3Kd9"
	cfg, err := config.Load(config.LoadOptions{
		Environ:  []string{"MACROA_HOME=" + t.TempDir(), "MACROA_BASE_URL=https://ann:" + pw + "@llm.example.com/v1"},
		UserHome: t.TempDir(),
	})
	if err != nil {
		t.Fatal(err)
	}
	s := Describe(cfg)
	if strings.Contains(s.Provider, pw) || s.Provider != "custom (https://****@llm.example.com/v1)" {
		t.Fatalf("Provider = %q", s.Provider)
	}
}
