package planner

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/plan-cli/plan/hwprofile"
	"github.com/plan-cli/plan/pricing"
)

// Make is pure given its probes and clock: the same request gives the same
// plan, this machine is read once, and the clock dates the report.
func TestMakeWithProbes(t *testing.T) {
	prices, err := pricing.EmbeddedWith("")
	if err != nil {
		t.Fatal(err)
	}
	detects := 0
	probes := Probes{
		Detect: func(context.Context) (hwprofile.Profile, error) {
			detects++
			return hwprofile.Profile{CPU: hwprofile.CPU{Model: "test CPU", PhysicalCores: 8},
				Memory: hwprofile.Memory{TotalBytes: 64 << 30, AvailableBytes: 48 << 30}, BandwidthGBPerS: 80}, nil
		},
		MeasureBandwidth: func(context.Context) (Bandwidth, error) {
			t.Error("measured bandwidth with one in the profile")
			return Bandwidth{}, nil
		},
	}
	when := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	req := Request{Prices: prices, Hardware: HardwareSpec{GPU: "RTX 4090", Count: 1}, HardwareCost: -1, IdleWatts: -1,
		ShareLocal: -1, Tolerance: DefaultTolerance, SLOTTFT: 5, MinTPS: DefaultMinDecodeTPS, Parallel: 4, Top: 5, Seed: 1,
		Costs: CostInputs{LifeMonths: 36, ElectricityUSDPerKWh: 0.15, HorizonMonths: 36}, Now: func() time.Time { return when }}
	a, err := Make(context.Background(), req, probes)
	if err != nil {
		t.Fatal(err)
	}
	if detects != 1 || !a.Generated.Equal(when) || !a.ExampleData || a.Hardware.RAMBytes != 64<<30 {
		t.Errorf("detected %d times, generated %v, example %v, RAM %d; want once, %v, example data, 64 GiB",
			detects, a.Generated, a.ExampleData, a.Hardware.RAMBytes, when)
	}
	b, err := Make(context.Background(), req, probes)
	if err != nil {
		t.Fatal(err)
	}
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	if string(ja) != string(jb) {
		i := 0
		for i < len(ja) && i < len(jb) && ja[i] == jb[i] {
			i++
		}
		t.Errorf("two plans of one request differ at byte %d:\n%s\n%s", i, ja[max(0, i-300):min(len(ja), i+100)], jb[max(0, i-300):min(len(jb), i+100)])
	}
}
