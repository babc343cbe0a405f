package hwprofile

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseSysctl(t *testing.T) {
	got := parseSysctl([]byte("hw.memsize: 17179869184\nsysctl: unknown oid 'iogpu.wired_limit_mb'\n\nmachdep.cpu.brand_string: Apple M1\nnot a line\n"))
	want := map[string]string{"hw.memsize": "17179869184", "machdep.cpu.brand_string": "Apple M1"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("parseSysctl() = %v; want %v", got, want)
	}
}

func TestCPUFromSysctl(t *testing.T) {
	tests := []struct {
		name    string
		file    string
		want    CPU
		wantErr string
	}{
		{
			name: "M2 Max",
			file: "sysctl/m2-max-96g.txt",
			want: CPU{Model: "Apple M2 Max", Vendor: "Apple", Sockets: 1, PhysicalCores: 12, LogicalCores: 12,
				Features: []string{"asimd", "asimdhp", "asimddp", "i8mm", "bf16"}, Source: "sysctl"},
		},
		{
			name: "M1 has no i8mm or bf16",
			file: "sysctl/m1-16g-ventura.txt",
			want: CPU{Model: "Apple M1", Vendor: "Apple", Sockets: 1, PhysicalCores: 8, LogicalCores: 8,
				Features: []string{"asimd", "asimdhp", "asimddp"}, Source: "sysctl"},
		},
		{
			name: "Intel Mac",
			file: "sysctl/intel-i9-mac.txt",
			want: CPU{Model: "Intel(R) Core(TM) i9-9980HK CPU @ 2.40GHz", Vendor: "GenuineIntel", Sockets: 1,
				PhysicalCores: 8, LogicalCores: 16, Features: []string{"avx", "avx2", "fma"}, Source: "sysctl"},
		},
		{name: "no output", file: "", wantErr: "sysctl: no machdep.cpu.brand_string"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out []byte
			if tt.file != "" {
				out = readTestdata(t, tt.file)
			}
			got, err := cpuFromSysctl(parseSysctl(out))
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("cpuFromSysctl() = %+v; want %+v", got, tt.want)
			}
			checkErr(t, err, tt.wantErr)
		})
	}
}

func TestAppleGPU(t *testing.T) {
	tests := []struct {
		name      string
		file      string
		available uint64
		wantOK    bool
		wantTotal uint64
		wantFree  uint64
		wantNote  string
	}{
		{
			name: "M2 Max 96 GiB, default limit 3/4", file: "sysctl/m2-max-96g.txt", available: 80 * gib,
			wantOK: true, wantTotal: 72 * gib, wantFree: 72 * gib,
			wantNote: "GPU may use about 72.0 GiB (3/4) of the 96.0 GiB unified memory, the macOS default",
		},
		{
			name: "M2 Max with iogpu.wired_limit_mb raised", file: "sysctl/m2-max-96g-wired-limit.txt", available: 40 * gib,
			wantOK: true, wantTotal: 88064 * mib, wantFree: 40 * gib,
			wantNote: "GPU may use 86.0 GiB of the 96.0 GiB unified memory (iogpu.wired_limit_mb=88064)",
		},
		{
			name: "M1 16 GiB before iogpu.wired_limit_mb existed, default 2/3", file: "sysctl/m1-16g-ventura.txt", available: 12 * gib,
			wantOK: true, wantTotal: 17179869184 / 3 * 2, wantFree: 17179869184 / 3 * 2,
			wantNote: "GPU may use about 10.7 GiB (2/3) of the 16.0 GiB unified memory",
		},
		{name: "Intel Mac", file: "sysctl/intel-i9-mac.txt"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, note, ok := appleGPU(parseSysctl(readTestdata(t, tt.file)), tt.available)
			if ok != tt.wantOK || g.VRAMTotalBytes != tt.wantTotal || g.VRAMFreeBytes != tt.wantFree {
				t.Errorf("appleGPU() = %+v, %v; want total %d, free %d, ok %v", g, ok, tt.wantTotal, tt.wantFree, tt.wantOK)
			}
			if ok && (!g.UnifiedMemory || g.Source != "sysctl" || !strings.HasSuffix(g.Name, " GPU")) {
				t.Errorf("appleGPU() = %+v; want a unified-memory GPU from sysctl", g)
			}
			if !strings.HasPrefix(note, tt.wantNote) {
				t.Errorf("appleGPU() note = %q; want it to start with %q", note, tt.wantNote)
			}
		})
	}
}
