package hwprofile

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// SchemaVersion is the version of the Profile JSON layout written by this
// package. Read refuses profiles from a newer version.
const SchemaVersion = 1

// Where a figure came from, recorded in the Source fields.
const (
	SourceGhw       = "ghw"        // github.com/jaypipes/ghw (procfs, sysfs, PCI database)
	SourceGopsutil  = "gopsutil"   // github.com/shirou/gopsutil
	SourceNvidiaSMI = "nvidia-smi" // NVIDIA's management tool
	SourceRocmSMI   = "rocm-smi"   // AMD's ROCm management tool
	SourceSysfs     = "sysfs"      // Linux /sys files read directly
	SourceSysctl    = "sysctl"     // macOS sysctl
	SourceOverride  = "override"   // given on the command line
)

// Profile is what a machine offers for running LLMs.
type Profile struct {
	SchemaVersion int       `json:"schema_version"`
	Time          time.Time `json:"time"`         // when the profile was taken
	PlanVersion   string    `json:"plan_version"` // version of plan that took it

	OS             string `json:"os"`                       // runtime.GOOS: linux, darwin, windows
	Arch           string `json:"arch"`                     // runtime.GOARCH: amd64, arm64
	Platform       string `json:"platform"`                 // distribution or product and its version, e.g. "debian 12.8"
	Kernel         string `json:"kernel"`                   // kernel version
	Virtualization string `json:"virtualization,omitempty"` // hypervisor when running as a guest, e.g. "kvm"

	CPU    CPU    `json:"cpu"`
	Memory Memory `json:"memory"`
	GPUs   []GPU  `json:"gpus"`

	// BandwidthGBPerS is the measured memory bandwidth in 10^9 bytes per second,
	// STREAM-copy style: bytes read plus bytes written. Zero when not measured.
	BandwidthGBPerS float64 `json:"bandwidth_gb_per_s,omitempty"`
	// BandwidthMethod says how BandwidthGBPerS was measured.
	BandwidthMethod string `json:"bandwidth_method,omitempty"`

	// Notes explain what could not be detected, or was detected only in part, and why.
	Notes []string `json:"notes"`
}

// CPU describes the processors.
type CPU struct {
	Model         string   `json:"model"`
	Vendor        string   `json:"vendor,omitempty"`
	Sockets       int      `json:"sockets"`
	PhysicalCores int      `json:"physical_cores"`
	LogicalCores  int      `json:"logical_cores"` // hardware threads
	Features      []string `json:"features"`      // inference-relevant instruction-set extensions, see Features
	Source        string   `json:"source"`
}

// Memory describes the system RAM.
type Memory struct {
	TotalBytes     uint64 `json:"total_bytes"`
	AvailableBytes uint64 `json:"available_bytes"` // what a new program can get without swapping
	Source         string `json:"source"`
}

// GPU is one graphics processor usable for inference.
type GPU struct {
	Index  int    `json:"index"`
	Vendor string `json:"vendor"` // NVIDIA, AMD, Intel, Apple, or the PCI vendor name
	Name   string `json:"name"`
	// VRAMTotalBytes is the memory the GPU can use; for unified memory (Apple) the
	// part of RAM the GPU may wire. Zero when unknown.
	VRAMTotalBytes uint64 `json:"vram_total_bytes"`
	// VRAMFreeBytes is the part of it not in use right now. Zero when unknown.
	VRAMFreeBytes uint64 `json:"vram_free_bytes"`
	UnifiedMemory bool   `json:"unified_memory,omitempty"` // memory shared with the CPU
	Driver        string `json:"driver,omitempty"`
	PCIAddress    string `json:"pci_address,omitempty"`
	// Source is where the memory figures came from, or the identity when memory
	// is unknown.
	Source string `json:"source"`
}

// Summary is a one-line description of the machine, e.g.
// "AMD EPYC 7B13, 2 cores / 2 threads, 23.4 GiB RAM, no GPU".
func (p Profile) Summary() string {
	parts := []string{
		orUnknown(p.CPU.Model, "unknown CPU"),
		fmt.Sprintf("%d cores / %d threads", p.CPU.PhysicalCores, p.CPU.LogicalCores),
		GiB(p.Memory.TotalBytes) + " RAM",
		gpuSummary(p.GPUs),
	}
	if p.BandwidthGBPerS > 0 {
		parts = append(parts, fmt.Sprintf("%.1f GB/s", p.BandwidthGBPerS))
	}
	return strings.Join(parts, ", ")
}

// gpuSummary groups identical GPUs: "2× NVIDIA RTX A6000 48.0 GiB".
func gpuSummary(gpus []GPU) string {
	if len(gpus) == 0 {
		return "no GPU"
	}
	var groups []string
	count := map[string]int{}
	for _, g := range gpus {
		key := g.Name + " " + GiB(g.VRAMTotalBytes)
		if g.UnifiedMemory {
			key += " unified"
		}
		if count[key] == 0 {
			groups = append(groups, key)
		}
		count[key]++
	}
	for i, key := range groups {
		groups[i] = fmt.Sprintf("%d× %s", count[key], key)
	}
	return strings.Join(groups, " + ")
}

// GiB formats a byte count in binary gigabytes with one decimal, e.g. "23.4 GiB".
func GiB(bytes uint64) string {
	return fmt.Sprintf("%.1f GiB", float64(bytes)/(1<<30))
}

func orUnknown(s, unknown string) string {
	if s == "" {
		return unknown
	}
	return s
}

// Read decodes a profile written as JSON. Fields this version does not know are
// ignored; a profile from a newer schema version is refused.
func Read(r io.Reader) (Profile, error) {
	var p Profile
	if err := json.NewDecoder(r).Decode(&p); err != nil {
		return Profile{}, fmt.Errorf("decoding profile JSON: %w", err)
	}
	if p.SchemaVersion == 0 {
		return Profile{}, errors.New("not a plan profile: no schema_version")
	}
	if p.SchemaVersion > SchemaVersion {
		return Profile{}, fmt.Errorf("profile schema_version %d is newer than this plan understands (%d)",
			p.SchemaVersion, SchemaVersion)
	}
	return p, nil
}

// Load reads a profile from a JSON file written by plan profile -o.
func Load(path string) (Profile, error) {
	f, err := os.Open(path)
	if err != nil {
		return Profile{}, fmt.Errorf("reading profile: %w", err)
	}
	defer f.Close()
	p, err := Read(f)
	if err != nil {
		return Profile{}, fmt.Errorf("reading profile %s: %w", path, err)
	}
	return p, nil
}
