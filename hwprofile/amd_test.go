package hwprofile

import (
	"context"
	"reflect"
	"strings"
	"testing"
)

func TestParseRocmSMI(t *testing.T) {
	mi210 := func(i int, free uint64) GPU {
		return GPU{Index: i, Vendor: "AMD", Name: "AMD Instinct MI210", VRAMTotalBytes: 68702699520,
			VRAMFreeBytes: free, Source: "rocm-smi"}
	}
	tests := []struct {
		name    string
		file    string
		want    []GPU
		wantErr string
	}{
		{
			name: "ROCm 6, two cards",
			file: "rocm-smi/mi210x2-rocm6.json",
			want: []GPU{mi210(0, 68702699520-10960896), mi210(1, 68702699520-21474836480)},
		},
		{
			name: "ROCm 5 key spelling, warning before the JSON, system object",
			file: "rocm-smi/rx7900xtx-rocm5.json",
			want: []GPU{{Vendor: "AMD", Name: "AMD Radeon RX 7900 XT/7900 XTX/7900M", VRAMTotalBytes: 25753026560,
				VRAMFreeBytes: 25753026560 - 1342177280, Source: "rocm-smi"}},
		},
		{name: "VRAM not a number", file: "rocm-smi/vram-na.json", wantErr: `card0: VRAM Total Memory (B) "N/A" is not a number of bytes`},
		{name: "no JSON", file: "rocm-smi/no-json.txt", wantErr: "no JSON object"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseRocmSMI(readTestdata(t, tt.file))
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("parseRocmSMI() = %+v; want %+v", got, tt.want)
			}
			checkErr(t, err, tt.wantErr)
		})
	}
}

func TestParseRocmSMIBroken(t *testing.T) {
	tests := []struct{ name, in, wantErr string }{
		{"truncated", `{"card0": {"VRAM Total Memory (B)": "1`, "decoding JSON"},
		{"card is not an object", `{"card0": "gone"}`, "card0: decoding JSON"},
		{"empty object", `{}`, ""},
		{"cards sorted by number", `{"card10": {"VRAM Total Memory (B)": "2"}, "card2": {"VRAM Total Memory (B)": "1"}}`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gpus, err := parseRocmSMI([]byte(tt.in))
			checkErr(t, err, tt.wantErr)
			if tt.name == "cards sorted by number" && (len(gpus) != 2 || gpus[0].VRAMTotalBytes != 1) {
				t.Errorf("parseRocmSMI() = %+v; want card2 first", gpus)
			}
		})
	}
}

func TestAMDSysfsGPUs(t *testing.T) {
	tests := []struct {
		name        string
		root        string // testdata/roots spec; "" means an empty directory
		want        []GPU
		wantProblem string
	}{
		{
			name: "RX 7900 XTX next to a QEMU VGA and a connector",
			root: "amd-rx7900xtx",
			want: []GPU{{Vendor: "AMD", Name: "AMD GPU 0x744c", VRAMTotalBytes: 25753026560,
				VRAMFreeBytes: 25753026560 - 1342177280, Driver: "amdgpu", PCIAddress: "0000:03:00.0", Source: "sysfs"}},
		},
		{name: "AMD cards without VRAM files", root: "amd-mi210-no-sysfs", wantProblem: "no AMD VRAM in /sys/class/drm (no cards)"},
		{name: "empty sysfs", wantProblem: "no AMD VRAM in /sys/class/drm (no cards)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			if tt.root != "" {
				root = buildRoot(t, tt.root)
			}
			got, problem := amdSysfsGPUs(root)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("amdSysfsGPUs() = %+v; want %+v", got, tt.want)
			}
			if problem != tt.wantProblem {
				t.Errorf("amdSysfsGPUs() problem = %q; want %q", problem, tt.wantProblem)
			}
		})
	}
}

func TestRocmGPUsProblems(t *testing.T) {
	tests := []struct {
		name, wantProblem string
		tools             fakeTools
	}{
		{"not installed", "rocm-smi not in PATH", fakeTools{}},
		{"no JSON", "reading rocm-smi output: no JSON object", fakeTools{"rocm-smi": {file: "rocm-smi/no-json.txt"}}},
		{"malformed", `reading rocm-smi output: card0: VRAM Total Memory (B) "N/A"`, fakeTools{"rocm-smi": {file: "rocm-smi/vram-na.json"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, problem := rocmGPUs(context.Background(), tt.tools.run); !strings.HasPrefix(problem, tt.wantProblem) {
				t.Errorf("rocmGPUs() problem = %q; want %q", problem, tt.wantProblem)
			}
		})
	}
}
