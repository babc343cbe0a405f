package planner

import (
	"context"
	"fmt"

	"github.com/plan-cli/plan/hwprofile"
	"github.com/plan-cli/plan/simulate"
)

// restOfMachineUSD is what a report adds to the catalog price of what-if
// GPUs for the machine around them (CPU, board, memory, power supply,
// case), and restOfMachineWatts its power while serving.
const (
	restOfMachineUSD   = 1200
	restOfMachineWatts = 150
)

// target describes the hardware the plan is for: the resolved machine
// (what-if or this one), with the memory models are placed into.
func (pl *planning) target(ctx context.Context) (Target, error) {
	t, err := pl.Hardware.Resolve(ctx, pl.probes)
	if err != nil {
		return Target{}, err
	}
	if err := t.NeedCPU(ctx, pl.probes); err != nil {
		return Target{}, err
	}
	t.Export()
	host, err := pl.host(ctx)
	if err != nil {
		return Target{}, err
	}
	pl.notes = append(pl.notes, t.Notes...)
	t.RAMBytes = int64(host.Memory.TotalBytes)
	t.Memory = Machine{FreeRAMBytes: int64(host.Memory.AvailableBytes), UnifiedMemory: t.Hardware.UnifiedMemory}
	if pl.RAMGB > 0 {
		t.Memory.FreeRAMBytes = int64(pl.RAMGB * (1 << 30))
		t.RAMBytes = max(t.RAMBytes, t.Memory.FreeRAMBytes) // what-if memory: at least what is free
	}
	pl.gpus(&t, host)
	pl.power(&t)
	if t.Installed, err = pl.installed(ctx, &t); err != nil {
		return Target{}, err
	}
	return t, nil
}

// host is the machine whose RAM and CPU serve what does not fit: the
// --profile one, or this one.
func (pl *planning) host(ctx context.Context) (hwprofile.Profile, error) {
	if pl.Hardware.Profile != "" {
		return hwprofile.Load(pl.Hardware.Profile)
	}
	return pl.probes.Detect(ctx)
}

// gpus sets the accelerators' free memory: all of a what-if card, what
// the profile saw free on a real one. A CPU has none.
func (pl *planning) gpus(t *Target, host hwprofile.Profile) {
	if t.Hardware.VRAMBytes == 0 {
		return
	}
	t.FlashAttention = true
	reserve := int64(GPUReserveBytes)
	if t.Hardware.UnifiedMemory {
		reserve = 0
	}
	count := max(pl.Hardware.Count, 1)
	if pl.Hardware.GPU == "" && pl.Hardware.VRAMGB == 0 && len(host.GPUs) > 0 {
		for _, g := range host.GPUs {
			if g.Name != host.GPUs[0].Name {
				continue // a model is split over GPUs of one kind only (one CUDA or ROCm runtime)
			}
			free := g.VRAMFreeBytes
			if free == 0 {
				free = g.VRAMTotalBytes
			}
			t.Memory.GPUs = append(t.Memory.GPUs, GPU{FreeBytes: int64(free), ReserveBytes: reserve})
		}
		return
	}
	free := t.Hardware.VRAMBytes / int64(count)
	if t.Hardware.UnifiedMemory {
		free = int64(hwprofile.AppleDefaultGPULimit(uint64(free)))
		pl.notes = append(pl.notes, fmt.Sprintf("unified memory: the GPU may use %.0f GiB of the %.0f GiB (macOS's default wired limit)",
			float64(free)/(1<<30), float64(t.Hardware.VRAMBytes)/(1<<30)))
	}
	for range count {
		t.Memory.GPUs = append(t.Memory.GPUs, GPU{FreeBytes: free, ReserveBytes: reserve})
	}
}

// power sets the watts and the price of the hardware.
func (pl *planning) power(t *Target) {
	t.ActiveWatts, t.IdleWatts = pl.ActiveWatts, pl.IdleWatts
	if t.ActiveWatts == 0 {
		t.ActiveWatts = 100
		if t.Watts > 0 {
			t.ActiveWatts = t.Watts + restOfMachineWatts
		}
	}
	if t.IdleWatts < 0 {
		t.IdleWatts = 30
		if len(t.Memory.GPUs) > 0 {
			t.IdleWatts = 60
		}
	}
	switch {
	case pl.HardwareCost >= 0:
		t.PriceUSD = pl.HardwareCost
	case pl.Hardware.GPU != "":
		if g, ok := simulate.LookupGPU(pl.Hardware.GPU); ok && g.PriceUSD > 0 {
			t.PriceUSD = g.PriceUSD*float64(max(pl.Hardware.Count, 1)) + restOfMachineUSD
		}
	}
}

// speeds predicts with the request's sources.
func (pl *planning) speeds() (Speeds, error) {
	src := SpeedSources{Bench: pl.Bench, Calibration: pl.Calibration, CalibrationGiven: pl.CalibrationGiven, WhatIf: pl.Hardware.WhatIf()}
	sp, notes, err := src.Speeds()
	pl.notes = append(pl.notes, notes...)
	return sp, err
}

// installed reads the models installed on the --host server: their
// real architecture and size from /api/show and /api/tags. A model that
// cannot be placed is skipped with a warning.
func (pl *planning) installed(ctx context.Context, t *Target) ([]Arch, error) {
	if pl.OllamaHost == "" {
		pl.notes = append(pl.notes, fmt.Sprintf("memory is sized by the rules of the current Ollama release, %s, since no server is named; give --host HOST to use your server's", CurrentOllama))
		return nil, nil
	}
	srv, err := pl.probes.Installed(ctx, pl.OllamaHost)
	if err != nil {
		return nil, err
	}
	t.OllamaVersion, pl.serverURL = srv.Version, srv.URL
	rules := "the current rules"
	if LegacyRules(t.OllamaVersion) {
		rules = "the rules of releases before 0.12"
	}
	pl.notes = append(pl.notes, fmt.Sprintf("memory is sized for Ollama %q at %s, by %s", t.OllamaVersion, srv.URL, rules))
	var out []Arch
	for _, m := range srv.Models {
		a, err := ArchFromShow(m.Name, m.Details, m.SizeBytes)
		if err != nil {
			pl.say(fmt.Sprintf("warning: %v; left out", err))
			continue
		}
		out = append(out, a)
	}
	return out, nil
}
