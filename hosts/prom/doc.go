// Package prom reads hosts' health from a Prometheus server that already
// scrapes their node_exporter, through the Prometheus HTTP API, so a fleet
// of hundreds is watched without a probe per host. It gives the same
// probe.Snapshot the SSH probe gives: a field Prometheus has no series for
// is missing with the reason, never a zero.
//
// A Source is one server and the label matchers of its node_exporter
// targets. Targets lists them (from up); Snapshots reads many instances
// with a few batched instant queries (the raw node_* series, the CPU
// counters summed per mode, failed systemd units and GPU series), not one
// query per host or per field; Host is one instance with a Probe method,
// so it serves wherever a single host's prober is wanted.
//
// It speaks to the API with net/http and encoding/json:
// github.com/prometheus/client_golang/api would bring nine modules
// (protobuf, json-iterator, reflect2, prometheus/common among them) and
// about 6 MB of binary to decode one JSON shape, and its model types would
// still need converting into the snapshot.
//
// Everything Prometheus returns is untrusted: label values are cleaned of
// escape sequences and controls before they enter a snapshot, answers are
// bounded in size (MaxResponse) and time (Source.Timeout), a redirect is
// followed only within the configured scheme, host and port (the query,
// and any credentials, never reach another server: RedirectError), and a
// server that is down, slow, or answers garbage or an error gives one
// sentence naming its URL with any credentials masked.
package prom
