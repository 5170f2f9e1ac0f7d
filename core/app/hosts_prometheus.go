package app

import (
	"time"

	"github.com/macroa/macroa/config"
	"github.com/macroa/macroa/core/fleet"
	"github.com/macroa/macroa/hosts/prom"
)

// promSources are config.toml's [[prometheus]] sources as the fleet reads
// them, each query bounded by [monitor] timeout.
func promSources(cfg *config.Config) []fleet.PromSource {
	var out []fleet.PromSource
	for _, p := range cfg.File.Prometheus {
		out = append(out, fleet.PromSource{
			Name:     p.Name,
			Source:   prom.Source{URL: string(p.URL), Selector: p.Selector, Timeout: time.Duration(cfg.File.Monitor.Timeout)},
			Interval: time.Duration(p.Interval),
		})
	}
	return out
}
