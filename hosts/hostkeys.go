package hosts

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// HostKeys checks the keys SSH hosts present, strictly: against the
// person's known_hosts and Macroa's own file, never trusting a key on
// first sight. A key is added to Macroa's file only by Trust, after a
// person saw its fingerprint; a changed key is refused and nothing is
// ever overwritten.
type HostKeys struct {
	Files []string // read: ~/.ssh/known_hosts and the like; missing files are skipped
	Own   string   // read and written by Trust: <data dir>/known_hosts
}

// UnknownHostError is a host whose key no file knows: a person must see
// its fingerprint and trust it first (macroa hosts trust H).
type UnknownHostError struct {
	Host        string // the address that presented it
	Name        string // the host's inventory name, when the transport knows it
	Key         ssh.PublicKey
	Fingerprint string // SHA256:…
}

func (e *UnknownHostError) Error() string {
	return fmt.Sprintf("the host key of %s is not known (%s %s): check it and trust it with macroa hosts trust %s",
		e.Host, e.Key.Type(), e.Fingerprint, orName(e.Name, "NAME"))
}

// HostKeyChangedError is a host presenting a key other than the one
// known for it: the host was reinstalled, or someone is in the middle.
// It is refused, loudly, and never written over.
type HostKeyChangedError struct {
	Host        string // the address that presented it (host:port)
	Name        string // the host's inventory name, when the transport knows it
	Key         ssh.PublicKey
	Fingerprint string
	Known       []string   // where the known key is: "file:line"
	At          []KnownKey // the same, as file and line
}

func (e *HostKeyChangedError) Error() string {
	who := e.Host
	if e.Name != "" && e.Name != e.Host {
		who = e.Name + " (" + e.Host + ")"
	}
	return fmt.Sprintf("WARNING: the host key of %s CHANGED (now %s %s): someone may be intercepting the connection, or the host was reinstalled; refused, nothing was overwritten. %s",
		who, e.Key.Type(), e.Fingerprint, e.Remedy())
}

// Remedy is what a person does when the change is expected: where the
// old key is, and the commands, ready to paste, that remove it and trust
// the new one.
func (e *HostKeyChangedError) Remedy() string {
	return ChangedKeyRemedy(orName(e.Name, e.Host), e.Host, e.At)
}

// existing lists the files that exist, Own last.
func (k HostKeys) existing() []string {
	var files []string
	for _, f := range append(append([]string{}, k.Files...), k.Own) {
		if f == "" {
			continue
		}
		if _, err := os.Stat(f); err == nil {
			files = append(files, f)
		}
	}
	return files
}

// Callback is the host key check for ssh.ClientConfig.
func (k HostKeys) Callback() (ssh.HostKeyCallback, error) {
	files := k.existing()
	var known ssh.HostKeyCallback
	if len(files) > 0 {
		cb, err := knownhosts.New(files...)
		if err != nil {
			return nil, fmt.Errorf("read known hosts: %w", err)
		}
		known = cb
	}
	return func(hostname string, remote net.Addr, key ssh.PublicKey) error {
		fp := ssh.FingerprintSHA256(key)
		if known == nil {
			return &UnknownHostError{Host: hostname, Key: key, Fingerprint: fp}
		}
		err := known(hostname, remote, key)
		var ke *knownhosts.KeyError
		var re *knownhosts.RevokedError
		if errors.As(err, &re) {
			return &HostKeyRevokedError{Host: hostname, Key: key, Fingerprint: fp,
				At: KnownKey{File: re.Revoked.Filename, Line: re.Revoked.Line}}
		}
		if errors.As(err, &ke) {
			if len(ke.Want) == 0 {
				return &UnknownHostError{Host: hostname, Key: key, Fingerprint: fp}
			}
			at := knownAt(ke.Want)
			return &HostKeyChangedError{Host: hostname, Key: key, Fingerprint: fp, Known: atStrings(at), At: at}
		}
		return err
	}, nil
}

// Trust records key as the host's (address host:port) in Macroa's own
// file, after a person accepted its fingerprint. A host whose known key
// differs is refused: a changed key is never trusted by Macroa itself.
func (k HostKeys) Trust(address string, key ssh.PublicKey) error {
	if k.Own == "" {
		return errors.New("trust host key: no file to record it in")
	}
	cb, err := k.Callback()
	if err != nil {
		return err
	}
	host, _, _ := net.SplitHostPort(address)
	addr := &net.TCPAddr{IP: net.ParseIP(host)}
	switch err := cb(address, addr, key); {
	case err == nil:
		return nil // known already
	case errors.As(err, new(*HostKeyChangedError)):
		return err
	case !errors.As(err, new(*UnknownHostError)):
		return err
	}
	if err := os.MkdirAll(filepath.Dir(k.Own), 0o700); err != nil {
		return fmt.Errorf("trust host key: %w", err)
	}
	f, err := os.OpenFile(k.Own, os.O_WRONLY|os.O_CREATE|os.O_APPEND|noFollow, 0o600)
	if err != nil {
		return fmt.Errorf("trust host key: %w", err)
	}
	w := bufio.NewWriter(f)
	w.WriteString(knownhosts.Line([]string{knownhosts.Normalize(address)}, key) + "\n")
	if err := w.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("trust host key: %w", err)
	}
	return f.Close()
}
