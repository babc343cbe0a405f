package report

import (
	"fmt"
	"time"

	"github.com/plan-cli/plan/planner"
)

// Report fixtures for the renderer tests: the figures are made up but
// consistent with each other, like a report planner would compute.

// sampleReport is a what-if RTX 4090 workstation taking most of the traffic
// of two OpenAI models while a Claude model stays in the cloud for its task
// class; it pays for itself in about 16 months.
func sampleReport() *planner.Report {
	in := planner.CostInputs{
		CloudDisplacedMonthlyUSD: 186, CloudRemainingMonthlyUSD: 114,
		HardwareUSD: 2750, LifeMonths: 36, ActiveWatts: 450, IdleWatts: 60, BusyHoursPerMonth: 120,
		ElectricityUSDPerKWh: 0.17, HorizonMonths: 36,
	}
	r := &planner.Report{
		Generated: time.Date(2026, 11, 22, 8, 30, 0, 0, time.UTC), OllamaVersion: "0.17.4",
		PlanVersion: "v0.4.0",
		Hardware: planner.HardwareSummary{
			Description: "RTX 4090 workstation", VRAMBytes: 24 << 30, VRAMFreeBytes: 23 << 30,
			RAMBytes: 64 << 30, RAMFreeBytes: 58 << 30, BandwidthGBs: 1008, TFLOPS: 165.2,
			ActiveWatts: 450, IdleWatts: 60, PriceUSD: 2750,
		},
		Usage: planner.UsageSummary{
			Files: []string{"exports/openai-2026-09-10.csv", "exports/anthropic-2026-09-10.csv"},
			From:  time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC),
			Months: 2.0, Requests: 360000, InputTokens: 412_000_000, OutputTokens: 61_500_000,
			SpendUSD: 600, MonthlySpendUSD: 300,
		},
		MonthlyCloudCostUSD: 300,
		ShareSpendLocal:     0.62, ShareRequestsLocal: 0.8625, ShareTokensLocal: 0.71,
		Recommendations: sampleRecommendations(),
		Routes:          sampleRoutes(),
		BusiestHour:     sampleBusiestHour(),
		BreakEven:       fixtureBreakEven(in),
		Sources: []planner.Source{
			{What: "cloud prices", From: "LiteLLM model_prices_and_context_window.json (embedded)", Date: "2026-10-30"},
			{What: "usage", From: "exports/openai-2026-09-10.csv, exports/anthropic-2026-09-10.csv", Date: "2026-09-01 to 2026-11-01"},
			{What: "speeds", From: "plan benchmark results ~/.local/share/plan/benchmarks.jsonl", Date: "2026-11-20"},
			{What: "quality scores", From: "LMArena text leaderboard <snapshot>", Date: "2026-10-15"},
			{What: "quantization penalty", From: "llama.cpp perplexity and KL divergence tables"},
		},
		Notes: []string{
			"Speeds of llama3.1:8b are estimated from the GPU catalog: run plan benchmark --model llama3.1:8b to measure them.",
			"Prices of claude-3-5-sonnet & gpt-4o are list prices without batch discounts.",
		},
	}
	r.BreakEvenMonths = r.BreakEven.BreakEvenMonths
	r.SLOTTFTSeconds = 5
	r.MonthlyLocalCostUSD = r.BreakEven.LocalMonthlyUSD
	return r
}

func sampleRecommendations() []planner.Recommendation {
	ollama := planner.OllamaSettings{ContextLength: 16384, NumParallel: 4, KVCacheType: "q8_0", FlashAttention: true, MaxLoadedModels: 2}
	return []planner.Recommendation{
		{Rank: 1, Chosen: true, Model: "qwen2.5:14b", OllamaTag: "qwen2.5:14b", Quantization: "Q4_K_M", Tier: "gpt-4o-mini class", Quality: 1254,
			TaskClasses: []string{"summarize", "extract", "draft", "refactor"}, QualityNote: "-6 points for Q4_K_M (KLD 0.031)",
			MemoryBytes: 11_900_000_000, Fit: "gpu", GPULayers: 49, Layers: 49, ContextTokens: 16384,
			DecodeTPS: 58.2, DecodeLow: 55.9, DecodeHigh: 60.1, PrefillTPS: 3120, Basis: "measured", ConcurrentUse: 6, Ollama: ollama},
		{Rank: 2, Model: "llama3.1:8b", OllamaTag: "llama3.1:8b-instruct-q8_0", Quantization: "Q8_0", Tier: "gpt-3.5 class", Quality: 1176,
			TaskClasses: []string{"classify", "routing", "tool-selection"},
			MemoryBytes: 9_800_000_000, Fit: "gpu", GPULayers: 33, Layers: 33, ContextTokens: 8192,
			DecodeTPS: 96.4, DecodeLow: 81.0, DecodeHigh: 111.8, PrefillTPS: 5400, Basis: "estimated from catalog", ConcurrentUse: 10,
			Ollama: planner.OllamaSettings{ContextLength: 8192, NumParallel: 4, KVCacheType: "q8_0", FlashAttention: true, MaxLoadedModels: 2}},
		{Rank: 3, Model: "qwen2.5:32b", OllamaTag: "qwen2.5:32b", Quantization: "Q4_K_M", Tier: "gpt-4o class", Quality: 1288,
			MemoryBytes: 27_300_000_000, Fit: "partial", GPULayers: 52, Layers: 64, ContextTokens: 16384,
			DecodeTPS: 11.3, DecodeLow: 8.9, DecodeHigh: 13.6, PrefillTPS: 610, Basis: "calibrated here", ConcurrentUse: 1,
			Ollama: planner.OllamaSettings{ContextLength: 16384, NumParallel: 1, KVCacheType: "q8_0", FlashAttention: true, MaxLoadedModels: 1}},
	}
}

func sampleRoutes() []planner.Route {
	return []planner.Route{
		{CloudModel: "gpt-4o", LocalModel: "qwen2.5:14b", TaskClass: "summarize",
			Requests: 104000, RequestsLocal: 93600, Tokens: 296_000_000, TokensLocal: 214_000_000, SpendUSD: 150, SpendLocalUSD: 139.5,
			Stays: []planner.Stay{
				{Reason: "context", Requests: 6200, SpendUSD: 6.9, Detail: "requests longer than the 16,384-token local context"},
				{Reason: "capacity", Requests: 4200, SpendUSD: 3.6, Detail: "spilled while the local server was busy at peak hours"},
			}},
		{CloudModel: "gpt-4o-mini", LocalModel: "llama3.1:8b", TaskClass: "classify",
			Requests: 220000, RequestsLocal: 216900, Tokens: 141_000_000, TokensLocal: 122_000_000, SpendUSD: 54, SpendLocalUSD: 46.5,
			Stays: []planner.Stay{{Reason: "context", Requests: 3100, SpendUSD: 7.5, Detail: "requests longer than the 8,192-token local context"}}},
		{CloudModel: "claude-3-5-sonnet", TaskClass: "complex-reasoning",
			Requests: 36000, Tokens: 36_500_000, SpendUSD: 96,
			Stays: []planner.Stay{{Reason: "task class", Requests: 36000, SpendUSD: 96, Detail: "complex-reasoning is a frontier class and stays in the cloud"}}},
	}
}

func sampleBusiestHour() *planner.BusiestHour {
	lat := make([]float64, 60)
	for i := range lat {
		lat[i] = 2.5 + float64((i*7)%13)/4
	}
	return &planner.BusiestHour{
		Start: time.Date(2026, 10, 14, 15, 0, 0, 0, time.UTC), Requests: 824, ServedLocal: 760, Spilled: 64,
		LatencyP50: 3.2, LatencyP95: 9.1, TTFTP95: 1.4, Utilization: 0.87, TargetP95: 10, TargetTTFT: 2, LatencyByMin: lat,
	}
}

// fixtureBreakEven is planner's break-even analysis of in.
func fixtureBreakEven(in planner.CostInputs) planner.BreakEven {
	b, err := planner.ComputeBreakEven(in)
	if err != nil {
		panic(fmt.Sprintf("fixture break-even inputs %+v: %v", in, err))
	}
	return b
}

// exampleReport is the sample on the example data shipped with plan, for
// this machine, already owned: it pays from the first month.
func exampleReport() *planner.Report {
	r := sampleReport()
	r.ExampleData = true
	r.Usage.Files = []string{"example: openai-usage.csv", "example: anthropic-usage.csv"}
	r.Hardware.ThisMachine = true
	r.Hardware.PriceUSD = 0
	in := r.BreakEven.Inputs
	in.HardwareUSD = 0
	r.BreakEven = fixtureBreakEven(in)
	r.BreakEvenMonths = r.BreakEven.BreakEvenMonths
	r.MonthlyLocalCostUSD = r.BreakEven.LocalMonthlyUSD
	return r
}

// cpuOnlyReport is a small CPU-only machine whose candidates fall short of
// the cloud models' quality: nothing moves and nothing pays back.
func cpuOnlyReport() *planner.Report {
	r := sampleReport()
	r.Hardware = planner.HardwareSummary{Description: "Intel N100 mini PC", ThisMachine: true, RAMBytes: 16 << 30, RAMFreeBytes: 11 << 30,
		BandwidthGBs: 38, ActiveWatts: 25, IdleWatts: 6, PriceUSD: 0}
	r.Recommendations = []planner.Recommendation{{Rank: 1, Model: "llama3.2:3b", OllamaTag: "llama3.2:3b", Quantization: "Q4_K_M", Tier: "small", Quality: 1103,
		MemoryBytes: 2_600_000_000, Fit: "cpu", Layers: 28, ContextTokens: 4096, DecodeTPS: 9.8, DecodeLow: 9.1, DecodeHigh: 10.4,
		PrefillTPS: 48, Basis: "measured", ConcurrentUse: 1,
		Chosen: true, Ollama: planner.OllamaSettings{ContextLength: 4096, NumParallel: 1, KVCacheType: "f16", MaxLoadedModels: 1}}}
	for i := range r.Routes {
		rt := &r.Routes[i]
		rt.LocalModel, rt.RequestsLocal, rt.TokensLocal, rt.SpendLocalUSD = "", 0, 0, 0
		rt.Stays = []planner.Stay{{Reason: "quality", Requests: rt.Requests, SpendUSD: rt.SpendUSD,
			Detail: "llama3.2:3b scores 1103, more than 50 points under " + rt.CloudModel}}
	}
	r.Routes[2].Stays[0] = planner.Stay{Reason: "task class", Requests: 36000, SpendUSD: 96}
	r.ShareSpendLocal, r.ShareRequestsLocal, r.ShareTokensLocal = 0, 0, 0
	r.BusiestHour = nil
	r.BreakEven = fixtureBreakEven(planner.CostInputs{CloudRemainingMonthlyUSD: 300, LifeMonths: 36, ActiveWatts: 25, IdleWatts: 6,
		ElectricityUSDPerKWh: 0.17, HorizonMonths: 36})
	r.BreakEvenMonths = r.BreakEven.BreakEvenMonths
	r.MonthlyLocalCostUSD = r.BreakEven.LocalMonthlyUSD
	r.Notes = nil
	return r
}
