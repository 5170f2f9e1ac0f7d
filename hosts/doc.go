// Package hosts runs commands on the machines Macroa looks after.
//
// Every command sent to a host is an argument list built here (see command.go),
// never a string glued together elsewhere. Both transports implement
// Transport (transport.go). The local transport (local.go) runs a command
// as a child process in its own process group, so a timeout or a cancel
// kills the whole tree, and it caps and cleans what the command prints.
// A command that needs root (Command.Root) goes through its host's sudo
// policy in one place, ApplySudo (sudo.go): `sudo -n --` for a user other
// than root where the policy is sudo, as is otherwise.
//
// The SSH transport, SSHHost (ssh.go), runs the same argument lists on
// another host: RemoteLine (quote.go) renders them for the remote shell
// with every word single-quoted. One connection per host is kept with
// keepalives (ssh_conn.go), reached directly or through a jump host's own
// connection (ProxyJump, ssh_dial.go); its commands run as sessions side
// by side up to the server's MaxSessions, learned when the server
// refuses one and tried again beyond now and then (ssh_session.go,
// ssh_slots.go). Every wait is bounded: the dial and handshake, opening
// a session, the command. A command that runs out of time is sent
// SIGKILL and its session closed; OpenSSH cannot signal a root login's
// command, which then runs on there, its session keeping its slot, while
// the commands beside it go on: only a connection that stops answering
// is dropped. A failed dial starts a backoff (1 s doubling to
// 1 min, unreachable.go) during which commands fail at once with an
// UnreachableError; a host key unknown or changed (hostkeys.go, checked
// strictly: an unknown host is refused until a person trusts its
// fingerprint, a changed key is refused and never written over) and a
// refused login (AuthError) need a person instead, and are returned as is
// every time. Logins use ssh-agent's keys and key files (auth.go); the
// agent is never forwarded.
//
// The inventory (inventory.go) resolves a [[hosts]] entry into a Host:
// config.toml's settings first, then ~/.ssh/config's for its address taken
// as an alias (sshconfig.go and sshconfig_rewrite.go: patterns, negation,
// Include, first value wins), then the defaults. A Pool (pool.go) hands out each host's
// transport: Local for this machine, one SSHHost per host kept while its
// settings stay the same, jump hosts included.
//
// The health probe that runs through either transport is in hosts/probe;
// hosts/sshdtest starts a real OpenSSH sshd on loopback for tests.
package hosts
