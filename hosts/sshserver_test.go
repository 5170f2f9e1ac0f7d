package hosts

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/binary"
	"net"
	"os/exec"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

// testServer is an in-process SSH server on loopback. It runs each exec
// request with this machine's sh -c (so quoting is tried against a real
// shell), or, when hang is set, accepts it and never answers, or, when
// canned is set, answers every command with it after delay, as a remote
// host doing the work on its own CPU would.
type testServer struct {
	addr    string
	hostKey ssh.Signer
	client  ssh.Signer // the key the client logs in with
	ln      net.Listener
	hang    bool
	canned  []byte
	delay   time.Duration
	echo    bool          // answer with the command line received
	gate    chan struct{} // when set, a login waits until it is closed
	refuse  bool          // refuse every exec request
	mu      sync.Mutex
	conns   []net.Conn
}

func newSigner(t testing.TB) ssh.Signer {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func startServer(t testing.TB, hostKey ssh.Signer, hang bool) *testServer {
	t.Helper()
	return startServerWith(t, &testServer{hostKey: hostKey, hang: hang})
}

// startCanned starts a server answering every command with out after delay.
func startCanned(t testing.TB, out []byte, delay time.Duration) *testServer {
	t.Helper()
	return startServerWith(t, &testServer{hostKey: newSigner(t), canned: out, delay: delay})
}

func startServerWith(t testing.TB, s *testServer) *testServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.addr, s.client, s.ln = ln.Addr().String(), newSigner(t), ln
	cfg := &ssh.ServerConfig{PublicKeyCallback: func(_ ssh.ConnMetadata, k ssh.PublicKey) (*ssh.Permissions, error) {
		if s.gate != nil {
			<-s.gate
		}
		if string(k.Marshal()) == string(s.client.PublicKey().Marshal()) {
			return nil, nil
		}
		return nil, errUnauthorised
	}}
	cfg.AddHostKey(s.hostKey)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.mu.Lock()
			s.conns = append(s.conns, c)
			s.mu.Unlock()
			go s.serve(c, cfg)
		}
	}()
	t.Cleanup(s.close)
	return s
}

var errUnauthorised = &net.AddrError{Err: "unauthorised"}

func (s *testServer) close() {
	s.ln.Close()
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.conns {
		c.Close()
	}
}

func (s *testServer) serve(c net.Conn, cfg *ssh.ServerConfig) {
	_, chans, reqs, err := ssh.NewServerConn(c, cfg)
	if err != nil {
		return
	}
	go ssh.DiscardRequests(reqs)
	for nc := range chans {
		if nc.ChannelType() != "session" {
			nc.Reject(ssh.UnknownChannelType, "no")
			continue
		}
		ch, in, err := nc.Accept()
		if err != nil {
			continue
		}
		go func() {
			for req := range in {
				if req.Type != "exec" {
					req.Reply(req.Type == "signal", nil)
					continue
				}
				if s.refuse {
					req.Reply(false, nil)
					ch.Close()
					continue
				}
				req.Reply(true, nil)
				if s.hang {
					continue // accepted, never answered
				}
				n := binary.BigEndian.Uint32(req.Payload[:4])
				line := string(req.Payload[4 : 4+n])
				if s.canned != nil || s.echo {
					time.Sleep(s.delay)
					if s.echo {
						ch.Write([]byte(line))
					}
					ch.Write(s.canned)
					ch.SendRequest("exit-status", false, make([]byte, 4))
					ch.Close()
					continue
				}
				cmd := exec.Command("sh", "-c", line)
				cmd.Stdout, cmd.Stderr = ch, ch.Stderr()
				code := 0
				if err := cmd.Run(); err != nil {
					if ee, ok := err.(*exec.ExitError); ok {
						code = ee.ExitCode()
					} else {
						code = 127
					}
				}
				status := make([]byte, 4)
				binary.BigEndian.PutUint32(status, uint32(code))
				ch.SendRequest("exit-status", false, status)
				ch.Close()
			}
		}()
	}
}
