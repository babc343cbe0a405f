package hwprofile

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// addSeeds adds the recorded outputs in testdata/dir as fuzz seeds.
func addSeeds(f *testing.F, dir string) {
	files, err := filepath.Glob(filepath.Join("testdata", dir, "*"))
	if err != nil {
		f.Fatal(err)
	}
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

func FuzzParseNvidiaSMI(f *testing.F) {
	addSeeds(f, "nvidia-smi")
	f.Fuzz(func(t *testing.T, out []byte) {
		gpus, _ := parseNvidiaSMI(out)
		for _, g := range gpus {
			if g.Source != SourceNvidiaSMI || g.Name == "" {
				t.Errorf("parseNvidiaSMI(%q) gave %+v", out, g)
			}
		}
	})
}

func FuzzParseRocmSMI(f *testing.F) {
	addSeeds(f, "rocm-smi")
	f.Fuzz(func(t *testing.T, out []byte) {
		gpus, err := parseRocmSMI(out)
		for _, g := range gpus {
			if err != nil || g.VRAMFreeBytes > g.VRAMTotalBytes {
				t.Errorf("parseRocmSMI(%q) gave %+v, %v", out, g, err)
			}
		}
	})
}

func FuzzSysctl(f *testing.F) {
	addSeeds(f, "sysctl")
	f.Fuzz(func(t *testing.T, out []byte) {
		vals := parseSysctl(out)
		if g, _, ok := appleGPU(vals, 1<<40); ok && (g.VRAMTotalBytes > sysctlInt(vals, "hw.memsize") || g.VRAMTotalBytes == 0) {
			t.Errorf("appleGPU(%q) = %+v; want at most hw.memsize", out, g)
		}
		_, _ = cpuFromSysctl(vals)
	})
}

func FuzzRead(f *testing.F) {
	f.Add(readTestdataF(f, "profile.golden.json"))
	f.Add([]byte(`{"schema_version": 1}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		p, err := Read(bytes.NewReader(in))
		if err == nil && (p.SchemaVersion < 1 || p.SchemaVersion > SchemaVersion) {
			t.Errorf("Read(%q) accepted schema_version %d", in, p.SchemaVersion)
		}
	})
}

func readTestdataF(f *testing.F, name string) []byte {
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		f.Fatal(err)
	}
	return b
}
