package hwprofile

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// sampleProfile is a fixed profile of a made-up workstation with two GPUs.
func sampleProfile() Profile {
	return Profile{
		SchemaVersion: SchemaVersion, Time: fixedTime, PlanVersion: "v0.1.0",
		OS: "linux", Arch: "amd64", Platform: "ubuntu 24.04", Kernel: "6.8.0-45-generic",
		CPU: CPU{Model: "AMD Ryzen 9 7950X 16-Core Processor", Vendor: "AuthenticAMD", Sockets: 1, PhysicalCores: 16,
			LogicalCores: 32, Features: []string{"avx", "avx2", "fma", "f16c", "avx512f", "avx512_vnni", "avx512_bf16"}, Source: "ghw"},
		Memory: Memory{TotalBytes: 64 * gib, AvailableBytes: 58 * gib, Source: "gopsutil"},
		GPUs: []GPU{
			{Index: 0, Vendor: "NVIDIA", Name: "NVIDIA GeForce RTX 4090", VRAMTotalBytes: 24564 * mib, VRAMFreeBytes: 22560 * mib,
				Driver: "nvidia 550.54.15", PCIAddress: "0000:01:00.0", Source: "nvidia-smi"},
			{Index: 1, Vendor: "NVIDIA", Name: "NVIDIA GeForce RTX 4090", VRAMTotalBytes: 24564 * mib, VRAMFreeBytes: 24000 * mib,
				Driver: "nvidia 550.54.15", PCIAddress: "0000:02:00.0", Source: "nvidia-smi"},
		},
		BandwidthGBPerS: 61.3,
		BandwidthMethod: "copy: bytes read + written per second, 32 goroutines × 2 buffers of 8 MiB, best of 100 passes",
		Notes:           []string{"ASPEED device 1a03:2000 at 0000:03:00.0 is a virtual or management display adapter, not an inference GPU; ignored"},
	}
}

func TestSummary(t *testing.T) {
	apple := Profile{
		CPU:    CPU{Model: "Apple M2 Max", PhysicalCores: 12, LogicalCores: 12},
		Memory: Memory{TotalBytes: 96 * gib},
		GPUs:   []GPU{{Name: "Apple M2 Max GPU", VRAMTotalBytes: 72 * gib, UnifiedMemory: true}},
	}
	mixed := Profile{
		CPU:    CPU{Model: "Intel(R) Xeon(R) w5-3435X", PhysicalCores: 16, LogicalCores: 32},
		Memory: Memory{TotalBytes: 128 * gib},
		GPUs: []GPU{{Name: "NVIDIA RTX A6000", VRAMTotalBytes: 48 * gib}, {Name: "NVIDIA GeForce RTX 3090", VRAMTotalBytes: 24 * gib},
			{Name: "NVIDIA RTX A6000", VRAMTotalBytes: 48 * gib}},
	}
	tests := []struct {
		name string
		p    Profile
		want string
	}{
		{"two GPUs and bandwidth", sampleProfile(),
			"AMD Ryzen 9 7950X 16-Core Processor, 16 cores / 32 threads, 64.0 GiB RAM, 2× NVIDIA GeForce RTX 4090 24.0 GiB, 61.3 GB/s"},
		{"no GPU", Profile{CPU: CPU{Model: "AMD EPYC", PhysicalCores: 2, LogicalCores: 2}, Memory: Memory{TotalBytes: 25276026880}},
			"AMD EPYC, 2 cores / 2 threads, 23.5 GiB RAM, no GPU"},
		{"unified memory", apple, "Apple M2 Max, 12 cores / 12 threads, 96.0 GiB RAM, 1× Apple M2 Max GPU 72.0 GiB unified"},
		{"mixed GPUs", mixed, "Intel(R) Xeon(R) w5-3435X, 16 cores / 32 threads, 128.0 GiB RAM, 2× NVIDIA RTX A6000 48.0 GiB + 1× NVIDIA GeForce RTX 3090 24.0 GiB"},
		{"nothing known", Profile{}, "unknown CPU, 0 cores / 0 threads, 0.0 GiB RAM, no GPU"},
	}
	for _, tt := range tests {
		if got := tt.p.Summary(); got != tt.want {
			t.Errorf("%s: Summary() = %q; want %q", tt.name, got, tt.want)
		}
	}
}

func TestProfileJSONGolden(t *testing.T) {
	got, err := json.MarshalIndent(sampleProfile(), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "profile.golden.json", append(got, '\n'))
}

func TestReadRoundTrip(t *testing.T) {
	p, err := Load(filepath.Join("testdata", "profile.golden.json"))
	if err != nil {
		t.Fatalf("Load() error = %v", err)
	}
	if want := sampleProfile(); !reflect.DeepEqual(p, want) {
		t.Errorf("Load() = %+v; want %+v", p, want)
	}
}

func TestReadErrors(t *testing.T) {
	tests := []struct{ name, in, wantErr string }{
		{"not JSON", "CPU: AMD EPYC", "decoding profile JSON: invalid character"},
		{"other JSON", `{"model": "llama3.2:1b"}`, "not a plan profile: no schema_version"},
		{"newer schema", `{"schema_version": 99}`, "profile schema_version 99 is newer than this plan understands (1)"},
		{"wrong type", `{"schema_version": 1, "cpu": {"logical_cores": "two"}}`, "decoding profile JSON: json: cannot unmarshal string"},
		{"empty", "", "decoding profile JSON: EOF"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Read(strings.NewReader(tt.in))
			checkErr(t, err, tt.wantErr)
		})
	}
}

func TestLoadErrorNamesTheFile(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(`{"schema_version": 99}`), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, path, wantErr string }{
		{"missing", filepath.Join(dir, "missing.json"), "reading profile: open " + filepath.Join(dir, "missing.json")},
		{"bad", bad, "reading profile " + bad + ": profile schema_version 99 is newer"},
	}
	for _, tt := range tests {
		_, err := Load(tt.path)
		checkErr(t, err, tt.wantErr)
	}
}

func TestReadIgnoresUnknownFields(t *testing.T) {
	in := bytes.NewBufferString(`{"schema_version": 1, "cpu": {"model": "X", "logical_cores": 4, "cache_bytes": 1}, "future": true}`)
	p, err := Read(in)
	if err != nil || p.CPU.Model != "X" || p.CPU.LogicalCores != 4 {
		t.Errorf("Read() = %+v, %v; want model X with 4 logical cores", p.CPU, err)
	}
}
