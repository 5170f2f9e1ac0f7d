package hosts

import (
	"fmt"
	"strings"

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

// maxKnownHosts bounds a known_hosts file read for its @revoked lines.
const maxKnownHosts = 16 << 20

// RevokedAt says where a known_hosts file marks the key with this
// fingerprint ("SHA256:…") @revoked, if one does.
func (k HostKeys) RevokedAt(fingerprint string) (KnownKey, bool) {
	for _, file := range k.existing() {
		b, err := readSmall(file, maxKnownHosts)
		if err != nil {
			continue
		}
		for i, line := range strings.Split(string(b), "\n") {
			if !strings.HasPrefix(strings.TrimSpace(line), "@revoked") {
				continue
			}
			marker, _, key, _, _, err := ssh.ParseKnownHosts([]byte(line))
			if err == nil && marker == "revoked" && ssh.FingerprintSHA256(key) == fingerprint {
				return KnownKey{File: file, Line: i + 1}, true
			}
		}
	}
	return KnownKey{}, false
}

// RevokedKeyRemedy is what a person does about a revoked key: nothing
// trusts it; the host must present another.
func RevokedKeyRemedy(at KnownKey) string {
	return fmt.Sprintf("The key is marked @revoked in %s and is never trusted: the host must present another key, then check it and trust it.", at)
}
