package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/macroa/macroa/config"
	"github.com/macroa/macroa/core/app"
	"github.com/macroa/macroa/providers"
	"github.com/macroa/macroa/providers/providertest"
)

// `macroa config` names the local server that answers when nothing is
// configured, instead of saying there is no model.
func TestConfigNamesLocalServer(t *testing.T) {
	dir := t.TempDir()
	cfg, err := config.Load(config.LoadOptions{Environ: []string{"MACROA_HOME=" + dir}, WorkDir: dir, UserHome: dir})
	if err != nil {
		t.Fatal(err)
	}
	srv := providertest.New(t)

	host := strings.TrimPrefix(srv.Addr(), "http://")
	for _, tc := range []struct {
		name   string
		models []string // nil: the server lists nothing at all
		want   string
	}{
		{"nothing running", nil, "Model provider: none (set OPENROUTER_API_KEY"},
		{"an OpenAI-compatible server", []string{"qwen2.5-7b"},
			"Model provider: local: openai-compatible at " + host + " (qwen2.5-7b), found running (no provider configured)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.models != nil {
				srv.SetModels(tc.models...)
			}
			cmd := newConfigCmd(app.New(app.Options{Config: cfg, Local: providers.NewLocalDetector(srv.Addr())}))
			var out bytes.Buffer
			cmd.SetOut(&out)
			cmd.SetArgs(nil)
			if err := cmd.Execute(); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(out.String(), tc.want) {
				t.Fatalf("output:\n%s\nwant a line with %q", out.String(), tc.want)
			}
		})
	}
}
