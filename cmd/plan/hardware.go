package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/ollama/ollama/api"
	"github.com/spf13/pflag"

	"github.com/plan-cli/plan/hwprofile"
	"github.com/plan-cli/plan/hwprofile/backend"
	"github.com/plan-cli/plan/planner"
	"github.com/plan-cli/plan/simulate"
)

const hardwareHelp = `Hardware, for predicted speeds: this machine (detected) unless one of
  --gpu NAME [--count N]  a GPU or Apple chip of the embedded catalog (plan simulate
                          --list-gpus); N cards split the layers between them, so they hold N
                          times the memory but decode at one card's speed (llama.cpp and Ollama
                          run the layers of a token one card after the other).
  --profile FILE          a profile.json taken with plan profile on another machine; its first
                          GPU is looked up in the catalog for bandwidth and compute.
  --vram GB, --bandwidth GB/s, --tflops T
                          override those figures, or describe an accelerator the catalog lacks
                          (--bandwidth is then required). With --bandwidth alone and no GPU, the
                          figures describe the CPU.
What does not fit in VRAM runs on the CPU of this machine (or of --profile): its memory
bandwidth is the measured STREAM-copy figure (measured now, about 1 s, when the profile has
none) and its compute is estimated as physical cores x 3 GHz x FP32 FLOPs per cycle of its
widest vector unit (64 with AVX-512, 32 with AVX2 and FMA, 16 otherwise): a rough ceiling.`

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
			return hwprofile.Detect(ctx, hwprofile.Options{Getenv: e.getenv})
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

// installed reads the models installed on an Ollama server: their real
// architecture and size from /api/tags and /api/show.
func installed(ctx context.Context, host string) (planner.Server, error) {
	u, err := backend.ParseHost(host, "11434")
	if err != nil {
		return planner.Server{}, usagef("invalid --ollama %q: %v", host, err)
	}
	b := backend.NewOllama(u, modelServerClient(10*time.Second, 30*time.Second))
	models, err := b.ListModels(ctx)
	if err != nil {
		return planner.Server{}, fmt.Errorf("--ollama: cannot list the models at %s: %v: is ollama serve running there?", u, rootCause(err))
	}
	srv := planner.Server{URL: u.String(), Version: b.ServerVersion(ctx)}
	for _, m := range models {
		show, err := b.Show(ctx, m.Name)
		if err != nil {
			return planner.Server{}, fmt.Errorf("--ollama: %w", err)
		}
		srv.Models = append(srv.Models, planner.InstalledModel{Name: m.Name, SizeBytes: m.SizeBytes,
			Show: planner.Show{ModelInfo: show.ModelInfo, Tensors: tensorsOf(show.Tensors)}})
	}
	return srv, nil
}

// tensorsOf copies Ollama's tensor list into the planner's.
func tensorsOf(ts []api.Tensor) []planner.Tensor {
	out := make([]planner.Tensor, len(ts))
	for i, t := range ts {
		out[i] = planner.Tensor{Name: t.Name, Type: t.Type, Shape: t.Shape}
	}
	return out
}

// rootCause is the innermost error, without the wrappers' hints.
func rootCause(err error) error {
	for {
		u := errors.Unwrap(err)
		if u == nil {
			return err
		}
		err = u
	}
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
