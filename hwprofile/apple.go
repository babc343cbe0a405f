package hwprofile

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// sysctlKeys are what plan asks macOS for. Keys a release does not know are
// reported by sysctl as errors and skipped.
var sysctlKeys = []string{
	"machdep.cpu.brand_string", "machdep.cpu.vendor", "hw.packages", "hw.physicalcpu", "hw.logicalcpu",
	"hw.memsize", "iogpu.wired_limit_mb", "kern.osproductversion", "kern.osrelease",
	// Apple silicon
	"hw.optional.AdvSIMD", "hw.optional.arm.FEAT_FP16", "hw.optional.arm.FEAT_DotProd",
	"hw.optional.arm.FEAT_I8MM", "hw.optional.arm.FEAT_BF16", "hw.optional.arm.FEAT_SME",
	// Intel Macs
	"hw.optional.avx1_0", "hw.optional.avx2_0", "hw.optional.fma", "hw.optional.f16c",
	"hw.optional.avx512f", "hw.optional.avx512bw", "hw.optional.avx512vl", "hw.optional.avx512vnni",
}

// sysctlFeatures maps the sysctl feature keys to the Linux names used in CPU.Features.
var sysctlFeatures = map[string]string{
	"hw.optional.AdvSIMD":          "asimd",
	"hw.optional.arm.FEAT_FP16":    "asimdhp",
	"hw.optional.arm.FEAT_DotProd": "asimddp",
	"hw.optional.arm.FEAT_I8MM":    "i8mm",
	"hw.optional.arm.FEAT_BF16":    "bf16",
	"hw.optional.arm.FEAT_SME":     "sme",
	"hw.optional.avx1_0":           "avx",
	"hw.optional.avx2_0":           "avx2",
	"hw.optional.fma":              "fma",
	"hw.optional.f16c":             "f16c",
	"hw.optional.avx512f":          "avx512f",
	"hw.optional.avx512bw":         "avx512bw",
	"hw.optional.avx512vl":         "avx512vl",
	"hw.optional.avx512vnni":       "avx512_vnni",
}

// runSysctl asks for sysctlKeys. sysctl fails when a key is unknown but still
// prints the others, so output is used whenever there is some.
func runSysctl(ctx context.Context, run Runner) (map[string]string, error) {
	out, err := run(ctx, "sysctl", sysctlKeys...)
	vals := parseSysctl(out)
	if len(vals) == 0 {
		if err == nil {
			err = errors.New("no output")
		}
		return nil, fmt.Errorf("sysctl: %w", err)
	}
	return vals, nil
}

// parseSysctl reads "key: value" lines; keys are dotted names without spaces,
// which leaves out error messages such as "sysctl: unknown oid".
func parseSysctl(out []byte) map[string]string {
	vals := map[string]string{}
	for _, line := range strings.Split(string(out), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok || strings.ContainsAny(k, " \t") || !strings.Contains(k, ".") {
			continue
		}
		vals[k] = strings.TrimSpace(v)
	}
	return vals
}

// sysctlInt reads an integer value; missing or malformed values are 0.
func sysctlInt(vals map[string]string, key string) uint64 {
	v, err := strconv.ParseUint(vals[key], 10, 64)
	if err != nil {
		return 0
	}
	return v
}

// cpuFromSysctl describes the CPU of a Mac.
func cpuFromSysctl(vals map[string]string) (CPU, error) {
	c := CPU{
		Model:         vals["machdep.cpu.brand_string"],
		Vendor:        vals["machdep.cpu.vendor"],
		Sockets:       int(sysctlInt(vals, "hw.packages")),
		PhysicalCores: int(sysctlInt(vals, "hw.physicalcpu")),
		LogicalCores:  int(sysctlInt(vals, "hw.logicalcpu")),
		Source:        SourceSysctl,
	}
	if c.Model == "" || c.LogicalCores == 0 {
		return CPU{}, fmt.Errorf("sysctl: no machdep.cpu.brand_string or hw.logicalcpu")
	}
	if strings.HasPrefix(c.Model, "Apple") && c.Vendor == "" {
		c.Vendor = "Apple"
	}
	var flags []string
	for key, name := range sysctlFeatures {
		if vals[key] == "1" {
			flags = append(flags, name)
		}
	}
	c.Features = filterFeatures(flags)
	return c, nil
}

// appleGPU describes the GPU of Apple silicon, which shares RAM with the CPU.
// macOS lets the GPU wire only part of it: iogpu.wired_limit_mb when set
// (non-zero), else by default about 2/3 of RAM up to 36 GiB and 3/4 above.
// Free is that limit capped by the RAM available now. The returned note
// explains the limit.
func appleGPU(vals map[string]string, available uint64) (GPU, string, bool) {
	brand := vals["machdep.cpu.brand_string"]
	memsize := sysctlInt(vals, "hw.memsize")
	if !strings.HasPrefix(brand, "Apple") || memsize == 0 {
		return GPU{}, "", false
	}
	limit, note := appleGPULimit(memsize, sysctlInt(vals, "iogpu.wired_limit_mb"))
	g := GPU{
		Vendor:         "Apple",
		Name:           brand + " GPU",
		VRAMTotalBytes: limit,
		VRAMFreeBytes:  min(limit, available),
		UnifiedMemory:  true,
		Driver:         "Metal",
		Source:         SourceSysctl,
	}
	return g, note, true
}

func appleGPULimit(memsize, wiredLimitMB uint64) (uint64, string) {
	if wiredLimitMB > 0 {
		limit := memsize
		if wiredLimitMB < memsize>>20 {
			limit = wiredLimitMB << 20
		}
		return limit, fmt.Sprintf("GPU may use %s of the %s unified memory (iogpu.wired_limit_mb=%d)",
			GiB(limit), GiB(memsize), wiredLimitMB)
	}
	share := "2/3"
	if memsize > 36<<30 {
		share = "3/4"
	}
	limit := AppleDefaultGPULimit(memsize)
	return limit, fmt.Sprintf("GPU may use about %s (%s) of the %s unified memory, the macOS default; "+
		"raise it with sudo sysctl iogpu.wired_limit_mb=N", GiB(limit), share, GiB(memsize))
}

// AppleDefaultGPULimit is the unified memory macOS lets the GPU wire by
// default (without iogpu.wired_limit_mb): about 2/3 of RAM up to 36 GiB,
// 3/4 above.
func AppleDefaultGPULimit(memsize uint64) uint64 {
	if memsize > 36<<30 {
		return memsize / 4 * 3
	}
	return memsize / 3 * 2
}
