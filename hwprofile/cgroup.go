package hwprofile

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
)

// containerSystems are the virtualization systems gopsutil reports that are
// containers sharing the host's kernel rather than virtual machines.
var containerSystems = map[string]bool{
	"docker": true, "podman": true, "lxc": true, "containerd": true, "rkt": true,
	"systemd-nspawn": true, "openvz": true, "linux-vserver": true,
}

// virtualizationNote explains what running as a guest means for the figures.
func virtualizationNote(system string) string {
	if containerSystems[system] {
		return fmt.Sprintf("running in a %s container: CPU and RAM are the host's, less any container limits noted here", system)
	}
	return fmt.Sprintf("running as a %s guest: figures describe the virtual machine, not its host", system)
}

// cgroupNotes reports memory and CPU limits of the control group plan runs in
// (cgroup v2 files first, then v1) when they are below what the machine has.
func cgroupNotes(root string, m Memory, c CPU) []string {
	fs := filepath.Join(root, "sys", "fs", "cgroup")
	var notes []string
	limit := cgroupMemoryLimit(fs)
	if limit > 0 && limit < m.TotalBytes {
		notes = append(notes, fmt.Sprintf("memory limited to %s by the control group (of %s RAM)", GiB(limit), GiB(m.TotalBytes)))
	}
	cores := cgroupCPULimit(fs)
	if cores > 0 && cores < float64(c.LogicalCores) {
		notes = append(notes, fmt.Sprintf("CPU time limited to %.1f cores by the control group (of %d logical cores)", cores, c.LogicalCores))
	}
	return notes
}

// cgroupMemoryLimit reads memory.max (v2) or memory/memory.limit_in_bytes
// (v1); 0 means no limit.
func cgroupMemoryLimit(fs string) uint64 {
	for _, path := range []string{"memory.max", "memory/memory.limit_in_bytes"} {
		if v, err := readUint(filepath.Join(fs, path)); err == nil {
			return v
		}
	}
	return 0
}

// cgroupCPULimit reads cpu.max "quota period" (v2) or cpu/cpu.cfs_quota_us and
// cpu.cfs_period_us (v1) as a number of cores; 0 means no limit.
func cgroupCPULimit(fs string) float64 {
	if f := strings.Fields(readTrimmed(filepath.Join(fs, "cpu.max"))); len(f) == 2 {
		return ratio(f[0], f[1])
	}
	return ratio(readTrimmed(filepath.Join(fs, "cpu", "cpu.cfs_quota_us")),
		readTrimmed(filepath.Join(fs, "cpu", "cpu.cfs_period_us")))
}

// ratio divides two decimal numbers; anything else ("max", "-1", "") is 0.
func ratio(quota, period string) float64 {
	q, err1 := strconv.ParseFloat(quota, 64)
	p, err2 := strconv.ParseFloat(period, 64)
	if err1 != nil || err2 != nil || q <= 0 || p <= 0 {
		return 0
	}
	return q / p
}
