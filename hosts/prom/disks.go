package prom

import (
	"slices"
	"strings"

	"github.com/macroa/macroa/hosts/probe"
)

// pseudoFS are file system types that hold no data worth watching (df's
// and the probe's list, and the container layers node_exporter reports).
var pseudoFS = map[string]bool{
	"tmpfs": true, "devtmpfs": true, "ramfs": true, "overlay": true, "aufs": true, "squashfs": true,
	"proc": true, "sysfs": true, "cgroup": true, "cgroup2": true, "devpts": true, "mqueue": true,
	"nsfs": true, "autofs": true, "binfmt_misc": true, "tracefs": true, "debugfs": true,
	"securityfs": true, "pstore": true, "efivarfs": true, "fuse.lxcfs": true, "rpc_pipefs": true,
	"configfs": true, "fusectl": true, "hugetlbfs": true, "bpf": true, "iso9660": true,
}

// fsKey names one mounted file system among node_filesystem_* series.
type fsKey struct{ mount, device, fstype string }

func (n *node) disks() probe.Field[[]probe.Disk] {
	byFS := map[fsKey]map[string]float64{}
	seen := false
	for _, name := range []string{"node_filesystem_size_bytes", "node_filesystem_avail_bytes", "node_filesystem_free_bytes",
		"node_filesystem_files", "node_filesystem_files_free", "node_filesystem_device_error"} {
		for _, x := range n.series[name] {
			seen = true
			k := fsKey{x.Labels["mountpoint"], x.Labels["device"], x.Labels["fstype"]}
			if byFS[k] == nil {
				byFS[k] = map[string]float64{}
			}
			byFS[k][strings.TrimPrefix(name, "node_filesystem_")] = x.Value
		}
	}
	if !seen {
		return missing[[]probe.Disk]("no node_filesystem_* series (node_exporter's filesystem collector is off)")
	}
	out := []probe.Disk{}
	for k, v := range byFS {
		if pseudoFS[k.fstype] || k.mount == "" || v["device_error"] == 1 {
			continue
		}
		size, free, avail := v["size_bytes"], v["free_bytes"], v["avail_bytes"]
		if !usable(size) || !usable(free) || !usable(avail) || size == 0 {
			continue
		}
		d := probe.Disk{Mount: clean(k.mount), Device: clean(k.device), Size: asCount(size), Avail: asCount(avail)}
		// df's used: what is not free (the root reserve counts as used).
		d.Used = d.Size - min(asCount(free), d.Size)
		files, ffree := v["files"], v["files_free"]
		if usable(files) && usable(ffree) && files > 0 {
			d.Inodes = asCount(files)
			d.InodesUsed = d.Inodes - min(asCount(ffree), d.Inodes)
			d.InodesKnown = true
		}
		out = append(out, d)
	}
	slices.SortFunc(out, func(a, b probe.Disk) int {
		if c := strings.Compare(a.Mount, b.Mount); c != 0 {
			return c
		}
		return strings.Compare(a.Device, b.Device)
	})
	return measured(out)
}
