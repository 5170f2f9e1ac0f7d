package hosts

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/macroa/macroa/config"
)

// PoolOptions shape a Pool.
type PoolOptions struct {
	Keys        HostKeys
	Env         []string // for SSH_AUTH_SOCK and HOME; os.Environ() when nil
	DialTimeout time.Duration
	Keepalive   time.Duration
	// Lookup finds a host a ProxyJump names: an inventory host or an
	// ~/.ssh/config alias. A name it does not know is read as
	// [user@]host[:port]. It is called with the pool locked: it must not
	// call the pool.
	Lookup func(name string) (Host, bool)
}

// maxJumps bounds a chain of ProxyJumps, so a loop is an error.
const maxJumps = 8

// Pool hands out the transport of each host: Local for this machine, one
// SSHHost per host name otherwise, kept (with its connection) while the
// host's settings stay the same, and built anew when they change. Jump
// hosts are SSHHosts of the pool too, so a jump host that is also in the
// inventory shares its connection. Safe for concurrent use.
type Pool struct {
	opts  PoolOptions
	mu    sync.Mutex
	hosts map[string]*pooled
}

type pooled struct {
	sig string // the settings it was built from
	h   *SSHHost
}

// NewPool makes an empty pool.
func NewPool(opts PoolOptions) *Pool {
	return &Pool{opts: opts, hosts: map[string]*pooled{}}
}

// Transport is h's transport: Local for the local host, else its SSHHost.
func (p *Pool) Transport(h Host) (Transport, error) {
	if h.IsLocal() {
		return Local{Sudo: h.Sudo}, nil
	}
	return p.SSH(h)
}

// SSH is h's SSHHost (for its Unreachable state, or ScanKey).
func (p *Pool) SSH(h Host) (*SSHHost, error) {
	if h.IsLocal() {
		return nil, errors.New("the local host has no SSH connection")
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.build(h, h.Name, 0)
}

// build returns the pooled SSHHost under key for h, (re)building it and
// its jump hosts as needed. p.mu is held.
func (p *Pool) build(h Host, key string, depth int) (*SSHHost, error) {
	if depth > maxJumps {
		return nil, fmt.Errorf("%s: ProxyJump goes through more than %d hosts (a loop?)", h.Name, maxJumps)
	}
	if h.Refused != "" {
		return nil, errors.New(h.Refused)
	}
	if h.HostName == "" || h.Port == 0 {
		return nil, fmt.Errorf("%s: no address to connect to", h.Name)
	}
	var jump *SSHHost
	if hops := strings.Split(h.ProxyJump, ","); strings.TrimSpace(hops[len(hops)-1]) == h.Name {
		return nil, fmt.Errorf("%s: ProxyJump names the host itself", h.Name)
	}
	if h.ProxyJump != "" {
		var err error
		if jump, err = p.jump(h.ProxyJump, depth); err != nil {
			return nil, fmt.Errorf("%s: ProxyJump %s: %w", h.Name, h.ProxyJump, err)
		}
	}
	sig := fmt.Sprintf("%s|%d|%s|%q|%s|%p", h.HostName, h.Port, h.User, h.IdentityFiles, h.Sudo, jump)
	if e := p.hosts[key]; e != nil {
		if e.sig == sig {
			return e.h, nil
		}
		e.h.Close()
	}
	auth := AuthFor(h, p.opts.Env)
	s := &SSHHost{
		Label: h.Name, Address: h.Addr(), User: h.User, Auth: auth.Methods, AuthNotes: auth.Notes,
		Keys: p.opts.Keys, Jump: jump, Sudo: h.Sudo,
		DialTimeout: p.opts.DialTimeout, Keepalive: p.opts.Keepalive,
	}
	p.hosts[key] = &pooled{sig: sig, h: s}
	return s, nil
}

// jump is the SSHHost of the last hop of a ProxyJump list; the hops
// before it are its own jump, as ssh -J reads them.
func (p *Pool) jump(spec string, depth int) (*SSHHost, error) {
	hops := strings.Split(spec, ",")
	last := strings.TrimSpace(hops[len(hops)-1])
	h, err := p.hop(last)
	if err != nil {
		return nil, err
	}
	key := h.Name
	if len(hops) > 1 {
		h.ProxyJump = strings.Join(hops[:len(hops)-1], ",")
		key = h.Name + " via " + h.ProxyJump
	}
	return p.build(h, key, depth+1)
}

// hop finds a jump host by name, else reads [user@]host[:port].
func (p *Pool) hop(name string) (Host, error) {
	if name == "" {
		return Host{}, errors.New("an empty hop")
	}
	if p.opts.Lookup != nil {
		if h, ok := p.opts.Lookup(name); ok {
			if h.IsLocal() {
				return Host{}, errors.New("the local host cannot be a jump host")
			}
			return h, nil
		}
	}
	return parseJump(name)
}

// parseJump reads [user@]host[:port] (an IPv6 address in brackets).
func parseJump(spec string) (Host, error) {
	h := Host{Name: spec, Port: DefaultSSHPort, User: localUser(), Sudo: config.SudoNever, Origin: OriginJump}
	rest := spec
	if i := strings.LastIndexByte(rest, '@'); i >= 0 {
		h.User, rest = rest[:i], rest[i+1:]
	}
	host := rest
	if hp, port, err := net.SplitHostPort(rest); err == nil {
		n, err := strconv.Atoi(port)
		if err != nil || n < 1 || n > 65535 {
			return Host{}, fmt.Errorf("%q: %q is not a port", spec, port)
		}
		host, h.Port = hp, n
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if host == "" || h.User == "" || strings.ContainsAny(host, " /@") {
		return Host{}, fmt.Errorf("%q is not [user@]host[:port]", spec)
	}
	h.Address, h.HostName = host, host
	return h, nil
}

// Forget closes and drops the host named name (one gone from the
// inventory); the jump hosts it went through stay.
func (p *Pool) Forget(name string) {
	p.mu.Lock()
	e := p.hosts[name]
	delete(p.hosts, name)
	p.mu.Unlock()
	if e != nil {
		e.h.Close()
	}
}

// ScanKey reads the key h presents (through its jump hosts), for a
// person to check before trusting it.
func (p *Pool) ScanKey(ctx context.Context, h Host) (ssh.PublicKey, error) {
	s, err := p.SSH(h)
	if err != nil {
		return nil, err
	}
	return s.ScanKey(ctx)
}

// Close ends every connection of the pool. The pool may be used again.
func (p *Pool) Close() error {
	p.mu.Lock()
	hosts := make([]*SSHHost, 0, len(p.hosts))
	for _, e := range p.hosts {
		hosts = append(hosts, e.h)
	}
	p.hosts = map[string]*pooled{}
	p.mu.Unlock()
	// Targets first: a jump host's connection carries theirs.
	slices.SortFunc(hosts, func(a, b *SSHHost) int { return jumpDepth(b) - jumpDepth(a) })
	for _, h := range hosts {
		h.Close()
	}
	return nil
}

func jumpDepth(h *SSHHost) int {
	n := 0
	for j := h.Jump; j != nil && n <= maxJumps; j = j.Jump {
		n++
	}
	return n
}
