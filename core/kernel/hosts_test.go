package kernel_test

import (
	"context"
	"strings"
	"testing"

	"github.com/macroa/macroa/core/fleet"
	"github.com/macroa/macroa/core/kernel"
	"github.com/macroa/macroa/core/router"
	"github.com/macroa/macroa/core/skills"
	"github.com/macroa/macroa/providers"
	"github.com/macroa/macroa/providers/providertest"
)

type fakeHosts struct{}

func (fakeHosts) HostNames(context.Context) ([]string, error) { return []string{"local", "web1"}, nil }
func (fakeHosts) HostHealth(_ context.Context, names []string) ([]fleet.HostStatus, error) {
	var out []fleet.HostStatus
	for _, n := range names {
		out = append(out, fleet.HostStatus{Name: n, State: fleet.StateOK})
	}
	return out, nil
}
func (fakeHosts) UnitActive(context.Context, string, string) (string, error) { return "active", nil }

// TestHostQuestions: a question about a host is answered by the hosts
// skill with no model call, and recorded as such; one naming no host
// after "of" is a miss a configured model answers instead.
func TestHostQuestions(t *testing.T) {
	srv := providertest.New(t)
	cfg, db, dir := openData(t, "", "MACROA_BASE_URL="+srv.URL(), "MACROA_MODEL_NANO=m-nano")
	models := func(context.Context) (providers.Caller, error) { return providers.FromConfig(cfg) }
	k := kernel.New(kernel.Options{Config: cfg, DB: db, Environ: []string{"SHELL=/bin/sh"}, WorkDir: dir, UserHome: dir,
		Models: models, Hosts: fakeHosts{}})
	ctx := context.Background()

	for _, tc := range []struct{ input, want string }{
		{"status of web1", "web1: ok"},
		{"is nginx running on web1", "nginx.service is running on web1"},
		{"disk usage on web9", "no host named web9; hosts: local, web1"},
	} {
		res := k.Run(ctx, kernel.Request{Input: tc.input, Source: kernel.SourceCLI})
		if res.Route != router.RouteHosts || res.Skill != skills.Hosts || !strings.Contains(res.Output+res.Error, tc.want) {
			t.Errorf("%q: route %s skill %s, %q %q", tc.input, res.Route, res.Skill, res.Output, res.Error)
		}
		if res.LLMCalls != 0 || len(srv.Requests()) != 0 {
			t.Fatalf("%q called a model", tc.input)
		}
	}
	entries, err := db.RecentAudit(ctx, 1)
	if err != nil || len(entries) != 1 || entries[0].Skill != "hosts" || !strings.Contains(entries[0].Action, "hosts disk web9") {
		t.Fatalf("audit %+v %v", entries, err)
	}

	srv.Script(providertest.Reply{Content: "Your photos take 3 GB."})
	res := k.Run(ctx, kernel.Request{Input: "disk usage of photos", Source: kernel.SourceCLI})
	if res.Route != "hosts-miss" || !strings.Contains(res.Output, "3 GB") || len(srv.Requests()) != 1 {
		t.Fatalf("a miss went nowhere: route %s, %q %q", res.Route, res.Output, res.Error)
	}
}
