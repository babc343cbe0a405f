package hwprofile

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// gpuLine is what a test checks of a GPU.
func gpuLine(g GPU) string {
	return fmt.Sprintf("%d %s | %s | %d MiB total, %d MiB free | %s | %s | %s",
		g.Index, g.Vendor, g.Name, g.VRAMTotalBytes>>20, g.VRAMFreeBytes>>20, g.Driver, g.PCIAddress, g.Source)
}

func TestDetectGPUs(t *testing.T) {
	noEnv := func(string) string { return "" }
	tests := []struct {
		name       string
		root       string // testdata/roots spec; "" means an empty directory
		tools      fakeTools
		getenv     func(string) string
		want       []string // gpuLine of each GPU
		wantNotes  []string // each note must contain one of these, in order
		pciIDsFile bool     // use testdata/pci.ids through ghw
	}{
		{
			name:  "two NVIDIA GPUs from nvidia-smi, BMC display noted",
			root:  "nvidia-a6000x2",
			tools: fakeTools{"nvidia-smi": {file: "nvidia-smi/two-gpus.csv"}},
			want: []string{
				"0 NVIDIA | NVIDIA RTX A6000 | 49140 MiB total, 48662 MiB free | nvidia 535.183.01 | 0000:01:00.0 | nvidia-smi",
				"1 NVIDIA | NVIDIA RTX A6000 | 49140 MiB total, 30432 MiB free | nvidia 535.183.01 | 0000:21:00.0 | nvidia-smi",
			},
			wantNotes: []string{"ASPEED device 1a03:2000 at 0000:02:00.0 is a virtual or management display adapter, not an inference GPU; ignored",
				"PCI names not looked up"},
		},
		{
			name:  "NVIDIA on the PCI bus but no nvidia-smi",
			root:  "nvidia-a6000x2",
			tools: fakeTools{},
			want: []string{
				"0 NVIDIA | NVIDIA device 10de:2230 | 0 MiB total, 0 MiB free | nvidia | 0000:01:00.0 | sysfs",
				"1 NVIDIA | NVIDIA device 10de:2230 | 0 MiB total, 0 MiB free | nvidia | 0000:21:00.0 | sysfs",
			},
			wantNotes: []string{"not an inference GPU", "PCI names not looked up",
				"VRAM of NVIDIA device 10de:2230 at 0000:01:00.0 unknown (nvidia-smi not in PATH); use --gpu NAME --vram GB to describe it",
				"VRAM of NVIDIA device 10de:2230 at 0000:21:00.0 unknown (nvidia-smi not in PATH)"},
		},
		{
			name:  "NVIDIA driver not loaded",
			root:  "nvidia-a6000x2",
			tools: fakeTools{"nvidia-smi": {file: "nvidia-smi/driver-failed.txt", err: errors.New("exit status 9")}},
			want: []string{
				"0 NVIDIA | NVIDIA device 10de:2230 | 0 MiB total, 0 MiB free | nvidia | 0000:01:00.0 | sysfs",
				"1 NVIDIA | NVIDIA device 10de:2230 | 0 MiB total, 0 MiB free | nvidia | 0000:21:00.0 | sysfs",
			},
			wantNotes: []string{"not an inference GPU", "PCI names not looked up",
				"unknown (nvidia-smi failed: exit status 9)", "unknown (nvidia-smi failed: exit status 9)"},
		},
		{
			name:  "partly malformed nvidia-smi output",
			root:  "nvidia-a6000x2",
			tools: fakeTools{"nvidia-smi": {file: "nvidia-smi/malformed.csv"}},
			want: []string{
				"0 NVIDIA | NVIDIA GeForce RTX 3090 | 24576 MiB total, 23961 MiB free | nvidia 545.29.06 | 0000:02:00.0 | nvidia-smi",
			},
			wantNotes: []string{"not an inference GPU", "PCI names not looked up", "reading nvidia-smi output: line 1"},
		},
		{
			name:   "PCI names from ghw and the local pci.ids",
			root:   "nvidia-a6000x2",
			getenv: noEnv, pciIDsFile: true,
			want: []string{
				"0 NVIDIA | NVIDIA RTX A6000 | 0 MiB total, 0 MiB free | nvidia | 0000:01:00.0 | ghw",
				"1 NVIDIA | NVIDIA RTX A6000 | 0 MiB total, 0 MiB free | nvidia | 0000:21:00.0 | ghw",
			},
			wantNotes: []string{"not an inference GPU", "VRAM of NVIDIA RTX A6000 at 0000:01:00.0 unknown", "VRAM of NVIDIA RTX A6000"},
		},
		{
			name:   "network fetch asked for in the environment: ghw not used",
			root:   "nvidia-a6000x2",
			getenv: func(k string) string { return map[string]string{"PCIDB_ENABLE_NETWORK_FETCH": "1"}[k] },
			want: []string{
				"0 NVIDIA | NVIDIA device 10de:2230 | 0 MiB total, 0 MiB free | nvidia | 0000:01:00.0 | sysfs",
				"1 NVIDIA | NVIDIA device 10de:2230 | 0 MiB total, 0 MiB free | nvidia | 0000:21:00.0 | sysfs",
			},
			wantNotes: []string{"not an inference GPU", "PCI names not looked up: PCIDB_ENABLE_NETWORK_FETCH", "unknown", "unknown"},
		},
		{
			name: "AMD VRAM from sysfs, QEMU VGA noted",
			root: "amd-rx7900xtx",
			want: []string{
				"0 AMD | AMD GPU 0x744c | 24560 MiB total, 23280 MiB free | amdgpu | 0000:03:00.0 | sysfs",
			},
			wantNotes: []string{"QEMU device 1234:1111 at 0000:00:02.0 is a virtual or management display adapter", "PCI names not looked up"},
		},
		{
			name:   "AMD names from ghw, VRAM from sysfs",
			root:   "amd-rx7900xtx",
			getenv: noEnv, pciIDsFile: true,
			want: []string{
				"0 AMD | AMD Radeon RX 7900 XT/7900 XTX/7900 GRE/7900M | 24560 MiB total, 23280 MiB free | amdgpu | 0000:03:00.0 | sysfs",
			},
			wantNotes: []string{"QEMU device 1234:1111 at 0000:00:02.0 is a virtual"},
		},
		{
			name:  "AMD VRAM from rocm-smi when sysfs has none",
			root:  "amd-mi210-no-sysfs",
			tools: fakeTools{"rocm-smi": {file: "rocm-smi/mi210x2-rocm6.json"}},
			want: []string{
				"0 AMD | AMD Instinct MI210 | 65520 MiB total, 65509 MiB free |  |  | rocm-smi",
				"1 AMD | AMD Instinct MI210 | 65520 MiB total, 45040 MiB free |  |  | rocm-smi",
			},
			wantNotes: []string{"ASPEED device", "PCI names not looked up"},
		},
		{
			name: "AMD on the PCI bus, no VRAM anywhere",
			root: "amd-mi210-no-sysfs",
			want: []string{
				"0 AMD | AMD device 1002:740f | 0 MiB total, 0 MiB free |  | 0000:c1:00.0 | sysfs",
				"1 AMD | AMD device 1002:740f | 0 MiB total, 0 MiB free |  | 0000:c2:00.0 | sysfs",
			},
			wantNotes: []string{"ASPEED device", "PCI names not looked up",
				"unknown (no AMD VRAM in /sys/class/drm (no cards); rocm-smi not in PATH)", "unknown"},
		},
		{
			name: "Intel integrated GPU",
			root: "intel-igpu",
			want: []string{
				"0 Intel | Intel device 8086:a780 | 0 MiB total, 0 MiB free | i915 | 0000:00:02.0 | sysfs",
			},
			wantNotes: []string{"PCI names not looked up", "an integrated Intel GPU shares system RAM"},
		},
		{
			name: "headless machine",
			root: "headless",
			wantNotes: []string{"no GPU found: no GPU on the PCI bus; nvidia-smi not in PATH; no AMD VRAM in /sys/class/drm (no cards); " +
				"rocm-smi not in PATH; use --gpu NAME --vram GB to describe one"},
		},
		{
			name:      "empty sysfs",
			wantNotes: []string{"no GPU found: PCI bus not readable (listing PCI devices: open "},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.pciIDsFile {
				t.Setenv("PCIDB_PATH", "testdata/pci.ids")
			}
			root := t.TempDir()
			if tt.root != "" {
				root = buildRoot(t, tt.root)
			}
			tools := tt.tools
			if tools == nil {
				tools = fakeTools{}
			}
			d := newDetector(Options{Root: root, Run: tools.run, Getenv: tt.getenv, GOOS: "linux"})
			gpus := d.detectGPUs(context.Background())
			var got []string
			for _, g := range gpus {
				got = append(got, gpuLine(g))
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("GPUs:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
			checkNotes(t, d.notes, tt.wantNotes)
		})
	}
}

// checkNotes checks that there are as many notes as wanted and each contains
// the wanted text.
func checkNotes(t *testing.T, notes, want []string) {
	t.Helper()
	ok := len(notes) == len(want)
	for i := 0; ok && i < len(want); i++ {
		ok = strings.Contains(notes[i], want[i])
	}
	if !ok {
		t.Errorf("notes:\n  %s\nwant notes containing:\n  %s", strings.Join(notes, "\n  "), strings.Join(want, "\n  "))
	}
}

func TestDetectGPUsToolTimeout(t *testing.T) {
	hang := func(ctx context.Context, name string, _ ...string) ([]byte, error) {
		<-ctx.Done()
		return nil, ctx.Err()
	}
	d := newDetector(Options{Root: t.TempDir(), Run: hang, GOOS: "windows", ToolTimeout: 10 * time.Millisecond})
	if gpus := d.detectGPUs(context.Background()); len(gpus) != 0 {
		t.Errorf("detectGPUs() = %+v; want none", gpus)
	}
	want := "no GPU found: PCI bus not scanned on windows; nvidia-smi failed: no answer within 10ms: context deadline exceeded; " +
		"no AMD VRAM in /sys/class/drm (no cards); rocm-smi failed: no answer within 10ms"
	checkNotes(t, d.notes, []string{want})
}
