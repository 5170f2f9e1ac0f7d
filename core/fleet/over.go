package fleet

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/macroa/macroa/hosts"
	"github.com/macroa/macroa/hosts/probe"
)

// ProbeOver is the Prober that runs the probe script with sh on the host
// t reaches and parses what it printed. Output over probe.MaxOutput is
// refused, not parsed.
func ProbeOver(t hosts.Transport) Prober { return transportProber{t} }

type transportProber struct{ t hosts.Transport }

func (p transportProber) Probe(ctx context.Context) (probe.Snapshot, error) {
	var timeout time.Duration
	if d, ok := ctx.Deadline(); ok {
		timeout = max(time.Until(d), time.Millisecond)
	}
	// A host printing without end is stopped as soon as it passes
	// MaxOutput, not at the timeout.
	runCtx, stop := context.WithCancelCause(ctx)
	defer stop(nil)
	printed := 0
	out, err := p.t.Stream(runCtx, hosts.Command{Argv: []string{"sh", "-c", probe.Script}}, timeout, func(l hosts.Line) {
		if printed += len(l.Text); printed > probe.MaxOutput || l.Cut && l.Stream == hosts.Stdout {
			stop(errTooLarge)
		}
	})
	switch {
	case context.Cause(runCtx) == errTooLarge || out.Truncated || len(out.Stdout) > probe.MaxOutput:
		return probe.Snapshot{}, fmt.Errorf("the probe printed more than %d KB: refused", probe.MaxOutput>>10)
	case err != nil:
		return probe.Snapshot{}, err
	case out.TimedOut || out.Canceled:
		if ctx.Err() != nil && !errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return probe.Snapshot{}, errors.New("the probe was cancelled")
		}
		return probe.Snapshot{}, fmt.Errorf("the probe did not finish in %s", timeout.Round(100*time.Millisecond))
	case out.ExitCode != 0:
		return probe.Snapshot{}, fmt.Errorf("the probe exited with %d: %s", out.ExitCode, firstLine(out.Stderr))
	}
	snap, err := probe.Parse([]byte(out.Stdout))
	if err != nil {
		return probe.Snapshot{}, fmt.Errorf("read the probe's answer: %w", err)
	}
	return snap, nil
}

var errTooLarge = errors.New("the probe's output is too large")

// firstLine is the first non-blank line of s, cut short.
func firstLine(s string) string {
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			return cutText(l, 200)
		}
	}
	return "no message"
}

// cutText shortens s to at most n runes, marking the cut.
func cutText(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
