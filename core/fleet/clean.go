package fleet

import "github.com/macroa/macroa/hosts/probe"

// cleanNames makes the names a host reports that become an alert's
// subject (units, mount points, GPUs) what the store keeps (s.clean), so
// an alert read back from the store names the same subject the rules do.
func (s *Service) cleanNames(snap probe.Snapshot) probe.Snapshot {
	if snap.FailedUnits.OK {
		units := make([]string, len(snap.FailedUnits.Value))
		for i, u := range snap.FailedUnits.Value {
			units[i] = s.clean(u)
		}
		snap.FailedUnits.Value = units
	}
	if snap.Disks.OK {
		disks := make([]probe.Disk, len(snap.Disks.Value))
		for i, d := range snap.Disks.Value {
			d.Mount = s.clean(d.Mount)
			disks[i] = d
		}
		snap.Disks.Value = disks
	}
	if snap.GPUs.OK {
		gpus := make([]probe.GPU, len(snap.GPUs.Value))
		for i, g := range snap.GPUs.Value {
			g.Name = s.clean(g.Name)
			gpus[i] = g
		}
		snap.GPUs.Value = gpus
	}
	return snap
}
