package hwprofile

import (
	"testing"
)

func TestCgroupNotes(t *testing.T) {
	machine := Memory{TotalBytes: 32 * gib}
	cpu := CPU{LogicalCores: 8}
	tests := []struct {
		name string
		root string
		want []string
	}{
		{"cgroup v2 limits", "cgroup-v2", []string{
			"memory limited to 8.0 GiB by the control group (of 32.0 GiB RAM)",
			"CPU time limited to 1.5 cores by the control group (of 8 logical cores)",
		}},
		{"cgroup v1 without limits", "cgroup-v1", nil},
		{"no cgroup files", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			if tt.root != "" {
				root = buildRoot(t, tt.root)
			}
			got := cgroupNotes(root, machine, cpu)
			checkNotes(t, got, tt.want)
		})
	}
}

func TestVirtualizationNote(t *testing.T) {
	if got, want := virtualizationNote("docker"), "running in a docker container"; got[:len(want)] != want {
		t.Errorf("virtualizationNote(docker) = %q; want it to start with %q", got, want)
	}
	if got, want := virtualizationNote("kvm"), "running as a kvm guest: figures describe the virtual machine, not its host"; got != want {
		t.Errorf("virtualizationNote(kvm) = %q; want %q", got, want)
	}
}
