package providers

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// LocalName names an auto-detected local server in audit entries, the
// usage ledger and errors.
const LocalName = "local"

// Kinds of local server DetectLocal tells apart.
const (
	KindOllama           = "ollama"            // answers Ollama's own GET /api/tags
	KindOpenAICompatible = "openai-compatible" // answers only GET /v1/models (llama.cpp, vLLM, LM Studio...)
)

// LocalServer is a model server found listening on this machine.
type LocalServer struct {
	Kind   string   // KindOllama or KindOpenAICompatible
	Addr   string   // its root URL, without "/v1": http://127.0.0.1:11434
	Models []string // the models it lists, in its order
}

// Host is the server's host:port, as a person would name it.
func (s LocalServer) Host() string {
	if u, err := url.Parse(s.Addr); err == nil && u.Host != "" {
		return u.Host
	}
	return s.Addr
}

// Label names the server and the model it answers with, for a status line:
// "local: ollama at 127.0.0.1:11434 (llama3.2)".
func (s LocalServer) Label(model string) string {
	l := fmt.Sprintf("local: %s at %s", s.Kind, s.Host())
	if model != "" {
		l += " (" + model + ")"
	}
	return l
}

// NoModels is the sentence for a server that answers but lists no model.
func (s LocalServer) NoModels() string {
	if s.Kind == KindOllama {
		return fmt.Sprintf("a local Ollama answers at %s but has no models: pull one (ollama pull llama3.2) or set OPENROUTER_API_KEY", s.Host())
	}
	return fmt.Sprintf("a local OpenAI-compatible server answers at %s but lists no models at /v1/models: load one, or set OPENROUTER_API_KEY", s.Host())
}

// DetectLocal looks for a model server at addr (a root URL; a trailing
// "/v1" is ignored): Ollama's GET /api/tags first, then the
// OpenAI-compatible GET /v1/models, so another server listening on
// Ollama's port is called what it is and its models are used. Each probe
// has timeout (300ms when 0), so a missing server costs next to nothing.
// found is false when neither answers with a listing.
func DetectLocal(ctx context.Context, addr string, timeout time.Duration) (s LocalServer, found bool) {
	if timeout <= 0 {
		timeout = 300 * time.Millisecond
	}
	base := strings.TrimSuffix(strings.TrimSuffix(addr, "/"), "/v1")
	client := &http.Client{Timeout: timeout}

	var tags struct {
		Models *[]struct {
			Name string `json:"name"`
		} `json:"models"`
	}
	if getJSON(ctx, client, base+"/api/tags", timeout, &tags) && tags.Models != nil {
		s = LocalServer{Kind: KindOllama, Addr: base}
		for _, m := range *tags.Models {
			if modelName(m.Name) {
				s.Models = append(s.Models, m.Name)
			}
		}
		if len(s.Models) > 0 {
			return s, true
		}
		found = true // an Ollama with nothing pulled, unless /v1/models says more
	}
	var list struct {
		Data *[]struct {
			ID string `json:"id"`
		} `json:"data"`
	}
	if getJSON(ctx, client, base+"/v1/models", timeout, &list) && list.Data != nil {
		v := LocalServer{Kind: KindOpenAICompatible, Addr: base}
		if found {
			v.Kind = KindOllama
		}
		for _, m := range *list.Data {
			if modelName(m.ID) {
				v.Models = append(v.Models, m.ID)
			}
		}
		return v, true
	}
	return s, found
}

// modelName reports whether a listed name can be used and shown: not
// empty, not absurdly long, and printable (a name with escape sequences
// would reach the status bar and every request).
func modelName(s string) bool {
	if s == "" || len(s) > 200 {
		return false
	}
	for _, r := range s {
		if !unicode.IsPrint(r) || r == utf8.RuneError {
			return false
		}
	}
	return true
}

// getJSON GETs url and decodes a 200 answer into v; it reports success.
// The body read is capped: a listing is small, anything else is not one.
func getJSON(ctx context.Context, client *http.Client, url string, timeout time.Duration, v any) bool {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return false
	}
	resp, err := client.Do(req)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return false
	}
	return json.NewDecoder(io.LimitReader(resp.Body, 4<<20)).Decode(v) == nil
}
