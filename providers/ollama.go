package providers

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// OllamaModels lists the models a local Ollama has pulled (GET /api/tags),
// so Macroa can use one when no model names are configured for it.
func OllamaModels(ctx context.Context, addr string, timeout time.Duration) ([]string, error) {
	if timeout <= 0 {
		timeout = 2 * time.Second
	}
	base := strings.TrimSuffix(strings.TrimSuffix(addr, "/"), "/v1")
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/api/tags", nil)
	if err != nil {
		return nil, fmt.Errorf("list Ollama models: %w", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("list Ollama models at %s: %w", base, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("list Ollama models at %s: HTTP %d", base, resp.StatusCode)
	}
	var body struct {
		Models []struct {
			Name string `json:"name"`
		} `json:"models"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		return nil, fmt.Errorf("list Ollama models at %s: %w", base, err)
	}
	names := make([]string, 0, len(body.Models))
	for _, m := range body.Models {
		if m.Name != "" {
			names = append(names, m.Name)
		}
	}
	return names, nil
}
