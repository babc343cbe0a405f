package spend

import "sort"

// Summary is everything `plan usage` reports.
type Summary struct {
	Records      int64   `json:"records"`
	TotalCostUSD float64 `json:"total_cost_usd"`
	// TotalReportedCostUSD sums the costs carried by usage rows (OpenRouter,
	// LiteLLM, generic cost_usd); TotalCostExportUSD those of cost exports.
	TotalReportedCostUSD   float64 `json:"total_reported_cost_usd,omitempty"`
	TotalCostExportUSD     float64 `json:"total_cost_export_usd,omitempty"`
	TotalInputTokens       int64   `json:"total_input_tokens"`
	TotalCachedInputTokens int64   `json:"total_cached_input_tokens"`
	TotalCacheWriteTokens  int64   `json:"total_cache_write_tokens"`
	TotalOutputTokens      int64   `json:"total_output_tokens"`
	TotalReasoningTokens   int64   `json:"total_reasoning_tokens"`
	TotalRequests          int64   `json:"total_requests"`
	RequestsKnown          bool    `json:"requests_known"`
	CacheHitShare          float64 `json:"cache_hit_share"`
	InputOutputRatio       float64 `json:"input_output_ratio"`

	By       string        `json:"by"`
	Groups   []GroupRow    `json:"groups"`
	ByModel  []ModelRow    `json:"by_model"`
	Unpriced []UnpricedRow `json:"unpriced,omitempty"`
	Load     LoadShape     `json:"load"`
	// Days compares reported and computed cost per day; present when a cost
	// export was read alongside usage.
	Days []DayCost `json:"days,omitempty"`
}

// Summary returns the totals so far.
func (a *Aggregator) Summary() Summary {
	s := Summary{
		Records: int64(a.records), TotalCostUSD: a.cost, TotalReportedCostUSD: a.reported, TotalCostExportUSD: a.exported,
		TotalInputTokens: a.total.Input, TotalCachedInputTokens: a.total.Cached, TotalCacheWriteTokens: a.total.CacheWrite,
		TotalOutputTokens: a.total.Output, TotalReasoningTokens: a.total.Reasoning, TotalRequests: a.total.Requests,
		RequestsKnown: a.reqKnown, CacheHitShare: a.total.CacheHitShare(), InputOutputRatio: a.total.InputOutputRatio(),
		By: a.by, Load: a.load.summary(),
	}
	s.ByModel = a.modelRows()
	s.Groups = a.groupRows()
	for _, k := range sortedKeys(a.unpriced) {
		s.Unpriced = append(s.Unpriced, *a.unpriced[k])
	}
	s.Days = a.dayRows()
	return s
}

func (a *Aggregator) modelRows() []ModelRow {
	rows := make([]ModelRow, 0, len(a.models))
	for _, k := range sortedKeys(a.models) {
		m := *a.models[k]
		m.finish()
		rows = append(rows, m)
	}
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].CostUSD > rows[j].CostUSD })
	return rows
}

func (a *Aggregator) groupRows() []GroupRow {
	rows := make([]GroupRow, 0, len(a.groups))
	for _, k := range sortedKeys(a.groups) {
		g := *a.groups[k]
		g.CacheHit, g.IORatio = g.CacheHitShare(), g.InputOutputRatio()
		rows = append(rows, g)
	}
	if a.by == "model" || a.by == "provider" || a.by == "project" {
		sort.SliceStable(rows, func(i, j int) bool { return rows[i].CostUSD > rows[j].CostUSD })
	}
	return rows
}

// dayRows lists the days with a reported cost, when any cost export was read.
func (a *Aggregator) dayRows() []DayCost {
	any := false
	for _, d := range a.days {
		any = any || d.ReportedKnown
	}
	if !any {
		return nil
	}
	var rows []DayCost
	for _, d := range a.days {
		if d.ReportedKnown {
			d.DifferenceUSD = d.ReportedUSD - d.ComputedUSD
		}
		rows = append(rows, *d)
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].Day < rows[j].Day })
	return rows
}
