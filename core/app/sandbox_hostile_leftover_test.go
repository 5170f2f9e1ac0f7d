package app

import (
	"strings"
	"testing"

	"github.com/macroa/macroa/sandbox"
)

// A process one command leaves running must not reach the commands that
// come after it. The first command leaves a job in a process group of its
// own (job control), which writes into every command's temporary
// directory it finds beside its own; the second, a harmless command of a
// later request, looks for such a file in its own temporary directory for
// a few seconds. With the sandbox off there are no such directories, so
// this is the sandbox's own case.
func TestHostileSandboxLeftoverReachesLaterCommand(t *testing.T) {
	requireFullSandbox(t)
	forceOpen(t)
	for _, path := range []via{viaAgent, viaClassifier} {
		t.Run(string(path), func(t *testing.T) {
			w := newHostileWorld(t, sandbox.ModeBestEffort, hostileOptions{})
			markBackground(t, w)
			first := `set -m; (R=$(dirname "$TMPDIR"); for i in $(seq 200); do for d in "$R"/cmd-*; do echo injected-` + w.nonce +
				` > "$d/injected"; done; sleep 0.05; done; : ` + bgMarker(w) + `) >/dev/null 2>&1 &`
			w.run(path, first, false)
			second := `for i in $(seq 60); do [ -e "$TMPDIR/injected" ] && { cat "$TMPDIR/injected"; exit 0; }; sleep 0.05; done; echo clean`
			r := w.runAs("what is the weather", path, second, false)
			t.Logf("the later command's answer: %q", r.answer)
			if strings.Contains(r.answer, "injected-"+w.nonce) {
				t.Errorf("FINDING: a process left by %q wrote into the temporary directory of a later command (%q), which read it back", first, second)
			} else if !strings.Contains(r.answer, "clean") {
				t.Errorf("the later command did not run to its end: %q", r.answer)
			}
		})
	}
}
