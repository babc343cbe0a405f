package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/pflag"

	"github.com/plan-cli/plan/hwprofile"
	"github.com/plan-cli/plan/hwprofile/backend"
	"github.com/plan-cli/plan/hwprofile/bench"
	"github.com/plan-cli/plan/planner"
	"github.com/plan-cli/plan/simulate"
)

func addHardwareFlags(f *pflag.FlagSet, h *planner.HardwareSpec) {
	f.StringVar(&h.GPU, "gpu", "", "what-if hardware: a GPU or Apple chip of the catalog, e.g. \"RTX 4090\" or \"M2 Ultra\"")
	f.IntVar(&h.Count, "count", 1, "what-if hardware: number of --gpu cards")
	f.Float64Var(&h.VRAMGB, "vram", 0, "what-if hardware: accelerator memory in `GB` (GiB), overriding the catalog's")
	f.Float64Var(&h.BandwidthGBs, "bandwidth", 0, "what-if hardware: memory bandwidth in `GB/s`, overriding the catalog's")
	f.Float64Var(&h.TFLOPS, "tflops", 0, "what-if hardware: FP16 compute in `TFLOPS`, overriding the catalog's")
	f.StringVar(&h.Profile, "profile", "", "what-if hardware: a profile.json `file` taken with plan profile on another machine")
}

// probes are the planner's probes of this machine and its model server.
func probes(e *env) planner.Probes {
	return planner.Probes{
		Detect: func(ctx context.Context) (hwprofile.Profile, error) {
			return hwprofile.Detect(ctx, e.detectOptions())
		},
		MeasureBandwidth: func(ctx context.Context) (float64, error) {
			b, err := hwprofile.MeasureBandwidth(ctx, hwprofile.BandwidthOptions{})
			if err != nil {
				return 0, fmt.Errorf("measuring memory bandwidth: %w", err)
			}
			return b.GBPerS, nil
		},
		Installed: installed,
	}
}

// installed reads the models installed on an Ollama server.
func installed(ctx context.Context, host string) (bench.Server, error) {
	u, err := backend.ParseHost(host, "11434")
	if err != nil {
		return bench.Server{}, usagef("invalid --host %q: %v", host, err)
	}
	srv, err := backend.NewOllama(u, modelServerClient(10*time.Second, 30*time.Second)).Installed(ctx)
	if err != nil {
		return bench.Server{}, fmt.Errorf("--host: %w", err)
	}
	return srv, nil
}

// defaultCalibrationFile is calibration.json next to the default results
// file, where plan benchmark --calibrate writes it; "" when it is absent.
func defaultCalibrationFile(e *env) string {
	path := filepath.Join(filepath.Dir(defaultResultsPath(e)), "calibration.json")
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return ""
	}
	return path
}

// gpuList is the catalog as a table for --list-gpus.
func gpuList() ([]string, [][]string, error) {
	gpus, err := simulate.GPUs()
	if err != nil {
		return nil, nil, err
	}
	rows := make([][]string, 0, len(gpus))
	for _, g := range gpus {
		rows = append(rows, []string{
			g.Name, g.Vendor, fmt.Sprintf("%.0f", float64(g.MemoryBytes)/(1<<30)),
			fmt.Sprintf("%.0f", g.BandwidthGBs), fmt.Sprintf("%.1f", g.ComputeTFLOPS()),
			fmt.Sprintf("%.0f", g.TDPWatts), g.Confidence,
		})
	}
	return []string{"name", "vendor", "memory_gb", "bandwidth_gb_s", "fp16_tflops", "tdp_w", "confidence"}, rows, nil
}
