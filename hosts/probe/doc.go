// Package probe reads a host's health in one round trip: Script is one
// POSIX shell script that needs nothing on the target beyond a shell,
// coreutils and procfs (and uses systemd, ip, nvidia-smi, rocm-smi and
// sysfs when they are there); Parse turns what it printed into a typed
// Snapshot in which every field says whether it was measured or why not,
// so one missing tool degrades one field. The package runs nothing: a
// transport in hosts runs the script, locally or over SSH, and hands the
// output here.
package probe
