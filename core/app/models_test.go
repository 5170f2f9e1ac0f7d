package app

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"testing"

	"github.com/macroa/macroa/config"
	"github.com/macroa/macroa/providers"
	"github.com/macroa/macroa/providers/providertest"
	"github.com/macroa/macroa/tier"
)

// fakeOllama answers Ollama's model listing itself and passes the
// OpenAI-compatible API through to a providertest server.
func fakeOllama(t *testing.T, models string) (*httptest.Server, *providertest.Server) {
	model := providertest.New(t)
	target, _ := url.Parse(model.URL())
	proxy := httputil.NewSingleHostReverseProxy(&url.URL{Scheme: target.Scheme, Host: target.Host})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/tags" {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(models))
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, model
}

func TestOllamaGateway(t *testing.T) {
	dir := t.TempDir()
	load := func(env ...string) *config.Config {
		cfg, err := config.Load(config.LoadOptions{Environ: append([]string{"MACROA_HOME=" + dir}, env...), WorkDir: dir, UserHome: dir})
		if err != nil {
			t.Fatal(err)
		}
		return cfg
	}
	srv, model := fakeOllama(t, `{"models":[{"name":"llama3.2:latest"},{"name":"qwen2.5"}]}`)
	model.SetDefault(providertest.Reply{Content: "hi from ollama"})

	// Unset tiers use Ollama's first model; a tier set explicitly keeps its own.
	gw, err := modelsFrom(context.Background(), load("MACROA_MODEL_OPUS=qwen2.5"), providers.NewLocalDetector(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		t     tier.Tier
		model string
	}{{tier.Nano, "llama3.2:latest"}, {tier.Opus, "qwen2.5"}} {
		res, err := gw.Call(context.Background(), providers.Call{Tier: tc.t, Request: providers.Request{Messages: []providers.Message{{Role: providers.RoleUser, Content: "hi"}}}})
		if err != nil || res.Content != "hi from ollama" {
			t.Fatalf("%s: %v %+v", tc.t, err, res)
		}
		reqs := model.ChatRequests()
		if got := reqs[len(reqs)-1].Chat.Model; got != tc.model {
			t.Errorf("%s sent model %q, want %q", tc.t, got, tc.model)
		}
	}

	empty, _ := fakeOllama(t, `{"models":[]}`)
	if _, err := modelsFrom(context.Background(), load(), providers.NewLocalDetector(empty.URL)); err == nil || errors.Is(err, providers.ErrNotConfigured) {
		t.Fatalf("an Ollama without models should say to pull one, got %v", err)
	}
	if _, err := modelsFrom(context.Background(), load(), providers.NewLocalDetector("http://127.0.0.1:1")); !errors.Is(err, providers.ErrNotConfigured) {
		t.Fatalf("no Ollama running: want ErrNotConfigured, got %v", err)
	}
}
