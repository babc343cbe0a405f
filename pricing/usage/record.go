package usage

import "time"

// Kind tells what a record counts.
type Kind string

const (
	// KindUsage is a row of token usage (with a reported cost when the export has one).
	KindUsage Kind = "usage"
	// KindCost is a row of a cost export: money only, no tokens.
	KindCost Kind = "cost"
)

// Record is one row of any export, in one meaning whatever the provider.
// Token fields are disjoint: InputUncached + CacheRead + CacheWrite5m +
// CacheWrite1h is every input token. Reasoning tokens are part of Output
// (they are billed as output); Reasoning says how many of them there were.
type Record struct {
	Kind   Kind   `json:"kind"`
	Format string `json:"format"` // the importer, e.g. "openai-usage-csv"
	File   string `json:"file"`
	Line   int    `json:"line"`

	Start time.Time `json:"start"` // bucket start, or the request time
	End   time.Time `json:"end"`   // bucket end; equal to Start for a single request

	Provider string `json:"provider"` // who served it: "openai", "anthropic", "google", ... ("" when unknown)
	Model    string `json:"model"`    // as exported
	// Upstream is the host that served the request when the export names one
	// apart from Provider (OpenRouter's provider_name, e.g. "Together").
	Upstream string `json:"upstream,omitempty"`

	Project  string `json:"project,omitempty"`   // project, workspace or team
	APIKey   string `json:"api_key,omitempty"`   // key id or name
	User     string `json:"user,omitempty"`      // user id or name
	LineItem string `json:"line_item,omitempty"` // cost exports: what the amount is for

	Requests      int64 `json:"requests"`
	RequestsKnown bool  `json:"requests_known"` // false when the export does not count requests

	InputUncached int64 `json:"input_uncached_tokens"`
	CacheRead     int64 `json:"cache_read_tokens"`
	CacheWrite5m  int64 `json:"cache_write_5m_tokens"`
	CacheWrite1h  int64 `json:"cache_write_1h_tokens"`
	Output        int64 `json:"output_tokens"`
	Reasoning     int64 `json:"reasoning_tokens"`

	Batch       bool   `json:"batch"`
	ServiceTier string `json:"service_tier,omitempty"` // "default", "flex", "priority", "batch", ... as exported
	// LongContext is true when the export says the requests were above the
	// provider's long-context threshold (Anthropic's context_window "> 200k").
	LongContext bool `json:"long_context"`

	ReportedCostUSD float64 `json:"reported_cost_usd"`
	CostKnown       bool    `json:"cost_known"` // the export carries a cost for this row

	// requestID is the export's id of the request (OpenRouter's
	// generation_id, LiteLLM's request_id), for finding repeated rows.
	requestID string
}

// InputTokens is every input token: uncached, cache reads and cache writes.
func (r Record) InputTokens() int64 {
	return r.InputUncached + r.CacheRead + r.CacheWrite5m + r.CacheWrite1h
}
