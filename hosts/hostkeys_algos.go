package hosts

import (
	"crypto/ed25519"
	"errors"
	"net"
	"slices"
	"sync"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// probeKey is a key no host has: checking it against the known hosts
// lists the keys known for an address. Built on first use.
var probeKey = sync.OnceValue(func() ssh.PublicKey {
	k, _ := ssh.NewPublicKey(ed25519.PublicKey(make([]byte, ed25519.PublicKeySize)))
	return k
})

// Algorithms orders the host key algorithms for address (host:port), for
// ssh.ClientConfig.HostKeyAlgorithms, as ssh(1) does: those of the keys
// known for it first, then the others. A server with keys of several
// types then presents the one known, where knownhosts would take any
// other type for a changed key; a server that no longer has a key of the
// known type presents another, which is refused as a change. Nil when
// no key is known (the library's own order).
func (k HostKeys) Algorithms(address string) []string {
	files := k.existing()
	if len(files) == 0 {
		return nil
	}
	cb, err := knownhosts.New(files...)
	if err != nil {
		return nil
	}
	host, _, _ := net.SplitHostPort(address)
	var ke *knownhosts.KeyError
	if !errors.As(cb(address, &net.TCPAddr{IP: net.ParseIP(host)}, probeKey()), &ke) || len(ke.Want) == 0 {
		return nil
	}
	var algos []string
	for _, w := range ke.Want {
		for _, a := range keyAlgorithms(w.Key.Type()) {
			if !slices.Contains(algos, a) {
				algos = append(algos, a)
			}
		}
	}
	for _, a := range ssh.SupportedAlgorithms().HostKeys {
		if !slices.Contains(algos, a) {
			algos = append(algos, a)
		}
	}
	return algos
}

// keyAlgorithms are the signature algorithms a key type is presented with.
func keyAlgorithms(keyType string) []string {
	if keyType == ssh.KeyAlgoRSA {
		return []string{ssh.KeyAlgoRSASHA512, ssh.KeyAlgoRSASHA256, ssh.KeyAlgoRSA}
	}
	return []string{keyType}
}
