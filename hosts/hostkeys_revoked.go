package hosts

import (
	"fmt"

	"golang.org/x/crypto/ssh"
)

// HostKeyRevokedError is a host presenting a key a known_hosts file marks
// @revoked: refused like a changed key, every time, never retried
// silently; only the host presenting another key ends it.
type HostKeyRevokedError struct {
	Host        string // the address that presented it (host:port)
	Name        string // the host's inventory name, when the transport knows it
	Key         ssh.PublicKey
	Fingerprint string
	At          KnownKey // the @revoked line
}

func (e *HostKeyRevokedError) Error() string {
	who := e.Host
	if e.Name != "" && e.Name != e.Host {
		who = e.Name + " (" + e.Host + ")"
	}
	return fmt.Sprintf("the host key of %s is REVOKED (%s %s is marked @revoked in %s): refused; the host must present another key",
		who, e.Key.Type(), e.Fingerprint, e.At)
}
