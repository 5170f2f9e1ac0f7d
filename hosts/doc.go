// Package hosts runs commands on the machines Macroa looks after.
//
// Every command sent to a host is an argument list built here (see command.go),
// never a string glued together elsewhere. The local transport (local.go) runs
// it as a child process in its own process group, so a timeout or a cancel
// kills the whole tree, and it caps and cleans what the command prints.
//
// The SSH transport (ssh.go) runs the same argument lists on another host:
// RemoteLine (quote.go) renders them for the remote shell with every word
// single-quoted, one connection per host is kept with keepalives, every
// wait is bounded, and host keys are checked strictly (hostkeys.go): an
// unknown host is refused until a person trusts its fingerprint, and a
// changed key is refused and never written over. The health probe that
// runs through either transport is in hosts/probe.
package hosts
