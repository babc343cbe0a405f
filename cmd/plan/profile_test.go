package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/plan-cli/plan/hwprofile"
	"github.com/plan-cli/plan/internal/output"
)

const gib = 1 << 30

// runCLI runs a plan command line with an empty environment and no terminal.
func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errOut, getenv: func(string) string { return "" }}
	code = run(context.Background(), args, e)
	return code, out.String(), errOut.String()
}

// sampleProfiles are fixed profiles for the golden files.
var sampleProfiles = map[string]hwprofile.Profile{
	"workstation": {
		SchemaVersion: 1, Time: time.Date(2026, 3, 14, 15, 9, 26, 0, time.UTC), PlanVersion: "v0.1.0",
		OS: "linux", Arch: "amd64", Platform: "ubuntu 24.04", Kernel: "6.8.0-45-generic",
		CPU: hwprofile.CPU{Model: "AMD Ryzen 9 7950X 16-Core Processor", Vendor: "AuthenticAMD", Sockets: 1, PhysicalCores: 16,
			LogicalCores: 32, Features: []string{"avx", "avx2", "fma", "f16c", "avx512f", "avx512_vnni", "avx512_bf16"}, Source: "ghw"},
		Memory: hwprofile.Memory{TotalBytes: 64 * gib, AvailableBytes: 58 * gib, Source: "gopsutil"},
		GPUs: []hwprofile.GPU{
			{Index: 0, Vendor: "NVIDIA", Name: "NVIDIA GeForce RTX 4090", VRAMTotalBytes: 24564 << 20, VRAMFreeBytes: 22560 << 20,
				Driver: "nvidia 550.54.15", PCIAddress: "0000:01:00.0", Source: "nvidia-smi"},
			{Index: 1, Vendor: "AMD", Name: "AMD Radeon RX 7900 XT/7900 XTX/7900 GRE/7900M", VRAMTotalBytes: 25753026560,
				VRAMFreeBytes: 24410849280, Driver: "amdgpu", PCIAddress: "0000:03:00.0", Source: "sysfs"},
		},
		BandwidthGBPerS: 61.3,
		BandwidthMethod: "copy: bytes read + written per second, 32 goroutines × 2 buffers of 8 MiB, best of 100 passes",
		Notes:           []string{"ASPEED device 1a03:2000 at 0000:05:00.0 is a virtual or management display adapter, not an inference GPU; ignored"},
	},
	"mac": {
		SchemaVersion: 1, Time: time.Date(2026, 3, 14, 15, 9, 26, 0, time.UTC), PlanVersion: "v0.1.0",
		OS: "darwin", Arch: "arm64", Platform: "macOS 14.5", Kernel: "23.5.0",
		CPU: hwprofile.CPU{Model: "Apple M2 Max", Vendor: "Apple", Sockets: 1, PhysicalCores: 12, LogicalCores: 12,
			Features: []string{"asimd", "asimdhp", "asimddp", "i8mm", "bf16"}, Source: "sysctl"},
		Memory: hwprofile.Memory{TotalBytes: 96 * gib, AvailableBytes: 70 * gib, Source: "gopsutil"},
		GPUs: []hwprofile.GPU{{Vendor: "Apple", Name: "Apple M2 Max GPU", VRAMTotalBytes: 72 * gib, VRAMFreeBytes: 70 * gib,
			UnifiedMemory: true, Driver: "Metal", Source: "sysctl"}},
		Notes: []string{"GPU may use about 72.0 GiB (3/4) of the 96.0 GiB unified memory, the macOS default; raise it with sudo sysctl iogpu.wired_limit_mb=N"},
	},
	"vm": {
		SchemaVersion: 1, Time: time.Date(2026, 3, 14, 15, 9, 26, 0, time.UTC), PlanVersion: "devel",
		OS: "linux", Arch: "amd64", Platform: "debian 12.11", Kernel: "6.1.0-26-cloud-amd64", Virtualization: "kvm",
		CPU:    hwprofile.CPU{Model: "AMD EPYC 7B13", Sockets: 1, PhysicalCores: 1, LogicalCores: 2, Features: []string{}, Source: "gopsutil"},
		Memory: hwprofile.Memory{TotalBytes: 25276026880, AvailableBytes: 24763609088, Source: "gopsutil"},
		GPUs:   []hwprofile.GPU{},
		Notes: []string{"CPU from gopsutil: ghw: failed", "no GPU found: no GPU on the PCI bus; nvidia-smi not in PATH; use --gpu NAME --vram GB to describe one",
			"running as a kvm guest: figures describe the virtual machine, not its host"},
	},
}

func TestProfileGolden(t *testing.T) {
	for name, p := range sampleProfiles {
		t.Run(name, func(t *testing.T) {
			var table, js bytes.Buffer
			if err := hwprofile.WriteTable(&table, p); err != nil {
				t.Fatal(err)
			}
			checkGolden(t, "profile-"+name+".golden.txt", table.Bytes())
			if err := output.WriteJSON(&js, p); err != nil {
				t.Fatal(err)
			}
			checkGolden(t, "profile-"+name+".golden.json", js.Bytes())
			back, err := hwprofile.Read(&js)
			if err != nil || !reflect.DeepEqual(back, p) {
				t.Errorf("hwprofile.Read(JSON) = %+v, %v; want the profile back", back, err)
			}
		})
	}
}

// TestProfileThisMachine checks plan profile --format json against what the Go
// runtime and the kernel say (on a 2-core VM with 24 GiB: 2 logical cores and
// 23.5 GiB, the kernel keeping the rest).
func TestProfileThisMachine(t *testing.T) {
	code, stdout, stderr := runCLI(t, "profile", "--format", "json")
	if code != exitOK {
		t.Fatalf("plan profile exited %d; stderr:\n%s", code, stderr)
	}
	var p struct {
		CPU struct {
			LogicalCores int `json:"logical_cores"`
		} `json:"cpu"`
		Memory struct {
			TotalBytes uint64 `json:"total_bytes"`
		} `json:"memory"`
		Notes []string `json:"notes"`
	}
	if err := json.Unmarshal([]byte(stdout), &p); err != nil {
		t.Fatalf("plan profile --format json wrote invalid JSON: %v\n%s", err, stdout)
	}
	t.Logf("%d logical cores, %.1f GiB", p.CPU.LogicalCores, float64(p.Memory.TotalBytes)/gib)
	if p.CPU.LogicalCores != runtime.NumCPU() {
		t.Errorf("cpu.logical_cores = %d; want %d (runtime.NumCPU)", p.CPU.LogicalCores, runtime.NumCPU())
	}
	if want := memTotal(t); want != 0 && p.Memory.TotalBytes != want {
		t.Errorf("memory.total_bytes = %d; want %d (MemTotal in /proc/meminfo)", p.Memory.TotalBytes, want)
	}
	if p.Notes == nil {
		t.Errorf("notes missing from the JSON")
	}
}

// memTotal reads MemTotal from /proc/meminfo, or 0 where there is none.
func memTotal(t *testing.T) uint64 {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if f := strings.Fields(sc.Text()); len(f) == 3 && f[0] == "MemTotal:" {
			kb, err := strconv.ParseUint(f[1], 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return kb * 1024
		}
	}
	return 0
}

func TestProfileUsageErrors(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"bad format", []string{"--format", "yaml"}, `plan: invalid --format "yaml": want table, json`},
		{"vram without gpu", []string{"--vram", "24"}, "plan: --vram needs --gpu NAME"},
		{"gpu-count without gpu", []string{"--gpu-count", "2"}, "plan: --gpu-count needs --gpu NAME"},
		{"gpu without vram", []string{"--gpu", "RTX 4090"}, "plan: --gpu needs --vram GB"},
		{"negative vram", []string{"--gpu", "RTX 4090", "--vram", "-1"}, "plan: invalid --vram -1"},
		{"zero gpus", []string{"--gpu", "RTX 4090", "--vram", "24", "--gpu-count", "0"}, "plan: invalid --gpu-count 0"},
		{"vram not a number", []string{"--gpu", "RTX 4090", "--vram", "lots"}, `plan: invalid argument "lots" for "--vram" flag`},
		{"argument", []string{"extra"}, `plan: unknown command "extra" for "plan profile"`},
		{"unknown flag", []string{"--gpus", "2"}, "plan: unknown flag: --gpus"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, append([]string{"profile"}, tt.args...)...)
			if code != exitUsage {
				t.Errorf("exit code = %d; want %d", code, exitUsage)
			}
			if !strings.HasPrefix(stderr, tt.wantErr) || !strings.Contains(stderr, "Run 'plan profile --help' for usage.") {
				t.Errorf("stderr = %q; want it to start with %q and point to --help", stderr, tt.wantErr)
			}
			if stdout != "" {
				t.Errorf("stdout = %q; want nothing", stdout)
			}
		})
	}
}

func TestProfileOutputFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "h100x8.json")
	code, stdout, stderr := runCLI(t, "profile", "--gpu", "NVIDIA H100 80GB HBM3", "--vram", "80", "--gpu-count", "8", "-o", path)
	if code != exitOK {
		t.Fatalf("exit code = %d; stderr:\n%s", code, stderr)
	}
	if want := "plan: wrote " + path + "\n"; stderr != want || stdout != "" {
		t.Errorf("stdout %q, stderr = %q; want nothing and %q", stdout, stderr, want)
	}
	p, err := hwprofile.Load(path)
	if err != nil {
		t.Fatalf("hwprofile.Load() error = %v", err)
	}
	if len(p.GPUs) != 8 || p.GPUs[7].VRAMTotalBytes != 80*gib || p.GPUs[0].Source != "override" || p.GPUs[0].Vendor != "NVIDIA" {
		t.Errorf("loaded GPUs = %+v; want 8 × 80 GiB from the override", p.GPUs)
	}
}

func TestProfileOutputFileError(t *testing.T) {
	path := filepath.Join(t.TempDir(), "missing", "profile.json")
	code, _, stderr := runCLI(t, "profile", "-o", path)
	if code != exitFailure || !strings.HasPrefix(stderr, "plan: writing "+path+": ") {
		t.Errorf("exit code %d, stderr %q; want 1 and an error naming %s", code, stderr, path)
	}
}

func TestProfileBandwidth(t *testing.T) {
	if testing.Short() {
		t.Skip("measures memory bandwidth for about 1.5 s")
	}
	start := time.Now()
	code, stdout, stderr := runCLI(t, "profile", "--bandwidth", "--format", "json")
	elapsed := time.Since(start)
	if code != exitOK {
		t.Fatalf("exit code = %d; stderr:\n%s", code, stderr)
	}
	var p hwprofile.Profile
	if err := json.Unmarshal([]byte(stdout), &p); err != nil {
		t.Fatal(err)
	}
	t.Logf("%.1f GB/s (%s) in %v", p.BandwidthGBPerS, p.BandwidthMethod, elapsed)
	if p.BandwidthGBPerS <= 0 || !strings.HasPrefix(p.BandwidthMethod, "copy: bytes read + written") {
		t.Errorf("bandwidth = %v (%q); want a measured copy bandwidth", p.BandwidthGBPerS, p.BandwidthMethod)
	}
	if elapsed > 5*time.Second {
		t.Errorf("plan profile --bandwidth took %v; want about 1.5 s", elapsed)
	}
}

// TestProfileHelpDocumentsEveryField checks that --help names every JSON field
// of a profile and every CPU feature plan reports.
func TestProfileHelpDocumentsEveryField(t *testing.T) {
	code, help, _ := runCLI(t, "help", "metrics")
	_, page, _ := runCLI(t, "profile", "--help")
	help += page
	if code != exitOK {
		t.Fatalf("plan help metrics exited %d", code)
	}
	for _, name := range append(jsonNames(reflect.TypeFor[hwprofile.Profile]()), hwprofile.InferenceFeatures()...) {
		if !strings.Contains(help, name) {
			t.Errorf("plan profile --help does not mention %q", name)
		}
	}
	for _, s := range []string{"$ plan profile", "--bandwidth", "--gpu-count", "bytes read + bytes written"} {
		if !strings.Contains(help, s) {
			t.Errorf("plan profile --help does not mention %q", s)
		}
	}
}

// jsonNames lists the JSON field names of a struct type and of the structs in it.
func jsonNames(typ reflect.Type) []string {
	var names []string
	for f := range typ.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" || name == "-" {
			continue
		}
		names = append(names, name)
		elem := f.Type
		if elem.Kind() == reflect.Slice {
			elem = elem.Elem()
		}
		if elem.Kind() == reflect.Struct && elem != reflect.TypeFor[time.Time]() {
			names = append(names, jsonNames(elem)...)
		}
	}
	return names
}
