package planner

import "time"

// Report is the answer of plan report: what this hardware can run, which
// cloud traffic it can take, and when it pays for itself. Its JSON form is
// the --format json output.
type Report struct {
	Generated   time.Time `json:"generated"`
	PlanVersion string    `json:"plan_version"`
	// ExampleData is set when the usage came from the example exports
	// shipped with plan rather than the user's own.
	ExampleData bool `json:"example_data"`

	Hardware HardwareSummary `json:"hardware"`
	Usage    UsageSummary    `json:"usage"`

	// The headline figures, per month at today's usage.
	BreakEvenMonths     *float64 `json:"break_even_months"` // nil: never within the horizon
	MonthlyCloudCostUSD float64  `json:"monthly_cloud_cost_usd"`
	MonthlyLocalCostUSD float64  `json:"monthly_local_cost_usd"`
	ShareSpendLocal     float64  `json:"share_spend_local"`
	ShareRequestsLocal  float64  `json:"share_requests_local"`
	ShareTokensLocal    float64  `json:"share_tokens_local"`

	Recommendations []Recommendation `json:"recommendations"`
	Routes          []Route          `json:"routes"`
	BusiestHour     *BusiestHour     `json:"busiest_hour,omitempty"`
	BreakEven       BreakEven        `json:"break_even"`
	Sources         []Source         `json:"sources"`
	Notes           []string         `json:"notes,omitempty"`

	// The latency targets the routing keeps (0 = none), for the router
	// configuration that implements it.
	SLOTTFTSeconds float64 `json:"slo_ttft_seconds"`
	SLOE2ESeconds  float64 `json:"slo_e2e_seconds"`
	// OllamaURL is the Ollama server the plan was made for, when named, and
	// OllamaVersion its release (CurrentOllama when none is named): its
	// memory rules size the models and its settings are written.
	OllamaURL     string `json:"ollama_url,omitempty"`
	OllamaVersion string `json:"ollama_version"`
}

// HardwareSummary is the machine the plan is for.
type HardwareSummary struct {
	Description   string  `json:"description"`
	ThisMachine   bool    `json:"this_machine"`
	VRAMBytes     int64   `json:"vram_bytes"`
	VRAMFreeBytes int64   `json:"vram_free_bytes"`
	RAMBytes      int64   `json:"ram_bytes"`
	RAMFreeBytes  int64   `json:"ram_free_bytes"`
	BandwidthGBs  float64 `json:"bandwidth_gb_per_s"`
	TFLOPS        float64 `json:"tflops"`
	ActiveWatts   float64 `json:"active_watts"`
	IdleWatts     float64 `json:"idle_watts"`
	// PriceUSD is what the hardware costs; 0 for hardware already owned.
	PriceUSD float64 `json:"price_usd"`
}

// UsageSummary is the cloud traffic the plan is based on.
type UsageSummary struct {
	Files        []string  `json:"files"`
	From         time.Time `json:"from"`
	To           time.Time `json:"to"`
	Months       float64   `json:"months"` // span of the usage, in months of 30.44 days
	Requests     int64     `json:"requests"`
	InputTokens  int64     `json:"input_tokens"`
	OutputTokens int64     `json:"output_tokens"`
	SpendUSD     float64   `json:"spend_usd"`
	// MonthlySpendUSD adds each source's spend over its own period.
	MonthlySpendUSD float64 `json:"monthly_spend_usd"`
	// Sources are the export files with their periods; Assumptions say what
	// was assumed where they are silent (request counts, time of day).
	Sources     []UsageSource `json:"sources,omitempty"`
	Assumptions []string      `json:"assumptions,omitempty"`
}

// Recommendation is one model at one quantization that fits the hardware.
type Recommendation struct {
	Rank   int    `json:"rank"`
	Chosen bool   `json:"chosen"` // the model the routing and break-even use
	Model  string `json:"model"`  // Ollama tag
	// OllamaTag is the tag to pull and serve for this quantization: the
	// installed one, or the library's (gemma3:12b-it-q8_0); "" when the
	// library has none.
	OllamaTag    string `json:"ollama_tag"`
	Quantization string `json:"quantization"`
	// Tier is the quality tier on the common scale; TaskClasses the task
	// classes it is adequate for.
	Tier        string   `json:"tier"`
	TaskClasses []string `json:"task_classes,omitempty"`
	// Replaces lists the cloud models of the usage whose traffic it may
	// take (task class and quality allowing; plan report only).
	Replaces    []string `json:"replaces,omitempty"`
	Quality     float64  `json:"quality"` // LMArena-scale score after the quantization penalty
	QualityNote string   `json:"quality_note,omitempty"`

	MemoryBytes   int64  `json:"memory_bytes"` // at ContextTokens x Ollama.NumParallel
	Fit           string `json:"fit"`          // gpu, partial, cpu
	GPULayers     int    `json:"gpu_layers"`
	Layers        int    `json:"layers"`
	ContextTokens int    `json:"context_tokens"`

	DecodeTPS     float64 `json:"decode_tokens_per_second"`
	DecodeLow     float64 `json:"decode_tokens_per_second_low"`
	DecodeHigh    float64 `json:"decode_tokens_per_second_high"`
	PrefillTPS    float64 `json:"prefill_tokens_per_second"`
	Basis         string  `json:"basis"` // measured, calibrated here, estimated from catalog
	ConcurrentUse int     `json:"concurrent_users"`

	Ollama OllamaSettings `json:"ollama"`
}

// OllamaSettings is the server environment that runs a recommendation.
type OllamaSettings struct {
	ContextLength   int    `json:"OLLAMA_CONTEXT_LENGTH"`
	NumParallel     int    `json:"OLLAMA_NUM_PARALLEL"`
	KVCacheType     string `json:"OLLAMA_KV_CACHE_TYPE"`
	FlashAttention  bool   `json:"OLLAMA_FLASH_ATTENTION"`
	MaxLoadedModels int    `json:"OLLAMA_MAX_LOADED_MODELS"`
}

// Route says how much of one cloud model's traffic can move local, and why
// the rest stays. Money is per month.
type Route struct {
	CloudModel string `json:"cloud_model"`
	LocalModel string `json:"local_model,omitempty"` // "" when nothing local can take it
	TaskClass  string `json:"task_class"`

	Requests      int64   `json:"requests"`
	RequestsLocal int64   `json:"requests_local"`
	Tokens        int64   `json:"tokens"`
	TokensLocal   int64   `json:"tokens_local"`
	SpendUSD      float64 `json:"monthly_spend_usd"`
	SpendLocalUSD float64 `json:"monthly_spend_local_usd"`
	Stays         []Stay  `json:"stays,omitempty"`
}

// Stay is a reason part of the traffic stays in the cloud.
type Stay struct {
	Reason   string  `json:"reason"` // quality, task class, context, capacity, share override
	Requests int64   `json:"requests"`
	SpendUSD float64 `json:"monthly_spend_usd"`
	Detail   string  `json:"detail,omitempty"`
}

// BusiestHour is the routed load at the busiest hour of the usage, replayed
// on the local server.
type BusiestHour struct {
	Start        time.Time `json:"start"`
	Requests     int       `json:"requests"`
	ServedLocal  int       `json:"served_local"`
	Spilled      int       `json:"spilled"`
	LatencyP50   float64   `json:"latency_seconds_p50"`
	LatencyP95   float64   `json:"latency_seconds_p95"`
	TTFTP95      float64   `json:"ttft_seconds_p95"`
	Utilization  float64   `json:"utilization"`
	TargetP95    float64   `json:"slo_e2e_seconds"`  // the end-to-end target (--slo-e2e); 0 when none
	TargetTTFT   float64   `json:"slo_ttft_seconds"` // the time-to-first-token target (--slo-ttft); 0 when none
	LatencyByMin []float64 `json:"-"`                // p95 latency of each minute; NaN when no request was served locally
}

// Source names a catalog or input the report used, with its date.
type Source struct {
	What string `json:"what"`
	From string `json:"from"`
	Date string `json:"date,omitempty"`
}

// CostInputs are the money figures of a break-even analysis. Money is USD,
// rates are per year as fractions (0.1 = +10% a year).
type CostInputs struct {
	// CloudDisplacedMonthlyUSD is the cloud spend per month, at today's
	// usage and prices, that the local hardware takes over.
	CloudDisplacedMonthlyUSD float64 `json:"cloud_displaced_monthly_usd"`
	// CloudRemainingMonthlyUSD is the spend that stays in the cloud either
	// way; it is the same in both scenarios and shown for the totals.
	CloudRemainingMonthlyUSD float64 `json:"cloud_remaining_monthly_usd"`

	HardwareUSD            float64 `json:"hardware_usd"` // 0 for hardware already owned
	LifeMonths             int     `json:"life_months"`  // amortization period
	ResaleUSD              float64 `json:"resale_usd"`   // value at the end of its life
	MaintenanceUSDPerMonth float64 `json:"maintenance_usd_per_month"`

	ActiveWatts          float64 `json:"active_watts"`
	IdleWatts            float64 `json:"idle_watts"`
	BusyHoursPerMonth    float64 `json:"busy_hours_per_month"` // serving the displaced tokens at the measured speed
	ElectricityUSDPerKWh float64 `json:"electricity_usd_per_kwh"`

	CloudPriceChangePerYear float64 `json:"cloud_price_change_per_year"`
	UsageGrowthPerYear      float64 `json:"usage_growth_per_year"`
	HorizonMonths           int     `json:"horizon_months"`
}

// BreakEven compares running the displaced traffic in the cloud with
// buying and running the local hardware, month by month.
type BreakEven struct {
	Inputs CostInputs `json:"inputs"`
	// Months holds the cumulative cost of each scenario at the end of each
	// month, month 1 first; month 0 (the purchase) is CumulativeLocal's
	// starting point HardwareUSD.
	Months []MonthCost `json:"months"`
	// StartLocalUSD is the cumulative local cost at month 0: the hardware
	// price net of its resale value, which ComputeBreakEven counts at the
	// purchase (0 for hardware already owned).
	StartLocalUSD float64 `json:"start_local_usd"`
	// BreakEvenMonths is when the cumulative local cost falls to the
	// cumulative cloud cost (fractional, interpolated); nil when it does
	// not within the horizon.
	BreakEvenMonths *float64 `json:"break_even_months"`
	// ElectricityUSDPerMonth and AmortizedUSDPerMonth make up the local
	// monthly cost with maintenance.
	ElectricityUSDPerMonth float64 `json:"electricity_usd_per_month"`
	AmortizedUSDPerMonth   float64 `json:"amortized_usd_per_month"`
	LocalMonthlyUSD        float64 `json:"local_monthly_usd"`
	// TCO over 36 months: total cost of ownership of each scenario.
	TCO36CloudUSD float64       `json:"tco_36_months_cloud_usd"`
	TCO36LocalUSD float64       `json:"tco_36_months_local_usd"`
	Sensitivity   []Sensitivity `json:"sensitivity"`

	// TCO36CloudRemainingUSD is the cloud spend both scenarios pay over 36
	// months and that the figures above leave out: the remaining spend,
	// plus the displaced traffic a saturated machine cannot serve. Add it to
	// either TCO for the whole bill.
	TCO36CloudRemainingUSD float64 `json:"tco_36_months_cloud_remaining_usd"`
	// Notes explain the curves: a saturated machine, a replacement bought
	// when the analysis outlasts the hardware's life.
	Notes []string `json:"notes,omitempty"`
}

// MonthCost is the cumulative cost of both scenarios after a month.
type MonthCost struct {
	Month           int     `json:"month"`
	CumulativeCloud float64 `json:"cumulative_cloud_usd"`
	CumulativeLocal float64 `json:"cumulative_local_usd"`
}

// Sensitivity is the break-even month when one input changes.
type Sensitivity struct {
	Input           string   `json:"input"` // e.g. cloud price change per year
	Value           string   `json:"value"` // e.g. -30%
	BreakEvenMonths *float64 `json:"break_even_months"`
	TCO36LocalUSD   float64  `json:"tco_36_months_local_usd"`
}
