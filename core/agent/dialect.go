package agent

import (
	"os/exec"
	"sync"
)

// The policy reads a model's command as bash reads it, so the command must
// run in bash: the same text can mean something else to dash or zsh (bash
// reads $'...' as one quoted word, dash as a dollar sign and a quote, so
// a line that is one echo to bash can be three commands to dash). Where no
// bash is installed, nothing a model writes runs unasked.
var (
	bashOnce sync.Once
	bashAt   string
)

// policyBash is the bash a model's commands run in, "" when there is none.
func policyBash() string {
	bashOnce.Do(func() {
		for _, p := range []string{"/bin/bash", "/usr/bin/bash", "/usr/local/bin/bash"} {
			if _, err := exec.LookPath(p); err == nil {
				bashAt = p
				return
			}
		}
	})
	return bashAt
}
