package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/plan-cli/plan/hwprofile"
	"github.com/plan-cli/plan/hwprofile/calibrate"
	"github.com/plan-cli/plan/planner"
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
func (o *reportOptions) target(ctx context.Context, e *env) (planner.Target, error) {
	m, err := o.hw.resolve(ctx, e)
	if err != nil {
		return planner.Target{}, err
	}
	if err := m.needCPU(ctx); err != nil {
		return planner.Target{}, err
	}
	m.export()
	host, err := o.host(ctx, e)
	if err != nil {
		return planner.Target{}, err
	}
	o.notes = append(o.notes, m.Notes...)
	t := planner.Target{
		Description: m.Description, ThisMachine: m.ThisMachine, Hardware: m.Hardware, RAMBytes: int64(host.Memory.TotalBytes),
		Memory: planner.Machine{FreeRAMBytes: int64(host.Memory.AvailableBytes), UnifiedMemory: m.Hardware.UnifiedMemory},
	}
	if o.ramGB > 0 {
		t.Memory.FreeRAMBytes = int64(o.ramGB * (1 << 30))
	}
	o.gpus(&t, m, host)
	o.power(&t, m)
	if t.Installed, err = o.installed(ctx, e, &t); err != nil {
		return planner.Target{}, err
	}
	return t, nil
}

// host is the machine whose RAM and CPU serve what does not fit: the
// --profile one, or this one.
func (o *reportOptions) host(ctx context.Context, e *env) (hwprofile.Profile, error) {
	if o.hw.profile != "" {
		return hwprofile.Load(o.hw.profile)
	}
	return hwprofile.Detect(ctx, hwprofile.Options{Getenv: e.getenv})
}

// gpus sets the accelerators' free memory: all of a what-if card, what
// the profile saw free on a real one. A CPU has none.
func (o *reportOptions) gpus(t *planner.Target, m machine, host hwprofile.Profile) {
	if m.Hardware.VRAMBytes == 0 {
		return
	}
	t.FlashAttention = true
	reserve := int64(planner.GPUReserveBytes)
	if m.Hardware.UnifiedMemory {
		reserve = 0
	}
	count := max(o.hw.count, 1)
	if o.hw.gpu == "" && o.hw.vramGB == 0 && len(host.GPUs) > 0 {
		for _, g := range host.GPUs {
			if g.Name != host.GPUs[0].Name {
				continue // a model is split over GPUs of one kind only (one CUDA or ROCm runtime)
			}
			free := g.VRAMFreeBytes
			if free == 0 {
				free = g.VRAMTotalBytes
			}
			t.Memory.GPUs = append(t.Memory.GPUs, planner.GPU{FreeBytes: int64(free), ReserveBytes: reserve})
		}
		return
	}
	free := m.Hardware.VRAMBytes / int64(count)
	if m.Hardware.UnifiedMemory {
		free = int64(hwprofile.AppleDefaultGPULimit(uint64(free)))
		o.notes = append(o.notes, fmt.Sprintf("unified memory: the GPU may use %.0f GiB of the %.0f GiB (macOS's default wired limit)",
			float64(free)/(1<<30), float64(m.Hardware.VRAMBytes)/(1<<30)))
	}
	for range count {
		t.Memory.GPUs = append(t.Memory.GPUs, planner.GPU{FreeBytes: free, ReserveBytes: reserve})
	}
}

// power sets the watts and the price of the hardware.
func (o *reportOptions) power(t *planner.Target, m machine) {
	t.ActiveWatts, t.IdleWatts = o.activeWatts, o.idleWatts
	if t.ActiveWatts == 0 {
		t.ActiveWatts = 100
		if m.Watts > 0 {
			t.ActiveWatts = m.Watts + restOfMachineWatts
		}
	}
	if t.IdleWatts < 0 {
		t.IdleWatts = 30
		if len(t.Memory.GPUs) > 0 {
			t.IdleWatts = 60
		}
	}
	switch {
	case o.hardwareCost >= 0:
		t.PriceUSD = o.hardwareCost
	case o.hw.gpu != "":
		if g, ok := simulate.LookupGPU(o.hw.gpu); ok && g.PriceUSD > 0 {
			t.PriceUSD = g.PriceUSD*float64(max(o.hw.count, 1)) + restOfMachineUSD
		}
	}
}

// speeds predicts with, in order: the speeds measured by --bench for a
// model it holds; this machine's calibration when the hardware is this
// machine and a calibration file exists; the catalog efficiency.
func (o *reportOptions) speeds() (planner.Speeds, error) {
	measured, err := o.measured()
	if err != nil {
		return nil, err
	}
	cal, haveCal, err := o.calibration()
	if err != nil {
		return nil, err
	}
	return func(s simulate.ModelShape, hw simulate.Hardware, ctx, k int) simulate.Prediction {
		if svc, ok := measured[s.Name]; ok {
			return measuredPrediction(svc, k)
		}
		if haveCal && !o.hw.whatIf() {
			if p, err := cal.Predict(s, ctx, k); err == nil {
				return p
			}
		}
		return simulate.Predict(s, hw, ctx, k, simulate.DefaultEfficiency())
	}, nil
}

// measured reads the --bench file's concurrency curves by model.
func (o *reportOptions) measured() (map[string]*simulate.CurveService, error) {
	out := map[string]*simulate.CurveService{}
	if o.bench == "" {
		return out, nil
	}
	sums, err := readSummaries(o.bench, func(s string) { o.notes = append(o.notes, s) })
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for _, s := range sums {
		if seen[s.Model] {
			continue
		}
		seen[s.Model] = true
		if _, points, err := benchCurve(sums, s.Model); err == nil {
			if svc, err := simulate.NewCurveService(points); err == nil {
				out[s.Model] = svc
			}
		}
	}
	return out, nil
}

// measuredPrediction is a measured curve read as a prediction at k.
func measuredPrediction(svc *simulate.CurveService, k int) simulate.Prediction {
	pre, dec := svc.Aggregate(k)
	return simulate.Prediction{
		DecodeTPS: dec, DecodeLow: dec, DecodeHigh: dec, PerRequestTPS: dec / float64(k),
		PrefillTPS: pre, PrefillLow: pre, PrefillHigh: pre, GPUShare: 1, Basis: "measured",
	}
}

// calibration reads this machine's calibration file, if there is one. A
// file named with --calibration that cannot be read is an error; the
// default one is then only left out, with a note.
func (o *reportOptions) calibration() (simulate.Calibration, bool, error) {
	path := o.calibrationFile
	if path == "" {
		return simulate.Calibration{}, false, nil
	}
	c, err := calibrate.ReadFile(path)
	switch {
	case err != nil && o.calibrationGiven:
		return simulate.Calibration{}, false, fmt.Errorf("--calibration %s: %w", path, err)
	case err != nil:
		o.notes = append(o.notes, fmt.Sprintf("calibration %s not used: %v", path, err))
		return simulate.Calibration{}, false, nil
	}
	return c, true, nil
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
