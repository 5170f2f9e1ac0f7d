package main

import (
	"context"
	"os/exec"
	"strings"
	"time"
)

// serviceProbeWait bounds each question put to systemctl: a status or a
// stop must not hang on a systemd that does not answer (no user manager in
// an SSH session or a container).
const serviceProbeWait = 2 * time.Second

// serviceLive asks systemd whether the installed unit is enabled or
// active, so advice about systemctl is given only when systemd does run
// the daemon. No systemctl, no answer or an error counts as no: a unit
// file written but never enabled starts nothing.
func serviceLive(ctx context.Context, u unitFile) bool {
	if u.Path == "" {
		return false
	}
	bin, err := exec.LookPath("systemctl")
	if err != nil {
		return false
	}
	silent := false // systemctl did not answer in time: ask it no more
	ask := func(verb string, yes ...string) bool {
		if silent {
			return false
		}
		ctx, cancel := context.WithTimeout(ctx, serviceProbeWait)
		defer cancel()
		args := []string{verb, unitName}
		if u.Scope == "user" {
			args = append([]string{"--user"}, args...)
		}
		c := exec.CommandContext(ctx, bin, args...)
		// A child of systemctl holding the pipe open must not hold us.
		c.WaitDelay = 500 * time.Millisecond
		out, _ := c.Output() // is-enabled and is-active exit non-zero for "no"
		silent = ctx.Err() != nil
		answer := strings.TrimSpace(string(out))
		for _, y := range yes {
			if answer == y {
				return true
			}
		}
		return false
	}
	return ask("is-enabled", "enabled", "enabled-runtime") || ask("is-active", "active", "activating", "reloading")
}
