package planner

import (
	"bytes"
	"context"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/plan-cli/plan/data"
	"github.com/plan-cli/plan/pricing"
	"github.com/plan-cli/plan/pricing/spend"
	"github.com/plan-cli/plan/pricing/usage"
	"github.com/plan-cli/plan/simulate"
)

// exampleTraffic reads the example usage export shipped in data.
func exampleTraffic(t *testing.T) *Traffic {
	t.Helper()
	path := filepath.Join(t.TempDir(), data.ExampleUsageName)
	if err := os.WriteFile(path, data.ExampleUsage(), 0o644); err != nil {
		t.Fatal(err)
	}
	table, err := pricing.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	tr, err := ReadTraffic(context.Background(), []string{path}, usage.Options{Stdin: bytes.NewReader(nil)}, spend.NewTablePricer(table))
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// gpuTarget is a catalog GPU with all its memory free but the reserve, in
// a machine with 64 GiB of RAM and a 60 GB/s, 1 TFLOPS CPU.
func gpuTarget(t *testing.T, name string, count int) Target {
	t.Helper()
	g, ok := simulate.LookupGPU(name)
	if !ok {
		t.Fatalf("%s not in the catalog", name)
	}
	hw := g.Hardware()
	hw.VRAMBytes *= int64(count)
	hw.CPUBandwidthGBs, hw.CPUTFLOPS = 60, 1
	var gpus []GPU
	for range count {
		gpus = append(gpus, GPU{FreeBytes: g.MemoryBytes - 300<<20, ReserveBytes: GPUReserveBytes})
	}
	return Target{
		Description: name, Hardware: hw, Memory: Machine{GPUs: gpus, FreeRAMBytes: 64 << 30},
		FlashAttention: true, ActiveWatts: g.TDPWatts*float64(count) + 150, IdleWatts: 60, PriceUSD: g.PriceUSD + 1200,
	}
}

func TestBuildExample(t *testing.T) {
	tr := exampleTraffic(t)
	rep, err := Build(Inputs{
		Traffic: tr, Target: gpuTarget(t, "RTX 4090", 1),
		Route: RouteRule{Quality: DefaultQualityRule(), SLOTTFT: 5, ShareLocal: -1, Seed: 1},
		Costs: CostInputs{HardwareUSD: 2800, LifeMonths: 36, ElectricityUSDPerKWh: 0.15, HorizonMonths: 36},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("monthly cloud $%.0f, local share of spend %.1f%%, requests %.1f%%, break-even %v months",
		rep.MonthlyCloudCostUSD, 100*rep.ShareSpendLocal, 100*rep.ShareRequestsLocal, deref(rep.BreakEvenMonths))
	for _, r := range rep.Recommendations {
		t.Logf("#%d %s %s %s q=%.0f mem=%.1fGB fit=%s decode=%.0f users=%d chosen=%v", r.Rank, r.Model, r.Quantization, r.Tier, r.Quality, float64(r.MemoryBytes)/1e9, r.Fit, r.DecodeTPS, r.ConcurrentUse, r.Chosen)
	}
	for _, r := range rep.Routes {
		t.Logf("route %s -> %q: %d/%d requests, $%.0f of $%.0f; stays %+v", r.CloudModel, r.LocalModel, r.RequestsLocal, r.Requests, r.SpendLocalUSD, r.SpendUSD, r.Stays)
	}
	if bh := rep.BusiestHour; bh != nil {
		t.Logf("busiest hour %v: %d requests, %d local, p95 %.1fs", bh.Start, bh.Requests, bh.ServedLocal, bh.LatencyP95)
	}
	if len(rep.Recommendations) == 0 || rep.ShareSpendLocal <= 0 || rep.ShareSpendLocal >= 1 {
		t.Errorf("recommendations %d, local share %v", len(rep.Recommendations), rep.ShareSpendLocal)
	}
	checkMinutes(t, rep.BusiestHour)
}

// checkMinutes checks the busiest hour's latency by minute: 60 minutes,
// the worst of them no better than the hour's p95 can allow.
func checkMinutes(t *testing.T, bh *BusiestHour) {
	t.Helper()
	if bh == nil || bh.ServedLocal == 0 {
		t.Fatal("no busiest hour served locally")
	}
	worst, minutes := 0.0, 0
	for _, v := range bh.LatencyByMin {
		if !math.IsNaN(v) {
			worst, minutes = max(worst, v), minutes+1
		}
	}
	if len(bh.LatencyByMin) != 60 || minutes == 0 || worst < bh.LatencyP50 {
		t.Errorf("latency by minute: %d minutes, %d with requests, worst p95 %.2fs against the hour's p50 %.2fs; want 60, some, at least the p50",
			len(bh.LatencyByMin), minutes, worst, bh.LatencyP50)
	}
}

func deref(p *float64) any {
	if p == nil {
		return "never"
	}
	return *p
}
