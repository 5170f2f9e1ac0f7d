package app

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/macroa/macroa/sandbox"
)

// environChildVar names, in a child process of this test binary, the path
// and mode of the environ attack it is to run ("agent,off").
const environChildVar = "MACROA_HOSTILE_ENVIRON_CHILD"

// A model's command reads the environment Macroa was started with
// (/proc/$PPID/environ), where its provider's API key is: in the sandbox
// it cannot; with the sandbox off it can. The file shows what a process
// was started with, so each run is a fresh process of this test binary
// started with a canary key, the child test below; it fails when the
// attack got through the sandbox or did nothing unconfined.
func TestHostileSandboxEnviron(t *testing.T) {
	requireFullSandbox(t)
	for _, path := range []via{viaAgent, viaClassifier} {
		for _, mode := range []sandbox.Mode{sandbox.ModeBestEffort, sandbox.ModeOff} {
			t.Run(string(path)+"/"+string(mode), func(t *testing.T) {
				c := exec.Command(os.Args[0], "-test.run=^TestHostileSandboxEnvironChild$", "-test.v", "-test.count=1", "-test.timeout=120s")
				c.Env = append(os.Environ(), environChildVar+"="+string(path)+","+string(mode),
					"MACROA_API_KEY=canary-apikey-"+randomHex(t, 6), "MACROA_HOSTILE_ENV_MARK=canary-envmark-"+randomHex(t, 6))
				out, err := c.CombinedOutput()
				if err != nil || !strings.Contains(string(out), "--- PASS: TestHostileSandboxEnvironChild") {
					t.Errorf("the environ attack's process failed (%v):\n%s", err, out)
					return
				}
				t.Logf("the environ attack's process:\n%s", out)
			})
		}
	}
}

// TestHostileSandboxEnvironChild is the environ attack in a process of its
// own, started by TestHostileSandboxEnviron with the key to find.
func TestHostileSandboxEnvironChild(t *testing.T) {
	spec := os.Getenv(environChildVar)
	if spec == "" {
		t.Skip("run by TestHostileSandboxEnviron, in a process started with a canary API key")
	}
	path, mode, _ := strings.Cut(spec, ",")
	key, mark := os.Getenv("MACROA_API_KEY"), os.Getenv("MACROA_HOSTILE_ENV_MARK")
	if !strings.HasPrefix(key, "canary-") || !strings.HasPrefix(mark, "canary-") {
		t.Fatalf("started without the canaries: %q %q", key, mark)
	}
	requireFullSandbox(t)
	forceOpen(t)
	a := hostileAttack{name: "environ", refused: true, quiet: true,
		command: func(*hostileWorld) string { return `tr '\0' '\n' < /proc/$PPID/environ` },
		effect: func(_ *testing.T, _ *hostileWorld, r hostileRun) string {
			// The key itself is redacted on its way to the model, not the
			// variable beside it: either shows the file was read.
			for _, s := range []string{key, mark} {
				if strings.Contains(r.answer, s) || strings.Contains(r.res.Output, s) {
					return "read the macroa process's environment: " + s + " is in the answer"
				}
			}
			return ""
		}}
	runHostile(t, a, via(path), sandbox.Mode(mode), hostileOptions{
		env:     []string{"MACROA_API_KEY=" + key},
		secrets: map[string]string{"the API key in the environment": key, "a variable of the environment": mark},
	})
}
