package hosts

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	sshconfig "github.com/kevinburke/ssh_config"
)

// SSHConfig is a person's ~/.ssh/config, read for what Macroa's hosts
// take from it: HostName, User, Port, IdentityFile and ProxyJump of an
// alias. As in ssh_config(5), the first value found wins; a Host line's
// patterns take * and ? and !negation; Include takes globs, relative to
// ~/.ssh, and applies only inside the block that holds it.
//
// kevinburke/ssh_config lexes each file and matches the patterns. What
// it does not do is done here, by rewriting a line before it parses
// (line numbers stay): Include is resolved here (the library resolves it
// against the home of the process's user, not $HOME, and parses included
// files itself, where the rewrites below would not reach); a Match block
// is taken as a Host block when it is `Match all` or only `Match host`
// or `originalhost` patterns (matched against the alias, since there is
// no canonical name here), and otherwise never applies: exec, user,
// localuser, canonical and final cannot be judged without running things
// (the library refuses them outright).
type SSHConfig struct {
	home    string
	entries []sshEntry
	aliases []string
}

// sshEntry is one setting and the blocks that must all match the alias
// for it to apply: the block holding it and those holding its Include.
type sshEntry struct {
	conds      []*sshconfig.Host
	key, value string // key in lower case
}

// includeKey stands for Include in the text handed to the library.
const includeKey = "MacroaInclude"

// maxIncludeDepth is OpenSSH's limit on nested Includes.
const maxIncludeDepth = 16

// LoadSSHConfig reads an ssh_config file and what it includes. A missing
// file is an empty configuration; one that cannot be parsed is an error
// naming the file and line.
func LoadSSHConfig(path string) (*SSHConfig, error) {
	home, err := os.UserHomeDir()
	if err != nil {
		home = ""
	}
	c := &SSHConfig{home: home}
	if err := c.load(path, nil, 0); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return &SSHConfig{home: home}, nil
		}
		return nil, err
	}
	return c, nil
}

// DefaultSSHConfigPath is ~/.ssh/config.
func DefaultSSHConfigPath() string {
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	return filepath.Join(home, ".ssh", "config")
}

func (c *SSHConfig) load(path string, conds []*sshconfig.Host, depth int) error {
	raw, err := readSmall(path, maxConfigFile)
	if err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	text, err := rewrite(string(raw))
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	cfg, err := sshconfig.DecodeBytes([]byte(text))
	if err != nil {
		return fmt.Errorf("%s: %s", path, lineOf(err.Error()))
	}
	for _, host := range cfg.Hosts {
		within := append(slices.Clip(conds), host)
		for _, n := range host.Nodes {
			kv, ok := n.(*sshconfig.KV)
			if !ok {
				continue
			}
			key := strings.ToLower(kv.Key)
			if key != strings.ToLower(includeKey) {
				if key == "port" && !validPort(kv.Value) {
					return fmt.Errorf("%s: line %d: Port %q is not a port number", path, kv.Pos().Line, kv.Value)
				}
				c.entries = append(c.entries, sshEntry{conds: within, key: key, value: kv.Value})
				continue
			}
			if depth >= maxIncludeDepth {
				return fmt.Errorf("%s: line %d: Include nested more than %d deep", path, kv.Pos().Line, maxIncludeDepth)
			}
			for _, pattern := range strings.Fields(kv.Value) {
				matches, err := filepath.Glob(c.includePath(pattern))
				if err != nil {
					return fmt.Errorf("%s: line %d: Include %q: %w", path, kv.Pos().Line, pattern, err)
				}
				for _, m := range matches { // sorted, as ssh reads them
					if err := c.load(m, within, depth+1); err != nil {
						return err
					}
				}
			}
		}
		c.addAliases(host)
	}
	return nil
}

// includePath resolves an Include argument as ssh does for a user's file.
func (c *SSHConfig) includePath(p string) string {
	switch {
	case filepath.IsAbs(p):
		return p
	case strings.HasPrefix(p, "~/"):
		return filepath.Join(c.home, p[2:])
	}
	return filepath.Join(c.home, ".ssh", p)
}

// addAliases records a Host line's concrete names: no wildcard, no
// negation, and none from a Match line.
func (c *SSHConfig) addAliases(h *sshconfig.Host) {
	for _, p := range h.Patterns {
		if p.String() == matchMark {
			return
		}
	}
	for _, p := range h.Patterns {
		s := p.String()
		if s == "" || strings.ContainsAny(s, "*?!") || slices.Contains(c.aliases, s) {
			continue
		}
		c.aliases = append(c.aliases, s)
	}
}

// Aliases are the concrete names of Host lines, in file order: the hosts
// a person may import.
func (c *SSHConfig) Aliases() []string {
	if c == nil {
		return nil
	}
	return slices.Clone(c.aliases)
}

// Get is the first value of key (any case) for alias; "" when none.
func (c *SSHConfig) Get(alias, key string) string {
	if v := c.GetAll(alias, key); len(v) > 0 {
		return v[0]
	}
	return ""
}

// GetAll is every value of key for alias, in order (IdentityFile may
// be given more than once).
func (c *SSHConfig) GetAll(alias, key string) []string {
	if c == nil {
		return nil
	}
	// ssh lowercases the host name before it matches Host lines.
	key, alias = strings.ToLower(key), strings.ToLower(alias)
	var out []string
	for _, e := range c.entries {
		if e.key == key && matchesAll(e.conds, alias) {
			out = append(out, e.value)
		}
	}
	return out
}

func matchesAll(conds []*sshconfig.Host, alias string) bool {
	for _, h := range conds {
		if !h.Matches(alias) {
			return false
		}
	}
	return true
}

func validPort(s string) bool {
	n := 0
	for _, r := range s {
		if r < '0' || r > '9' || n > 65535 {
			return false
		}
		n = n*10 + int(r-'0')
	}
	return s != "" && n >= 1 && n <= 65535
}

// lineOf turns the library's "(3, 7): msg" into "line 3: msg".
//
// The parser's message quotes the line, and an Include may name a file
// of secrets: only the line's number is said, never its text.
func lineOf(msg string) string {
	var line, col int
	if n, _ := fmt.Sscanf(msg, "(%d, %d):", &line, &col); n == 2 {
		return fmt.Sprintf("line %d is not a keyword and its value", line)
	}
	return "not an ssh_config file"
}
