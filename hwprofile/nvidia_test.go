package hwprofile

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestParseNvidiaSMI(t *testing.T) {
	tests := []struct {
		name    string
		file    string
		want    []GPU
		wantErr string // substring; "" means no error
	}{
		{
			name: "one GPU",
			file: "nvidia-smi/one-gpu.csv",
			want: []GPU{{Index: 0, Vendor: "NVIDIA", Name: "NVIDIA GeForce RTX 4090", VRAMTotalBytes: 24564 * mib,
				VRAMFreeBytes: 22560 * mib, Driver: "nvidia 550.54.15", PCIAddress: "0000:01:00.0", Source: "nvidia-smi"}},
		},
		{
			// Recorded on a real H200 (driver 580.159.04, in a container).
			name: "H200",
			file: "nvidia-smi/h200.csv",
			want: []GPU{{Index: 0, Vendor: "NVIDIA", Name: "NVIDIA H200", VRAMTotalBytes: 143771 * mib,
				VRAMFreeBytes: 143156 * mib, Driver: "nvidia 580.159.04", PCIAddress: "0000:00:06.0", Source: "nvidia-smi"}},
		},
		{
			name: "two GPUs",
			file: "nvidia-smi/two-gpus.csv",
			want: []GPU{
				{Index: 0, Vendor: "NVIDIA", Name: "NVIDIA RTX A6000", VRAMTotalBytes: 49140 * mib, VRAMFreeBytes: 48662 * mib,
					Driver: "nvidia 535.183.01", PCIAddress: "0000:01:00.0", Source: "nvidia-smi"},
				{Index: 1, Vendor: "NVIDIA", Name: "NVIDIA RTX A6000", VRAMTotalBytes: 49140 * mib, VRAMFreeBytes: 30432 * mib,
					Driver: "nvidia 535.183.01", PCIAddress: "0000:21:00.0", Source: "nvidia-smi"},
			},
		},
		{
			name: "memory not available on unified memory",
			file: "nvidia-smi/unified-na.csv",
			want: []GPU{{Index: 0, Vendor: "NVIDIA", Name: "NVIDIA GB10", Driver: "nvidia 580.95.05",
				PCIAddress: "000f:01:00.0", Source: "nvidia-smi"}},
		},
		{
			name: "units left in and a short line: the good line is kept",
			file: "nvidia-smi/malformed.csv",
			want: []GPU{{Index: 1, Vendor: "NVIDIA", Name: "NVIDIA GeForce RTX 3090", VRAMTotalBytes: 24576 * mib,
				VRAMFreeBytes: 23961 * mib, Driver: "nvidia 545.29.06", PCIAddress: "0000:02:00.0", Source: "nvidia-smi"}},
			wantErr: `line 1: memory.total "24576 MiB" is not a number of MiB` + "\n" + `line 3: want 7 comma-separated fields, got 3`,
		},
		{
			name:    "driver failure message",
			file:    "nvidia-smi/driver-failed.txt",
			wantErr: "line 1: want 7 comma-separated fields, got 1",
		},
		{name: "empty output", file: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out []byte
			if tt.file != "" {
				out = readTestdata(t, tt.file)
			}
			got, err := parseNvidiaSMI(out)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("parseNvidiaSMI() = %+v; want %+v", got, tt.want)
			}
			checkErr(t, err, tt.wantErr)
		})
	}
}

// checkErr checks that err contains want, or is nil when want is "".
func checkErr(t *testing.T, err error, want string) {
	t.Helper()
	switch {
	case want == "" && err != nil:
		t.Errorf("error = %v; want none", err)
	case want != "" && err == nil:
		t.Errorf("error = nil; want %q", want)
	case want != "" && !strings.Contains(err.Error(), want):
		t.Errorf("error = %q; want it to contain %q", err, want)
	}
}

func TestNvidiaGPUsProblems(t *testing.T) {
	tests := []struct {
		name        string
		tools       fakeTools
		wantGPUs    int
		wantProblem string
	}{
		{"not installed", fakeTools{}, 0, "nvidia-smi not in PATH"},
		{"driver not loaded", fakeTools{"nvidia-smi": {file: "nvidia-smi/driver-failed.txt", err: errors.New("exit status 9")}},
			0, "nvidia-smi failed: exit status 9"},
		{"no GPU listed", fakeTools{"nvidia-smi": {}}, 0, "nvidia-smi lists no GPU"},
		{"partly malformed", fakeTools{"nvidia-smi": {file: "nvidia-smi/malformed.csv"}}, 1, "reading nvidia-smi output: line 1"},
		{"two GPUs", fakeTools{"nvidia-smi": {file: "nvidia-smi/two-gpus.csv"}}, 2, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gpus, problem := nvidiaGPUs(context.Background(), tt.tools.run)
			if len(gpus) != tt.wantGPUs {
				t.Errorf("nvidiaGPUs() found %d GPUs; want %d", len(gpus), tt.wantGPUs)
			}
			if !strings.HasPrefix(problem, tt.wantProblem) || (tt.wantProblem == "") != (problem == "") {
				t.Errorf("nvidiaGPUs() problem = %q; want it to start with %q", problem, tt.wantProblem)
			}
		})
	}
}

func TestNormalizePCIAddress(t *testing.T) {
	tests := []struct{ in, want string }{
		{"00000000:01:00.0", "0000:01:00.0"},
		{"0000000F:C1:00.0", "000f:c1:00.0"},
		{"0000:21:00.0", "0000:21:00.0"},
		{"01:00.0", "0000:01:00.0"},
		{"", ""},
		{"garbage", "garbage"},
		{"XYZ:01:00.0", "xyz:01:00.0"},
	}
	for _, tt := range tests {
		if got := normalizePCIAddress(tt.in); got != tt.want {
			t.Errorf("normalizePCIAddress(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}
