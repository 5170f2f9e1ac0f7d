package hosts

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
)

// Auth is how Macroa logs in to a host: the keys ssh-agent holds, then
// the host's key files. The agent is asked at each login and never
// forwarded to the host.
type Auth struct {
	Methods []ssh.AuthMethod
	// Notes say which key files were left out and why, for the error
	// when no key is accepted.
	Notes []string
}

// defaultKeyFiles are the key files ssh tries when none is configured,
// in its order, from ~/.ssh.
var defaultKeyFiles = []string{"id_ed25519", "id_ecdsa", "id_rsa"}

// agentTimeout bounds each exchange with ssh-agent.
const agentTimeout = 5 * time.Second

// AuthFor builds the login for h: h's IdentityFiles, or when it has none
// the default ones that exist, and the keys of the ssh-agent at
// $SSH_AUTH_SOCK in env (os.Environ() when env is nil). As ssh offers
// them: configured key files first (through the agent when it holds
// them), then the agent's other keys, then default files; a server
// hangs up after a few refused keys, so the one configured goes first.
// A key file with a passphrase cannot be read without a person: it is
// left out with a note (an agent holding it still logs in).
func AuthFor(h Host, env []string) Auth {
	if env == nil {
		env = os.Environ()
	}
	sock, home := envValue(env, "SSH_AUTH_SOCK"), envValue(env, "HOME")
	if home == "" {
		home, _ = os.UserHomeDir()
	}
	var a Auth
	files, explicit := h.IdentityFiles, true
	if len(files) == 0 {
		explicit = false
		for _, f := range defaultKeyFiles {
			files = append(files, filepath.Join(home, ".ssh", f))
		}
	}
	var signers []ssh.Signer
	var wanted []ssh.PublicKey // the configured keys, read or not
	for _, f := range files {
		s, pub, note := readKeyFile(f, explicit)
		if note != "" {
			a.Notes = append(a.Notes, note)
		}
		if s != nil {
			signers = append(signers, s)
		}
		if explicit && pub != nil {
			wanted = append(wanted, pub)
		}
	}
	if sock == "" && len(signers) == 0 {
		return a
	}
	// One method: the SSH library tries each kind of method once, so a
	// second publickey method would never be asked.
	a.Methods = []ssh.AuthMethod{ssh.PublicKeysCallback(func() ([]ssh.Signer, error) {
		return offerOrder(agentSigners(sock), signers, wanted, explicit), nil
	})}
	return a
}

// offerOrder lists the keys in the order they are offered (see AuthFor),
// each once.
func offerOrder(agentKeys, fileKeys []ssh.Signer, wanted []ssh.PublicKey, explicit bool) []ssh.Signer {
	var out []ssh.Signer
	add := func(ss ...ssh.Signer) {
		for _, s := range ss {
			if !holds(out, s.PublicKey()) {
				out = append(out, s)
			}
		}
	}
	if explicit {
		for _, w := range wanted {
			for _, s := range agentKeys {
				if string(s.PublicKey().Marshal()) == string(w.Marshal()) {
					add(s)
				}
			}
		}
		add(fileKeys...)
		add(agentKeys...)
		return out
	}
	add(agentKeys...)
	add(fileKeys...)
	return out
}

func envValue(env []string, key string) string {
	for i := len(env) - 1; i >= 0; i-- {
		if k, v, ok := strings.Cut(env[i], "="); ok && k == key {
			return v
		}
	}
	return ""
}

// readKeyFile reads one private key file, and its public key even when
// encrypted (from the file or the .pub beside it); a file that is
// missing is said only when it was configured.
func readKeyFile(path string, explicit bool) (ssh.Signer, ssh.PublicKey, string) {
	b, err := readSmall(path, maxKeyFile)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) && !explicit {
			return nil, nil, ""
		}
		return nil, nil, fmt.Sprintf("%s: %v", path, unwrapPath(err))
	}
	s, err := ssh.ParsePrivateKey(b)
	var pm *ssh.PassphraseMissingError
	switch {
	case errors.As(err, &pm):
		pub := pm.PublicKey
		if pub == nil {
			if pb, err := readSmall(path+".pub", maxKeyFile); err == nil {
				pub, _, _, _, _ = ssh.ParseAuthorizedKey(pb)
			}
		}
		return nil, pub, fmt.Sprintf("%s is encrypted: add it to ssh-agent (ssh-add %s)", path, path)
	case err != nil:
		return nil, nil, fmt.Sprintf("%s: not a private key Macroa can read: %v", path, err)
	}
	return s, s.PublicKey(), ""
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func holds(signers []ssh.Signer, k ssh.PublicKey) bool {
	for _, s := range signers {
		if string(s.PublicKey().Marshal()) == string(k.Marshal()) {
			return true
		}
	}
	return false
}

// agentSigners lists the agent's keys; none when there is no agent or it
// does not answer. Each signs through a connection of its own, opened
// when the server asks, so no connection to the agent outlives a login.
func agentSigners(sock string) []ssh.Signer {
	if sock == "" {
		return nil
	}
	var keys []*agent.Key
	err := withAgent(sock, func(a agent.ExtendedAgent) error {
		var err error
		keys, err = a.List()
		return err
	})
	if err != nil {
		return nil
	}
	out := make([]ssh.Signer, 0, len(keys))
	for _, k := range keys {
		pub, err := ssh.ParsePublicKey(k.Blob)
		if err == nil {
			out = append(out, agentSigner{sock: sock, pub: pub})
		}
	}
	return out
}

func withAgent(sock string, f func(agent.ExtendedAgent) error) error {
	conn, err := net.DialTimeout("unix", sock, agentTimeout)
	if err != nil {
		return fmt.Errorf("ssh-agent at %s: %w", sock, err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(agentTimeout))
	return f(agent.NewClient(conn))
}

// agentSigner is a key the agent holds.
type agentSigner struct {
	sock string
	pub  ssh.PublicKey
}

func (s agentSigner) PublicKey() ssh.PublicKey { return s.pub }

func (s agentSigner) Sign(rand io.Reader, data []byte) (*ssh.Signature, error) {
	return s.SignWithAlgorithm(rand, data, "")
}

// SignWithAlgorithm lets an RSA key sign with SHA-2, which servers
// require now.
func (s agentSigner) SignWithAlgorithm(_ io.Reader, data []byte, algorithm string) (*ssh.Signature, error) {
	var flags agent.SignatureFlags
	switch algorithm {
	case ssh.KeyAlgoRSASHA256:
		flags = agent.SignatureFlagRsaSha256
	case ssh.KeyAlgoRSASHA512:
		flags = agent.SignatureFlagRsaSha512
	}
	var sig *ssh.Signature
	err := withAgent(s.sock, func(a agent.ExtendedAgent) error {
		var err error
		sig, err = a.SignWithFlags(s.pub, data, flags)
		return err
	})
	return sig, err
}
