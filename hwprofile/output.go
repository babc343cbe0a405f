package hwprofile

import (
	"fmt"
	"io"
	"strings"

	"github.com/plan-cli/plan/internal/output"
	"github.com/plan-cli/plan/internal/show"
)

// WriteTable writes what was detected and from where, then the notes.
func WriteTable(w io.Writer, p Profile) error {
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

func profileRows(p Profile) [][]string {
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
func gpuText(g GPU) string {
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

func systemText(p Profile) string {
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
