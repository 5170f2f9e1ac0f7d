package router

import (
	"maps"
	"testing"

	"github.com/macroa/macroa/core/skills"
)

func TestDecideHosts(t *testing.T) {
	on := func(h string) map[string]string { return map[string]string{"host": h} }
	weak := func(h string) map[string]string { return map[string]string{"host": h, "weak": "1"} }
	all := map[string]string{"all": "1"}
	tests := []struct {
		in     string
		action string
		args   map[string]string
	}{
		{"disk usage on web1", "disk", on("web1")},
		{"df on web1", "disk", on("web1")},
		{"Disk space on host db.1?", "disk", on("db.1")},
		{"what's the disk usage on web1", "disk", on("web1")},
		{"show me the disk usage on web1", "disk", on("web1")},
		{"memory on web2", "memory", on("web2")},
		{"RAM usage on web2.", "memory", on("web2")},
		{"load on all hosts", "load", all},
		{"what is the load across all my servers", "load", all},
		{"cpu usage on gpu1", "load", on("gpu1")},
		{"which services failed", "failed", all},
		{"failed units on web1", "failed", on("web1")},
		{"list failed services on web1", "failed", on("web1")},
		{"is nginx running on web2", "service", map[string]string{"host": "web2", "unit": "nginx"}},
		{"is nginx.service active on web2?", "service", map[string]string{"host": "web2", "unit": "nginx"}},
		{"is postgresql@16-main running", "service", map[string]string{"host": "local", "unit": "postgresql@16-main"}},
		{"how hot is the GPU", "gpu", all},
		{"how hot is the gpu on gpu1", "gpu", on("gpu1")},
		{"gpu temperature on gpu1", "gpu", on("gpu1")},
		{"uptime of all hosts", "uptime", all},
		{"uptime", "uptime", on("local")},
		{"disk usage", "disk", on("local")},
		{"status of web1", "status", weak("web1")},
		{"how is web1 doing", "status", weak("web1")},
		{"how are my hosts", "status", all},
		{"how are all my servers doing?", "status", all},
		{"host status", "status", all},
		{"disk usage on web9", "disk", on("web9")},
		{"disk usage of photos", "disk", weak("photos")},
		{"please df on local", "disk", on("local")},
		{"what is the memory usage", "memory", on("local")},
		{"what is memory on web2", "memory", on("web2")},
		{"show disk usage", "disk", on("local")},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			d := Decide(tc.in)
			if d.Route != RouteHosts || d.Intent.Skill != skills.Hosts {
				t.Fatalf("route %q skill %q, want hosts", d.Route, d.Intent.Skill)
			}
			if d.Intent.Action != tc.action || !maps.Equal(d.Intent.Args, tc.args) {
				t.Errorf("action %q args %v, want %q %v", d.Intent.Action, d.Intent.Args, tc.action, tc.args)
			}
		})
	}
}

// Near misses: requests that mention the words but are no question about
// a host's health keep their route.
func TestDecideHostsNearMisses(t *testing.T) {
	tests := []struct {
		in   string
		want Route
	}{
		{"disk usage of my photos folder", RouteFallback},
		{"how do I check disk usage on linux with a script", RouteFallback},
		{"why is my memory so bad", RouteFallback},
		{"is it running", RouteFallback},
		{"is the build running", RouteFallback},
		{"status", RouteFallback},
		{"how is it going", RouteFallback},
		{"write a poem about load on all hosts and more", RouteFallback},
		{"explain disk usage", RouteFallback},
		{"what is memory", RouteFallback},
		{"what is uptime?", RouteFallback},
		{"what's a gpu", RouteFallback},
		{"what is load average", RouteFallback},
		{"load the file on web1", RouteFallback},
		{"!df -h", RouteShell},
		{"remind me in 10 minutes to check disk usage on web1", RouteReminder},
		{"what is my favourite host", RouteMemory},
		{"is nginx;reboot running on web2", RouteFallback},
		{"is $(touch x) running", RouteFallback},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			if d := Decide(tc.in); d.Route != tc.want {
				t.Errorf("route %q (intent %+v), want %q", d.Route, d.Intent, tc.want)
			}
		})
	}
}
