package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/macroa/macroa/core/app"
	"github.com/macroa/macroa/core/fleet"
)

// diskShown is the use over which status names a disk.
const diskShown = 80

func newHostsStatusCmd(a *app.App) *cobra.Command {
	var asJSON, fresh bool
	cmd := &cobra.Command{
		Use:               "status [NAME...]",
		Short:             "The hosts' health: what the last probe saw, or a probe now (--probe)",
		ValidArgsFunction: completeHosts(a, true, true),
		Long: `Per host: its state and why, load, CPU, memory, the disks over 80%, failed
units and the alerts firing, as the poller (the daemon, or an open cockpit)
last saw them; a host never probed, or whose last probe is stale (no
poller ran since), or waiting for a key while the known_hosts files changed
since, is probed now, and --probe probes every host now. A host
whose key changed shows where the old key is and the commands that remove it
and trust the new one, to run if the change is expected.

Exits 1 when a host asked about is unreachable, refused (its key changed),
untrusted or denied (its login refused); 2 for a name that is no host.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			svc, err := openHosts(ctx, a)
			if err != nil {
				return err
			}
			list, err := svc.List(ctx)
			if err != nil {
				return failErr("read the hosts' status: %v", err)
			}
			names, err := pickHosts(list, args)
			if err != nil {
				return err
			}
			reports := statusReports(ctx, svc, list, names, fresh)
			out := cmd.OutOrStdout()
			if asJSON {
				if err := writeJSON(out, reports); err != nil {
					return err
				}
			} else {
				printStatusReports(out, reports, time.Now())
			}
			for _, r := range reports {
				if r.bad() {
					return silentFail
				}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	cmd.Flags().BoolVar(&fresh, "probe", false, "probe each host now instead of reading the last probe")
	return cmd
}

// pickHosts checks the names asked for against the fleet; none asks for
// every host.
func pickHosts(list []fleet.HostStatus, args []string) ([]string, error) {
	var all []string
	for _, s := range list {
		all = append(all, s.Name)
	}
	if len(args) == 0 {
		return all, nil
	}
	for _, n := range args {
		if !slices.Contains(all, n) {
			return nil, unknownHost(n, all)
		}
	}
	return args, nil
}

// statusReport is one host as status prints it.
type statusReport struct {
	Name        string    `json:"name"`
	State       string    `json:"state"`
	Why         string    `json:"why,omitempty"`
	LastSeen    time.Time `json:"last_seen,omitzero"`
	Load        []float64 `json:"load,omitempty"` // 1, 5, 15 minutes
	Cores       int       `json:"cores,omitempty"`
	CPUPercent  *float64  `json:"cpu_percent,omitempty"`
	MemPercent  *float64  `json:"memory_percent,omitempty"`
	FullDisks   []diskUse `json:"disks_over_80,omitempty"`
	FailedUnits []string  `json:"failed_units,omitempty"`
	Alerts      []string  `json:"alerts_firing,omitempty"`
	Fingerprint string    `json:"fingerprint,omitempty"`
	Remedy      string    `json:"remedy,omitempty"` // a changed key: where the old one is, what to run
	Error       string    `json:"error,omitempty"`
}

type diskUse struct {
	Mount   string  `json:"mount"`
	Percent float64 `json:"percent"`
}

func (r statusReport) bad() bool {
	switch fleet.State(r.State) {
	case fleet.StateUnreachable, fleet.StateRefused, fleet.StateUntrusted, fleet.StateDenied:
		return true
	}
	return r.Error != ""
}

// statusReports reads (or probes, side by side) each named host.
func statusReports(ctx context.Context, svc hostsService, list []fleet.HostStatus, names []string, fresh bool) []statusReport {
	byName := map[string]fleet.HostStatus{}
	for _, s := range list {
		byName[s.Name] = s
	}
	out := make([]statusReport, len(names))
	var wg sync.WaitGroup
	for i, n := range names {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st, err := byName[n], error(nil)
			waiting := st.State == fleet.StateUntrusted || st.State == fleet.StateRefused
			if fresh || st.State == fleet.StateNew || st.State == fleet.StateStale || waiting && svc.KeysChangedSince(st.ProbedAt) {
				pctx, cancel := context.WithTimeout(ctx, probeWait)
				st, err = svc.ProbeNow(pctx, n)
				cancel()
			}
			if err != nil {
				out[i] = statusReport{Name: n, State: string(fleet.StateUnreachable), Error: oneSentence(err.Error())}
				return
			}
			out[i] = toReport(st)
			if st.State == fleet.StateRefused {
				if rem, err := svc.KeyRemedy(ctx, n); err == nil {
					out[i].Remedy = oneSentence(rem)
				}
			}
			if alerts, err := svc.Alerts(ctx, n, false, 0); err == nil {
				for _, a := range alerts {
					out[i].Alerts = append(out[i].Alerts, a.Message)
				}
			}
		}()
	}
	wg.Wait()
	return out
}

func toReport(st fleet.HostStatus) statusReport {
	r := statusReport{Name: st.Name, State: string(st.State), Why: oneSentence(st.Why), LastSeen: st.LastSeen}
	if st.State == fleet.StateUntrusted || st.State == fleet.StateRefused {
		r.Fingerprint = st.Fingerprint
	}
	if !st.HasSnapshot {
		return r
	}
	s := st.Snapshot
	if s.Load.OK {
		r.Load = []float64{s.Load.Value.One, s.Load.Value.Five, s.Load.Value.Fifteen}
	}
	if s.Cores.OK {
		r.Cores = s.Cores.Value
	}
	if !math.IsNaN(st.CPUPercent) {
		v := st.CPUPercent
		r.CPUPercent = &v
	}
	if s.Memory.OK {
		v := s.Memory.Value.UsedPercent()
		r.MemPercent = &v
	}
	if s.Disks.OK {
		for _, d := range s.Disks.Value {
			if p := d.UsedPercent(); p >= diskShown {
				r.FullDisks = append(r.FullDisks, diskUse{Mount: d.Mount, Percent: math.Round(p)})
			}
		}
	}
	if s.FailedUnits.OK {
		r.FailedUnits = s.FailedUnits.Value
	}
	return r
}

func printStatusReports(out io.Writer, rs []statusReport, now time.Time) {
	for i, r := range rs {
		if i > 0 {
			fmt.Fprintln(out)
		}
		head := r.Name + "  " + r.State
		if r.Why != "" {
			head += "  (" + oneSentence(r.Why) + ")"
		}
		answered := false
		switch fleet.State(r.State) {
		case fleet.StateOK, fleet.StateWarn, fleet.StateAlert:
			answered = true
		}
		if !r.LastSeen.IsZero() && answered {
			head += "  seen " + span(now.Sub(r.LastSeen)) + " ago"
		}
		fmt.Fprintln(out, cell(head))
		line := func(label, v string) { fmt.Fprintf(out, "  %-13s %s\n", label, cell(v)) }
		if r.Error != "" {
			line("error", r.Error)
		}
		switch {
		case r.Remedy != "":
			if r.Fingerprint != "" {
				line("key now", r.Fingerprint)
			}
			line("what to do", r.Remedy)
		case r.Fingerprint != "":
			line("key", r.Fingerprint+" (check it, then: macroa hosts trust "+r.Name+")")
		}
		if !answered && !r.LastSeen.IsZero() && len(r.Load) == 3 {
			// What follows is the last probe that answered, not now.
			line("last known", r.LastSeen.Local().Format("15:04:05")+" ("+span(now.Sub(r.LastSeen))+" ago)")
		}
		if len(r.Load) == 3 {
			v := fmt.Sprintf("%.2f %.2f %.2f", r.Load[0], r.Load[1], r.Load[2])
			if r.Cores > 0 {
				v += fmt.Sprintf(" on %d cores", r.Cores)
			}
			line("load", v)
		}
		if r.CPUPercent != nil {
			line("cpu", fmt.Sprintf("%.0f%%", *r.CPUPercent))
		}
		if r.MemPercent != nil {
			line("memory", fmt.Sprintf("%.0f%% used", *r.MemPercent))
		}
		if len(r.FullDisks) > 0 {
			var ds []string
			for _, d := range r.FullDisks {
				ds = append(ds, fmt.Sprintf("%s %.0f%%", d.Mount, d.Percent))
			}
			line("disks >80%", strings.Join(ds, ", "))
		}
		if len(r.FailedUnits) > 0 {
			line("failed units", strings.Join(r.FailedUnits, ", "))
		}
		for _, a := range r.Alerts {
			line("alert", a)
		}
	}
}
