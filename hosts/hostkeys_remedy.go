package hosts

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"net"
	"strings"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// KnownKey is where a known host key is: a known_hosts file and its line.
type KnownKey struct {
	File string
	Line int
}

func (k KnownKey) String() string { return fmt.Sprintf("%s:%d", k.File, k.Line) }

func knownAt(want []knownhosts.KnownKey) []KnownKey {
	var at []KnownKey
	for _, w := range want {
		at = append(at, KnownKey{File: w.Filename, Line: w.Line})
	}
	return at
}

func atStrings(at []KnownKey) []string {
	var s []string
	for _, k := range at {
		s = append(s, k.String())
	}
	return s
}

// KnownAt lists where a key of the host at address (host:port) is known,
// whatever its type: none for a host never trusted.
func (k HostKeys) KnownAt(address string) ([]KnownKey, error) {
	cb, err := k.Callback()
	if err != nil {
		return nil, err
	}
	// A key no file can hold: every line for the address is reported as
	// the one wanted.
	var seed [ed25519.SeedSize]byte
	probe, err := ssh.NewPublicKey(ed25519.NewKeyFromSeed(seed[:]).Public())
	if err != nil {
		return nil, err
	}
	host, port, _ := net.SplitHostPort(address)
	var p int
	fmt.Sscan(port, &p)
	err = cb(address, &net.TCPAddr{IP: net.ParseIP(host), Port: p}, probe)
	var changed *HostKeyChangedError
	switch {
	case errors.As(err, &changed):
		return changed.At, nil
	case err == nil, errors.As(err, new(*UnknownHostError)):
		return nil, nil
	}
	return nil, err
}

// ChangedKeyRemedy says, for the host called name at address whose known
// key is at the places given, how a person who expected the change
// removes the old key and trusts the new one: ssh-keygen -R for each file
// holding it, then macroa hosts trust.
func ChangedKeyRemedy(name, address string, at []KnownKey) string {
	var files []string
	for _, k := range at {
		if !containsString(files, k.File) {
			files = append(files, k.File)
		}
	}
	pattern := knownhosts.Normalize(address)
	var b strings.Builder
	if len(at) > 0 {
		fmt.Fprintf(&b, "The old key is at %s. ", strings.Join(atStrings(at), ", "))
	}
	b.WriteString("If the change is expected, remove it")
	if len(files) == 0 {
		fmt.Fprintf(&b, " (ssh-keygen -R %s -f YOUR_KNOWN_HOSTS)", shellWord(pattern))
	}
	for i, f := range files {
		sep := ": "
		if i > 0 {
			sep = " and "
		}
		fmt.Fprintf(&b, "%sssh-keygen -R %s -f %s", sep, shellWord(pattern), shellWord(f))
	}
	fmt.Fprintf(&b, ", then: macroa hosts trust %s", name)
	return b.String()
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// shellWord is s as one word a POSIX shell reads back as s: bare when it
// holds only characters no shell treats specially, else single-quoted.
func shellWord(s string) string {
	plain := s != ""
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:@%+,=", r)) {
			plain = false
			break
		}
	}
	if plain {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func orName(name, fallback string) string {
	if name == "" {
		return fallback
	}
	return name
}
