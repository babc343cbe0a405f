package hwprofile

import (
	"context"
	"fmt"
	"strings"
)

// gpuScan collects GPUs from every source on Linux and Windows and the reasons
// a source gave nothing.
type gpuScan struct {
	displays   []pciDisplay // real (not virtual) display controllers on the PCI bus
	nvidia     []GPU
	amd        []GPU
	pciProblem string   // why the PCI bus shows no GPU
	nvProblem  string   // why nvidia-smi gave nothing
	amdProblem []string // why sysfs and rocm-smi gave nothing
	notes      []string // everything else worth saying
}

// detectGPUs finds GPUs on Linux and Windows: display controllers on the PCI
// bus (Linux sysfs, named by ghw), memory from nvidia-smi, AMD sysfs or rocm-smi.
func (d *detector) detectGPUs(ctx context.Context) []GPU {
	var s gpuScan
	if d.goos == "linux" {
		s.scanPCI(d.root, d.getenv)
	} else {
		s.pciProblem = "PCI bus not scanned on " + d.goos
	}
	s.nvidia, s.nvProblem = s.keep(nvidiaGPUs(ctx, d.run))
	amd, problem := s.keep(amdSysfsGPUs(d.root))
	if len(amd) == 0 {
		s.amdProblem = append(s.amdProblem, problem)
		amd, problem = s.keep(rocmGPUs(ctx, d.run))
		s.amdProblem = append(s.amdProblem, problem)
	}
	s.amd = amd
	gpus := s.merge()
	d.notes = append(d.notes, s.notes...)
	if len(gpus) == 0 {
		d.notef("no GPU found: %s; use --gpu NAME --vram GB to describe one", s.problems())
	}
	return gpus
}

// keep passes a source's result on. A problem that came with GPUs (a partly
// malformed output) is a note; one without GPUs is returned to explain it.
func (s *gpuScan) keep(gpus []GPU, problem string) ([]GPU, string) {
	if problem != "" && len(gpus) > 0 {
		s.notes = append(s.notes, problem)
		return gpus, ""
	}
	return gpus, problem
}

// problems lists why each source found nothing.
func (s *gpuScan) problems() string {
	var all []string
	for _, p := range append([]string{s.pciProblem, s.nvProblem}, s.amdProblem...) {
		if p != "" {
			all = append(all, p)
		}
	}
	return strings.Join(all, "; ")
}

// scanPCI lists the display controllers, drops virtual ones with a note, and
// names the rest with ghw when that is safe.
func (s *gpuScan) scanPCI(root string, getenv func(string) string) {
	displays, err := sysfsDisplays(root)
	if err != nil {
		s.pciProblem = fmt.Sprintf("PCI bus not readable (%v)", err)
		return
	}
	for _, d := range displays {
		if isVirtualDisplay(d) {
			s.notes = append(s.notes, fmt.Sprintf("%s at %s is a virtual or management display adapter, not an inference GPU; ignored",
				d.Name, d.Address))
			continue
		}
		s.displays = append(s.displays, d)
	}
	if len(s.displays) == 0 {
		s.pciProblem = "no GPU on the PCI bus"
		return
	}
	if networkFetchEnabled(getenv) {
		s.notes = append(s.notes, "PCI names not looked up: PCIDB_ENABLE_NETWORK_FETCH could make the PCI database download pci.ids, and plan stays offline")
		return
	}
	if s.displays, err = nameDisplaysWithGhw(root, s.displays); err != nil {
		s.notes = append(s.notes, fmt.Sprintf("PCI names unknown: %v", err))
	}
}

// merge joins the sources: vendor tools give memory, PCI gives names and the
// GPUs no tool reported. GPUs are numbered in the order found.
func (s *gpuScan) merge() []GPU {
	var gpus []GPU
	covered := map[string]bool{}
	for _, g := range append(append([]GPU{}, s.nvidia...), s.amd...) {
		if d, ok := s.display(g.PCIAddress); ok {
			covered[d.Address] = true
			g = namedFrom(g, d)
		}
		gpus = append(gpus, g)
	}
	for _, d := range s.displays {
		if covered[d.Address] || s.vendorCovered(d) {
			continue
		}
		gpus = append(gpus, s.pciOnly(d))
	}
	for i := range gpus {
		gpus[i].Index = i
	}
	return gpus
}

// display finds the PCI display controller at addr.
func (s *gpuScan) display(addr string) (pciDisplay, bool) {
	for _, d := range s.displays {
		if addr != "" && d.Address == addr {
			return d, true
		}
	}
	return pciDisplay{}, false
}

// vendorCovered reports whether a vendor tool listed GPUs of d's vendor, so that
// d is one of them even if its address could not be matched.
func (s *gpuScan) vendorCovered(d pciDisplay) bool {
	return (d.VendorID == "10de" && len(s.nvidia) > 0) || (d.VendorID == "1002" && len(s.amd) > 0)
}

// namedFrom fills what a vendor tool left out from the PCI entry.
func namedFrom(g GPU, d pciDisplay) GPU {
	if strings.HasPrefix(g.Name, "AMD GPU") && d.Source == SourceGhw {
		g.Name = d.Name
	}
	if g.Driver == "" {
		g.Driver = d.Driver
	}
	return g
}

// pciOnly describes a GPU only the PCI bus knows, with a note on its memory.
func (s *gpuScan) pciOnly(d pciDisplay) GPU {
	why := "no tool reports its memory"
	switch d.VendorID {
	case "10de":
		why = s.nvProblem
	case "1002":
		why = strings.Join(s.amdProblem, "; ")
	}
	if d.VendorID == "8086" {
		s.notes = append(s.notes, fmt.Sprintf("%s at %s: an integrated Intel GPU shares system RAM, so no VRAM is counted; "+
			"for a discrete Arc card use --gpu NAME --vram GB", d.Name, d.Address))
	} else {
		s.notes = append(s.notes, fmt.Sprintf("VRAM of %s at %s unknown (%s); use --gpu NAME --vram GB to describe it",
			d.Name, d.Address, why))
	}
	return GPU{Vendor: d.Vendor, Name: d.Name, Driver: d.Driver, PCIAddress: d.Address, Source: d.Source}
}
