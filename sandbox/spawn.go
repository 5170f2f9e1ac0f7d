package sandbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"github.com/macroa/macroa/sandbox/support"
	"os"
	"os/exec"
	"path/filepath"
)

// Environment names the parent uses to tell the re-executed binary that it
// is a sandbox child and what to run.
const (
	childEnv = "MACROA_SANDBOX_CHILD"
	specEnv  = "MACROA_SANDBOX_SPEC"
)

// ExitRestrictFailed is the child's exit code when it could not restrict
// itself as the spec requires; nothing was run. Shells use 126 and 127 for
// "cannot execute" and "not found", so 125 is told apart from both.
const ExitRestrictFailed = 125

// Spec is one command to run confined.
type Spec struct {
	// Argv is the program and its arguments (the shell and its script);
	// Argv[0] is looked up in PATH when it has no slash.
	Argv []string `json:"argv"`
	// Dir is the working directory; it is readable when no secret.
	Dir string `json:"dir,omitempty"`
	// Home is the user's home directory, granted entry by entry.
	Home string `json:"home"`
	// TempDir is the private directory, the only place the command may
	// write, and its TMPDIR. The caller makes it (os.MkdirTemp) and
	// removes it afterwards.
	TempDir string `json:"temp_dir"`
	// Secrets are paths config.toml adds to the credentials secretpath
	// knows; they are never readable.
	Secrets []string `json:"secrets,omitempty"`
	// Require is what must be enforced: support.LevelFull refuses to run unless
	// Landlock with TCP rules and seccomp are both applied; support.LevelPartial
	// runs with what the kernel gives but not with nothing; support.LevelNone
	// runs even unconfined (best effort).
	Require support.Level `json:"require"`
	// Path, Lang and Term are the only inherited values of the child's
	// environment, with HOME and TMPDIR; empty: the parent's PATH, LANG
	// and TERM.
	Path string `json:"path,omitempty"`
	Lang string `json:"lang,omitempty"`
	Term string `json:"term,omitempty"`
}

// Command returns the command that runs spec confined: this binary again,
// which restricts itself in MaybeChild and then executes spec.Argv. The
// caller sets Stdin, Stdout, Stderr and starts it. The command's
// environment holds only the spec, never the parent's variables.
func Command(spec Spec) (*exec.Cmd, error) {
	if len(spec.Argv) == 0 {
		return nil, errors.New("sandbox: no command to run")
	}
	if spec.TempDir == "" || !filepath.IsAbs(spec.TempDir) {
		return nil, errors.New("sandbox: the private temporary directory must be an absolute path")
	}
	if spec.Home != "" && !filepath.IsAbs(spec.Home) {
		return nil, fmt.Errorf("sandbox: home %q is not absolute", spec.Home)
	}
	switch spec.Require {
	case support.LevelFull, support.LevelPartial, support.LevelNone:
	case "":
		spec.Require = support.LevelFull
	default:
		return nil, fmt.Errorf("sandbox: unknown level %q", spec.Require)
	}
	if spec.Path == "" {
		spec.Path = os.Getenv("PATH")
	}
	if spec.Lang == "" {
		spec.Lang = os.Getenv("LANG")
	}
	if spec.Term == "" {
		spec.Term = os.Getenv("TERM")
	}
	self, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("sandbox: find this program: %w", err)
	}
	enc, err := json.Marshal(spec)
	if err != nil {
		return nil, fmt.Errorf("sandbox: encode spec: %w", err)
	}
	cmd := exec.Command(self)
	cmd.Args = []string{"macroa-sandbox"}
	cmd.Dir = spec.Dir
	cmd.Env = []string{childEnv + "=1", specEnv + "=" + string(enc)}
	return cmd, nil
}

// MaybeChild turns this process into the sandboxed command when it was
// started by Command: it restricts itself and executes the spec's argv,
// never returning; elsewhere it returns at once. main (and the TestMain of
// packages that spawn through Command) calls it first thing.
func MaybeChild() {
	if os.Getenv(childEnv) != "1" {
		return
	}
	var spec Spec
	if err := json.Unmarshal([]byte(os.Getenv(specEnv)), &spec); err != nil {
		fail(fmt.Errorf("read spec: %w", err))
	}
	fail(runChild(spec))
}
