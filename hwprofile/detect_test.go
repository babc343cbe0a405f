package hwprofile

import (
	"context"
	"errors"
	"os"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

var fixedTime = time.Date(2026, 3, 14, 15, 9, 26, 0, time.UTC)

func TestDetectFakeLinux(t *testing.T) {
	tools := fakeTools{"nvidia-smi": {file: "nvidia-smi/one-gpu.csv"}}
	p, err := Detect(context.Background(), Options{
		Root: buildRoot(t, "epyc-vm"), Run: tools.run, GOOS: "linux", PlanVersion: "v0.1.0",
		Now: func() time.Time { return fixedTime.Add(500 * time.Millisecond) },
	})
	if err != nil {
		t.Fatalf("Detect() error = %v", err)
	}
	wantCPU := CPU{Model: "AMD EPYC", Vendor: "AuthenticAMD", Sockets: 1, PhysicalCores: 2, LogicalCores: 2,
		Features: []string{"avx", "avx2", "fma", "f16c", "avx_vnni", "avx512f", "avx512bw", "avx512vl", "avx512_vnni", "avx512_bf16"},
		Source:   "ghw"}
	if !equalCPU(p.CPU, wantCPU) {
		t.Errorf("CPU = %+v; want %+v", p.CPU, wantCPU)
	}
	if p.Memory.TotalBytes != 24683620*1024 || p.Memory.Source != "gopsutil" {
		t.Errorf("Memory = %+v; want MemTotal of testdata/procfs/epyc-vm-meminfo.txt from gopsutil", p.Memory)
	}
	if len(p.GPUs) != 1 || p.GPUs[0].Source != "nvidia-smi" || p.GPUs[0].Name != "NVIDIA GeForce RTX 4090" {
		t.Errorf("GPUs = %+v; want the RTX 4090 nvidia-smi reports", p.GPUs)
	}
	if p.Platform != "debian 12" {
		t.Errorf("Platform = %q; want debian 12 from etc/os-release", p.Platform)
	}
	if p.SchemaVersion != SchemaVersion || p.PlanVersion != "v0.1.0" || !p.Time.Equal(fixedTime) || p.OS != "linux" {
		t.Errorf("Detect() header = %d %q %v %q; want schema %d, v0.1.0, %v, linux",
			p.SchemaVersion, p.PlanVersion, p.Time, p.OS, SchemaVersion, fixedTime)
	}
}

func equalCPU(a, b CPU) bool {
	return a.Model == b.Model && a.Vendor == b.Vendor && a.Sockets == b.Sockets && a.PhysicalCores == b.PhysicalCores &&
		a.LogicalCores == b.LogicalCores && slices.Equal(a.Features, b.Features) && a.Source == b.Source
}

func TestDetectMac(t *testing.T) {
	tools := fakeTools{"sysctl": {file: "sysctl/m2-max-96g.txt", err: errors.New("exit status 1")}}
	p, err := Detect(context.Background(), Options{Root: buildRoot(t, "epyc-vm"), Run: tools.run, GOOS: "darwin"})
	if err != nil {
		t.Fatalf("Detect() error = %v", err)
	}
	if p.CPU.Model != "Apple M2 Max" || p.CPU.LogicalCores != 12 || p.CPU.Source != "sysctl" {
		t.Errorf("CPU = %+v; want Apple M2 Max, 12 cores, from sysctl", p.CPU)
	}
	if p.Platform != "macOS 14.5" || p.Kernel != "23.5.0" {
		t.Errorf("Platform, Kernel = %q, %q; want macOS 14.5, 23.5.0", p.Platform, p.Kernel)
	}
	if len(p.GPUs) != 1 || p.GPUs[0].VRAMTotalBytes != 72*gib || !p.GPUs[0].UnifiedMemory {
		t.Errorf("GPUs = %+v; want one Apple GPU with 72 GiB of unified memory", p.GPUs)
	}
	if !slices.ContainsFunc(p.Notes, func(n string) bool { return strings.Contains(n, "the macOS default") }) {
		t.Errorf("Notes = %q; want the note on the GPU memory limit", p.Notes)
	}
}

func TestDetectMacWithoutSysctl(t *testing.T) {
	p, err := Detect(context.Background(), Options{Root: buildRoot(t, "epyc-vm"), Run: fakeTools{}.run, GOOS: "darwin"})
	if err != nil {
		t.Fatalf("Detect() error = %v", err)
	}
	want := []string{"sysctl: exec: \"sysctl\": executable file not found", "CPU from gopsutil",
		"no GPU found: only Apple silicon GPUs"}
	checkNotes(t, p.Notes, want)
}

func TestDetectOverride(t *testing.T) {
	calls := 0
	run := func(context.Context, string, ...string) ([]byte, error) {
		calls++
		return nil, errors.New("not expected")
	}
	p, err := Detect(context.Background(), Options{
		Root: buildRoot(t, "nvidia-a6000x2"), Run: run, GOOS: "linux",
		GPU: GPUOverride{Name: "NVIDIA GeForce RTX 4090", VRAMBytes: 24 * gib, Count: 2},
	})
	if err != nil {
		t.Fatalf("Detect() error = %v", err)
	}
	if calls != 0 {
		t.Errorf("Detect() ran %d tools; want none when the GPUs are given", calls)
	}
	var got []string
	for _, g := range p.GPUs {
		got = append(got, gpuLine(g))
	}
	want := []string{
		"0 NVIDIA | NVIDIA GeForce RTX 4090 | 24576 MiB total, 0 MiB free |  |  | override",
		"1 NVIDIA | NVIDIA GeForce RTX 4090 | 24576 MiB total, 0 MiB free |  |  | override",
	}
	if !slices.Equal(got, want) {
		t.Errorf("GPUs:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if !slices.Contains(p.Notes, "GPUs not detected but given: 2× NVIDIA GeForce RTX 4090 24.0 GiB") {
		t.Errorf("Notes = %q; want the override noted", p.Notes)
	}
}

func TestDetectErrors(t *testing.T) {
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name    string
		ctx     context.Context
		opts    Options
		wantErr string
	}{
		{"override without VRAM", context.Background(), Options{GPU: GPUOverride{Name: "RTX 4090"}}, `GPU override "RTX 4090" needs its VRAM`},
		{"override without name", context.Background(), Options{GPU: GPUOverride{VRAMBytes: gib}}, "GPU override needs a name"},
		{"negative count", context.Background(), Options{GPU: GPUOverride{Name: "x", VRAMBytes: 1, Count: -1}}, "count -1 is negative"},
		{"cancelled", cancelled, Options{Run: fakeTools{}.run, Root: t.TempDir()}, "detecting hardware: context canceled"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Detect(tt.ctx, tt.opts)
			checkErr(t, err, tt.wantErr)
		})
	}
}

func TestGuessVendor(t *testing.T) {
	tests := []struct{ name, want string }{
		{"NVIDIA GeForce RTX 4090", "NVIDIA"},
		{"RTX 3090", "NVIDIA"},
		{"H100-80GB", "NVIDIA"},
		{"AMD Instinct MI300X", "AMD"},
		{"Radeon RX 7900 XTX", "AMD"},
		{"Apple M3 Max", "Apple"},
		{"Intel Arc A770", "Intel"},
		{"Mystery Accelerator", ""},
	}
	for _, tt := range tests {
		if got := guessVendor(tt.name); got != tt.want {
			t.Errorf("guessVendor(%q) = %q; want %q", tt.name, got, tt.want)
		}
	}
}

// TestDetectThisMachine checks Detect against what the Go runtime and the
// kernel say about this machine.
func TestDetectThisMachine(t *testing.T) {
	start := time.Now()
	p, err := Detect(context.Background(), Options{Getenv: os.Getenv})
	if err != nil {
		t.Fatalf("Detect() error = %v", err)
	}
	t.Logf("%s in %v; notes: %q", p.Summary(), time.Since(start), p.Notes)
	if p.CPU.LogicalCores != runtime.NumCPU() {
		t.Errorf("CPU.LogicalCores = %d; want runtime.NumCPU() = %d", p.CPU.LogicalCores, runtime.NumCPU())
	}
	if p.Memory.TotalBytes == 0 || p.Memory.AvailableBytes > p.Memory.TotalBytes {
		t.Errorf("Memory = %+v; want a total and no more available than that", p.Memory)
	}
	if p.OS != runtime.GOOS || p.Arch != runtime.GOARCH {
		t.Errorf("OS/Arch = %s/%s; want %s/%s", p.OS, p.Arch, runtime.GOOS, runtime.GOARCH)
	}
}

// BenchmarkDetect measures a whole detection on this machine (without the
// bandwidth measurement), which plan profile must finish in well under a second.
func BenchmarkDetect(b *testing.B) {
	ctx := context.Background()
	for b.Loop() {
		if _, err := Detect(ctx, Options{Getenv: os.Getenv}); err != nil {
			b.Fatal(err)
		}
	}
}
