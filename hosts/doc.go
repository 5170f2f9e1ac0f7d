// Package hosts runs commands on the machines Macroa looks after.
//
// Every command sent to a host is an argument list built here (see command.go),
// never a string glued together elsewhere. The local transport (local.go) runs
// it as a child process in its own process group, so a timeout or a cancel
// kills the whole tree, and it caps and cleans what the command prints.
package hosts
