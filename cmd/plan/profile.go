package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/spf13/cobra"

	"github.com/plan-cli/plan/hwprofile"
	"github.com/plan-cli/plan/internal/output"
	"github.com/plan-cli/plan/internal/show"
)

const profileLong = `Describe this machine as far as it matters for running LLMs: the CPU and the
instruction-set features inference engines use, memory, GPUs and their memory,
and with --bandwidth a measured memory bandwidth. Nothing is sent anywhere.

Every entry says where it came from (SOURCE column, "source" in JSON): ghw,
gopsutil, nvidia-smi, rocm-smi, sysfs, sysctl, or override (given with --gpu).
Whatever could not be detected, and why, is listed under notes.

Fields (JSON names in brackets; sizes are bytes in JSON, GiB = 2^30 bytes in the table):
  CPU [cpu.model, cpu.vendor, cpu.sockets, cpu.physical_cores, cpu.logical_cores]
      Model name, sockets, physical cores and logical cores (hardware threads).
      Linux: /proc/cpuinfo and sysfs through ghw; macOS: sysctl; else gopsutil.
  Features [cpu.features]
      Instruction-set extensions inference kernels choose their code paths by,
      under their Linux names: x86 avx avx2 fma f16c avx_vnni, AVX-512 (avx512f
      avx512bw avx512vl avx512_vnni avx512_bf16 avx512_fp16), AMX (amx_tile
      amx_int8 amx_bf16); ARM asimd (NEON) asimdhp asimddp (dot product) i8mm
      bf16 sve sve2 sme. Only those the CPU and OS report are listed.
  Memory [memory.total_bytes, memory.available_bytes]
      Total RAM, and what a new program can get without swapping (Linux
      MemAvailable), from gopsutil. Container limits are noted.
  GPU [gpus[].index, vendor, name, vram_total_bytes, vram_free_bytes,
      unified_memory, driver, pci_address]
      Display controllers on the PCI bus (Linux sysfs), named from the local
      pci.ids through ghw (never downloaded). Memory: NVIDIA memory.total and
      memory.free from nvidia-smi; AMD mem_info_vram_total and
      mem_info_vram_used from sysfs, else rocm-smi. Apple silicon
      [unified_memory]: the part of RAM the GPU may wire, iogpu.wired_limit_mb
      if set, else the macOS default of about 2/3 of RAM (3/4 above 36 GiB),
      from sysctl; free is that capped by the available RAM. Virtual and
      management display adapters (QEMU, virtio, Cirrus, VMware SVGA,
      Hyper-V, ASPEED and other BMCs) are not GPUs: they are only noted.
      0 bytes means unknown.
  Bandwidth [bandwidth_gb_per_s, bandwidth_method], with --bandwidth only
      Memory bandwidth in GB/s (10^9 bytes per second), counted as STREAM's
      copy test does: bytes read + bytes written. One goroutine per logical
      core copies its own source buffer into its own destination buffer, all
      at once; the buffers hold 512 MiB in all (at least 16 MiB per
      goroutine), far more than any last-level cache. The figure is the
      fastest of up to 100 passes after a warm-up pass; measuring takes about
      1.5 s. Decoding on a CPU or on unified memory reads every weight once
      per token, so this bounds tokens per second at about bandwidth / model
      size.
  System [os, arch, platform, kernel, virtualization]
      Go's GOOS and GOARCH; distribution and version (Linux: ID and
      VERSION_ID of /etc/os-release); kernel version; the hypervisor or
      container when running as a guest (gopsutil).
  Also [schema_version, time, plan_version, notes]
      JSON layout version, when the profile was taken (UTC), the plan version
      that took it, and the notes.

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

	version   string
	getenv    func(string) string
	stdout    io.Writer
	stderr    io.Writer
	stderrTTY bool
}

func newProfileCmd(e *env) *cobra.Command {
	opts := profileOptions{
		version: planVersion(), getenv: e.getenv,
		stdout: e.stdout, stderr: e.stderr, stderrTTY: e.stderrTTY,
	}
	cmd := &cobra.Command{
		Use:     "profile",
		Short:   "Describe this machine: CPU, memory, GPUs, memory bandwidth",
		Long:    profileLong,
		Example: profileExample,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := opts.validate(cmd.Flags().Changed("gpu-count")); err != nil {
				return err
			}
			return runProfile(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.format, "format", "table", "output `format`: table or json")
	f.StringVarP(&opts.output, "output", "o", "", "also write the profile as JSON to `FILE`")
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
	p, err := hwprofile.Detect(ctx, hwprofile.Options{
		Getenv:      opts.getenv,
		PlanVersion: opts.version,
		GPU:         opts.override(),
	})
	if err != nil {
		return err
	}
	if opts.bandwidth {
		if err := measureBandwidth(ctx, opts, &p); err != nil {
			return err
		}
	}
	if opts.output != "" {
		if err := saveProfile(opts.output, p); err != nil {
			return err
		}
		fmt.Fprintf(opts.stderr, "plan: profile written to %s\n", opts.output)
	}
	if opts.format == "json" {
		return output.WriteJSON(opts.stdout, p)
	}
	return writeProfileTable(opts.stdout, p)
}

func measureBandwidth(ctx context.Context, opts profileOptions, p *hwprofile.Profile) error {
	if opts.stderrTTY {
		fmt.Fprintln(opts.stderr, "plan: measuring memory bandwidth (about 1.5 s)...")
	}
	bw, err := hwprofile.MeasureBandwidth(ctx, hwprofile.BandwidthOptions{})
	if err != nil {
		return err
	}
	p.BandwidthGBPerS = math.Round(bw.GBPerS*10) / 10
	p.BandwidthMethod = bw.Method()
	return nil
}

// saveProfile writes p as JSON to path, atomically.
func saveProfile(path string, p hwprofile.Profile) error {
	var buf bytes.Buffer
	if err := output.WriteJSON(&buf, p); err != nil {
		return err
	}
	return output.WriteFileAtomic(path, buf.Bytes())
}

// writeProfileTable writes what was detected and from where, then the notes.
func writeProfileTable(w io.Writer, p hwprofile.Profile) error {
	if err := output.WriteTable(w, []string{"ITEM", "SOURCE", "VALUE"}, profileRows(p)); err != nil {
		return err
	}
	if len(p.Notes) == 0 {
		return nil
	}
	var b strings.Builder
	b.WriteString("\nNotes:\n")
	for _, n := range p.Notes {
		fmt.Fprintf(&b, "  - %s\n", n)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func profileRows(p hwprofile.Profile) [][]string {
	c := p.CPU
	features := strings.Join(c.Features, " ")
	if features == "" {
		features = "none that inference kernels use"
	}
	rows := [][]string{
		{"CPU", c.Source, show.OrDash(c.Model)},
		{"Cores", c.Source, fmt.Sprintf("%s, %d physical cores, %d logical cores", plural(c.Sockets, "socket"), c.PhysicalCores, c.LogicalCores)},
		{"Features", c.Source, features},
		{"Memory", p.Memory.Source, fmt.Sprintf("%s total, %s available",
			show.Bytes(int64(p.Memory.TotalBytes)), show.Bytes(int64(p.Memory.AvailableBytes)))},
	}
	for _, g := range p.GPUs {
		rows = append(rows, []string{fmt.Sprintf("GPU %d", g.Index), g.Source, gpuText(g)})
	}
	if len(p.GPUs) == 0 {
		rows = append(rows, []string{"GPU", "-", "none found"})
	}
	if p.BandwidthGBPerS > 0 {
		rows = append(rows, []string{"Bandwidth", "measured", fmt.Sprintf("%.1f GB/s (%s)", p.BandwidthGBPerS, p.BandwidthMethod)})
	}
	return append(rows, []string{"System", "-", systemText(p)})
}

// gpuText describes a GPU on one line.
func gpuText(g hwprofile.GPU) string {
	parts := []string{g.Name}
	switch {
	case g.VRAMTotalBytes == 0:
		parts = append(parts, "VRAM unknown")
	case g.UnifiedMemory:
		parts = append(parts, show.Bytes(int64(g.VRAMTotalBytes))+" of unified memory")
	default:
		parts = append(parts, show.Bytes(int64(g.VRAMTotalBytes))+" VRAM")
	}
	if g.VRAMFreeBytes > 0 {
		parts = append(parts, show.Bytes(int64(g.VRAMFreeBytes))+" free")
	}
	if g.Driver != "" {
		parts = append(parts, "driver "+g.Driver)
	}
	if g.PCIAddress != "" {
		parts = append(parts, "PCI "+g.PCIAddress)
	}
	return strings.Join(parts, ", ")
}

func systemText(p hwprofile.Profile) string {
	parts := []string{p.OS + "/" + p.Arch}
	for _, s := range []string{p.Platform, prefixed("kernel ", p.Kernel), prefixed("virtualized: ", p.Virtualization)} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, ", ")
}

func prefixed(prefix, s string) string {
	if s == "" {
		return ""
	}
	return prefix + s
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
