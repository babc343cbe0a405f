package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/spf13/cobra"

	"github.com/plan-cli/plan/hwprofile"
	"github.com/plan-cli/plan/internal/output"
)

const profileLong = `Describe this machine as far as it matters for running LLMs: the CPU and the
instruction-set features inference engines use, memory, GPUs and their memory,
and with --bandwidth a measured memory bandwidth. Nothing is sent anywhere.

-o FILE writes the JSON profile atomically, so that a profile taken on one
machine can be used to plan on another.`

const profileExample = `  $ plan profile
  $ plan profile --bandwidth
  $ plan profile --format json -o profile.json
  $ plan profile --gpu "NVIDIA GeForce RTX 4090" --vram 24
  $ plan profile --gpu "NVIDIA H100 80GB HBM3" --vram 80 --gpu-count 8 -o h100x8.json`

// profileOptions are the settings of plan profile.
type profileOptions struct {
	format    string
	output    string
	bandwidth bool
	gpuName   string
	vramGB    float64
	gpuCount  int

	e *env
}

func newProfileCmd(e *env) *cobra.Command {
	opts := profileOptions{e: e}
	cmd := &cobra.Command{
		Use:     "profile",
		Short:   "Describe this machine: CPU, memory, GPUs, memory bandwidth",
		Long:    profileLong + "\n\nEvery field and where it comes from: plan help metrics.",
		Example: profileExample,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opts.output != "" && !cmd.Flags().Changed("format") {
				opts.format = "json" // a profile file is for --profile, unless its name says table
			}
			if err := formatFromOutput(cmd, &opts.format, opts.output, "table", "json"); err != nil {
				return err
			}
			if err := opts.validate(cmd.Flags().Changed("gpu-count")); err != nil {
				return err
			}
			return runProfile(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.format, "format", "table", "output `format`: table or json")
	f.StringVarP(&opts.output, "output", "o", "", "write the profile to `FILE` (atomically) instead of stdout: JSON, for --profile elsewhere, unless --format or a .txt name says table")
	f.BoolVar(&opts.bandwidth, "bandwidth", false, "measure memory bandwidth (about 1.5 s)")
	f.StringVar(&opts.gpuName, "gpu", "", "describe the GPUs as `NAME` instead of detecting them (needs --vram)")
	f.Float64Var(&opts.vramGB, "vram", 0, "VRAM of each --gpu in `GB` as GPU makers count (2^30 bytes)")
	f.IntVar(&opts.gpuCount, "gpu-count", 1, "`N` GPUs of the --gpu kind")
	return cmd
}

// validate checks the flags; gpuCountSet says whether --gpu-count was given.
func (o profileOptions) validate(gpuCountSet bool) error {
	if err := checkFormat(o.format, "table", "json"); err != nil {
		return err
	}
	switch {
	case o.gpuName == "" && o.vramGB != 0:
		return usagef("--vram needs --gpu NAME")
	case o.gpuName == "" && gpuCountSet:
		return usagef("--gpu-count needs --gpu NAME")
	case o.gpuName != "" && o.vramGB == 0:
		return usagef("--gpu needs --vram GB")
	case math.IsNaN(o.vramGB) || o.vramGB < 0 || o.vramGB > 4096:
		return usagef("invalid --vram %v: want GB between 0 and 4096", o.vramGB)
	case o.gpuCount < 1 || o.gpuCount > 1024:
		return usagef("invalid --gpu-count %d: want 1 to 1024", o.gpuCount)
	case strings.TrimSpace(o.gpuName) != o.gpuName:
		return usagef("invalid --gpu %q: leading or trailing spaces", o.gpuName)
	}
	return nil
}

// override turns --gpu, --vram and --gpu-count into a hwprofile.GPUOverride.
func (o profileOptions) override() hwprofile.GPUOverride {
	if o.gpuName == "" {
		return hwprofile.GPUOverride{}
	}
	return hwprofile.GPUOverride{Name: o.gpuName, VRAMBytes: uint64(o.vramGB * (1 << 30)), Count: o.gpuCount}
}

func runProfile(ctx context.Context, opts profileOptions) error {
	detect := opts.e.detectOptions()
	detect.GPU = opts.override()
	p, err := hwprofile.Detect(ctx, detect)
	if err != nil {
		return err
	}
	if opts.bandwidth {
		if err := measureBandwidth(ctx, opts, &p); err != nil {
			return err
		}
	}
	return opts.write(func(w io.Writer) error {
		if opts.format == "json" {
			return output.WriteJSON(w, p)
		}
		return hwprofile.WriteTable(w, p)
	})
}

// write writes the profile to -o, or to stdout.
func (o profileOptions) write(fn func(io.Writer) error) error {
	return writeOutput(o.e, o.output, fn)
}

func measureBandwidth(ctx context.Context, opts profileOptions, p *hwprofile.Profile) error {
	if opts.e.stderrTTY {
		fmt.Fprintln(opts.e.stderr, "plan: measuring memory bandwidth (about 1.5 s)...")
	}
	bw, err := hwprofile.MeasureBandwidth(ctx, hwprofile.BandwidthOptions{})
	if err != nil {
		return err
	}
	p.BandwidthGBPerS = math.Round(bw.GBPerS*10) / 10
	p.BandwidthMethod = bw.Method()
	opts.e.keepBandwidth(*p, nil, bw)
	return nil
}
