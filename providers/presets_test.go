package providers

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/macroa/macroa/config"
	"github.com/macroa/macroa/providers/providertest"
	"github.com/macroa/macroa/tier"
)

// loadConfig loads settings from env and an optional config.toml, with no
// real environment or home directory involved.
func loadConfig(t *testing.T, env []string, toml string) *config.Config {
	t.Helper()
	home := t.TempDir()
	if toml != "" {
		if err := os.WriteFile(filepath.Join(home, "config.toml"), []byte(toml), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	cfg, err := config.Load(config.LoadOptions{Environ: append(env, "MACROA_HOME="+home), WorkDir: home, UserHome: home})
	if err != nil {
		t.Fatalf("config.Load: %v", err)
	}
	return cfg
}

func routesOf(g *Gateway, t tier.Tier) string {
	var s []string
	for _, r := range g.o.Tiers[t] {
		s = append(s, r.Provider+"/"+r.Model)
	}
	return strings.Join(s, " ")
}

func TestFromConfigPresets(t *testing.T) {
	// openrouter is redirected to a local server so its headers and key can
	// be checked on the wire.
	or := providertest.New(t)
	saved := openRouterURL
	openRouterURL = or.URL()
	t.Cleanup(func() { openRouterURL = saved })
	local, cloud, custom := providertest.New(t), providertest.New(t), providertest.New(t)
	const orKey = "sk-or-v1-0123456789abcdef0123"

	tests := []struct {
		name      string
		env       []string
		toml      string
		wantErr   error
		errText   string
		wantNano  string // the nano tier's chain
		wantOpus  string
		wantSrv   *providertest.Server // where a nano call lands
		wantModel string
		wantAuth  string
	}{
		{name: "nothing configured", wantErr: ErrNotConfigured},
		{name: "openrouter", env: []string{"OPENROUTER_API_KEY=" + orKey, "MACROA_APP_TITLE=Macroa Test"},
			wantNano: "openrouter/google/gemini-2.5-flash-lite", wantOpus: "openrouter/anthropic/claude-opus-4-6",
			wantSrv: or, wantModel: "google/gemini-2.5-flash-lite", wantAuth: "Bearer " + orKey},
		{name: "custom endpoint", env: []string{"MACROA_BASE_URL=" + custom.URL(), "MACROA_API_KEY=local-key", "MACROA_MODEL_NANO=llama3.2"},
			wantNano: "default/llama3.2", wantSrv: custom, wantModel: "llama3.2", wantAuth: "Bearer local-key"},
		{name: "custom endpoint first, openrouter as fallback",
			env:      []string{"OPENROUTER_API_KEY=" + orKey, "MACROA_BASE_URL=" + custom.URL()},
			wantNano: "default/google/gemini-2.5-flash-lite openrouter/google/gemini-2.5-flash-lite",
			wantOpus: "default/anthropic/claude-opus-4-6 openrouter/anthropic/claude-opus-4-6",
			wantSrv:  custom, wantModel: "google/gemini-2.5-flash-lite"},
		{name: "config.toml providers and tiers",
			env: []string{"OPENROUTER_API_KEY=" + orKey, "CLOUD_KEY=cloud-key-123"},
			toml: `[providers.local]
base_url = "` + local.URL() + `"

[providers.cloud]
base_url = "` + cloud.URL() + `"
api_key_env = "CLOUD_KEY"

[tiers.nano]
provider = "cloud"
model = "llama3.2"

[tiers.opus]
provider = "openrouter"
`,
			wantNano: "cloud/llama3.2 openrouter/llama3.2 local/llama3.2",
			wantOpus: "openrouter/anthropic/claude-opus-4-6 cloud/anthropic/claude-opus-4-6 local/anthropic/claude-opus-4-6",
			wantSrv:  cloud, wantModel: "llama3.2", wantAuth: "Bearer cloud-key-123"},
		{name: "tier routed to a builtin that is not set",
			toml:    "[providers.local]\nbase_url = \"" + local.URL() + "\"\n\n[tiers.haiku]\nprovider = \"openrouter\"\n",
			errText: "tiers.haiku uses provider \"openrouter\", which is not configured: set OPENROUTER_API_KEY"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := loadConfig(t, tc.env, tc.toml)
			g, err := FromConfig(cfg)
			switch {
			case tc.wantErr != nil || tc.errText != "":
				if err == nil || (tc.wantErr != nil && !errors.Is(err, tc.wantErr)) || !strings.Contains(err.Error(), tc.errText) {
					t.Fatalf("FromConfig err = %v; want %v %q", err, tc.wantErr, tc.errText)
				}
				return
			case err != nil:
				t.Fatalf("FromConfig: %v", err)
			}
			if got := routesOf(g, tier.Nano); got != tc.wantNano {
				t.Errorf("nano chain = %q, want %q", got, tc.wantNano)
			}
			if tc.wantOpus != "" && routesOf(g, tier.Opus) != tc.wantOpus {
				t.Errorf("opus chain = %q, want %q", routesOf(g, tier.Opus), tc.wantOpus)
			}
			for _, tr := range tier.All {
				if len(g.o.Tiers[tr]) == 0 {
					t.Errorf("tier %v has no route", tr)
				}
			}

			before := len(tc.wantSrv.ChatRequests())
			if _, err := g.Call(context.Background(), userCall("hello")); err != nil {
				t.Fatalf("Call: %v", err)
			}
			reqs := tc.wantSrv.ChatRequests()
			if len(reqs) != before+1 {
				t.Fatalf("the expected server got %d new requests, want 1", len(reqs)-before)
			}
			r := reqs[len(reqs)-1]
			if r.Chat.Model != tc.wantModel {
				t.Errorf("model on the wire = %q, want %q", r.Chat.Model, tc.wantModel)
			}
			if tc.wantAuth != "" && r.Header.Get("Authorization") != tc.wantAuth {
				t.Errorf("Authorization = %q, want %q", r.Header.Get("Authorization"), tc.wantAuth)
			}
			if tc.wantSrv == or {
				if r.Header.Get("HTTP-Referer") != cfg.HTTPReferer || r.Header.Get("X-Title") != "Macroa Test" {
					t.Errorf("OpenRouter headers: HTTP-Referer %q, X-Title %q", r.Header.Get("HTTP-Referer"), r.Header.Get("X-Title"))
				}
			}
		})
	}
}

func TestFromConfigFallsBackAcrossConfiguredProviders(t *testing.T) {
	local, cloud := providertest.New(t), providertest.New(t)
	local.SetDefault(providertest.Reply{Status: 404, Error: "model llama3.2 not found"})
	cloud.SetDefault(providertest.Reply{Content: "from cloud"})
	cfg := loadConfig(t, nil, `[providers.local]
base_url = "`+local.URL()+`"

[providers.cloud]
base_url = "`+cloud.URL()+`"

[tiers.nano]
provider = "local"
model = "llama3.2"
`)
	g, err := FromConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	res, err := g.Call(context.Background(), userCall("hi"))
	if err != nil || res.Content != "from cloud" || strings.Join(res.Providers, ",") != "local,cloud" {
		t.Fatalf("Call = %+v, %v; want local then cloud", res, err)
	}
	if m := cloud.ChatRequests()[0].Chat.Model; m != "llama3.2" {
		t.Errorf("fallback asked for %q; want the same model name", m)
	}
}
