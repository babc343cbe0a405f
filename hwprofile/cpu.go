package hwprofile

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"

	"github.com/jaypipes/ghw"
	"github.com/shirou/gopsutil/v3/cpu"
)

// inferenceFeatures are the instruction-set extensions that inference kernels
// (llama.cpp, ONNX Runtime, PyTorch) pick their fastest code paths by, under the
// names Linux uses in /proc/cpuinfo. Order is the order reported.
var inferenceFeatures = []string{
	// x86
	"avx", "avx2", "fma", "f16c", "avx_vnni",
	"avx512f", "avx512bw", "avx512vl", "avx512_vnni", "avx512_bf16", "avx512_fp16",
	"amx_tile", "amx_int8", "amx_bf16",
	// ARM
	"asimd", "asimdhp", "asimddp", "i8mm", "bf16", "sve", "sve2", "sme",
}

// InferenceFeatures lists the CPU features Profile.CPU.Features may contain,
// by their Linux /proc/cpuinfo names: on x86 avx, avx2, fma, f16c, avx_vnni,
// AVX-512 (avx512f, avx512bw, avx512vl, avx512_vnni, avx512_bf16, avx512_fp16)
// and AMX (amx_tile, amx_int8, amx_bf16); on ARM asimd (NEON), asimdhp (FP16
// arithmetic), asimddp (dot product), i8mm, bf16, sve, sve2 and sme.
func InferenceFeatures() []string {
	return slices.Clone(inferenceFeatures)
}

// filterFeatures keeps the inference-relevant flags, in inferenceFeatures order.
func filterFeatures(flags []string) []string {
	have := map[string]bool{}
	for _, f := range flags {
		have[strings.ToLower(strings.TrimSpace(f))] = true
	}
	out := []string{}
	for _, f := range inferenceFeatures {
		if have[f] {
			out = append(out, f)
		}
	}
	return out
}

// ghwOptions keeps ghw quiet, offline and away from external programs, and
// points it at root instead of "/".
func ghwOptions(root string) []any {
	return []any{
		ghw.WithChroot(root),
		ghw.WithLogger(slog.New(slog.DiscardHandler)),
		ghw.WithDisableTools(),
		ghw.WithDisableTopology(),
	}
}

// cpuFromGhw reads /proc/cpuinfo and the sysfs CPU topology through ghw.
func cpuFromGhw(root string) (CPU, error) {
	info, err := ghw.CPU(ghwOptions(root)...)
	if err != nil {
		return CPU{}, fmt.Errorf("ghw: %w", err)
	}
	if len(info.Processors) == 0 || info.TotalHardwareThreads == 0 {
		return CPU{}, errors.New("ghw found no processors")
	}
	c := CPU{
		Model:         strings.TrimSpace(info.Processors[0].Model),
		Vendor:        info.Processors[0].Vendor,
		Sockets:       len(info.Processors),
		PhysicalCores: int(info.TotalCores),
		LogicalCores:  int(info.TotalHardwareThreads),
		Source:        SourceGhw,
	}
	var flags []string
	for _, p := range info.Processors {
		flags = append(flags, p.Capabilities...)
	}
	c.Features = filterFeatures(flags)
	return c, nil
}

// cpuFromGopsutil is the portable fallback.
func cpuFromGopsutil(ctx context.Context) (CPU, error) {
	infos, err := cpu.InfoWithContext(ctx)
	if err != nil {
		return CPU{}, fmt.Errorf("gopsutil: %w", err)
	}
	if len(infos) == 0 {
		return CPU{}, errors.New("gopsutil found no processors")
	}
	logical, err := cpu.CountsWithContext(ctx, true)
	if err != nil {
		return CPU{}, fmt.Errorf("gopsutil: counting logical cores: %w", err)
	}
	physical, err := cpu.CountsWithContext(ctx, false)
	if err != nil {
		return CPU{}, fmt.Errorf("gopsutil: counting physical cores: %w", err)
	}
	sockets := map[string]bool{}
	for _, in := range infos {
		sockets[in.PhysicalID] = true
	}
	return CPU{
		Model:         strings.TrimSpace(infos[0].ModelName),
		Vendor:        infos[0].VendorID,
		Sockets:       len(sockets),
		PhysicalCores: physical,
		LogicalCores:  logical,
		Features:      filterFeatures(infos[0].Flags),
		Source:        SourceGopsutil,
	}, nil
}
