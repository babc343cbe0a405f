package usage

var anthropicUsageInfo = FormatInfo{
	Name: FormatAnthropicUsageCSV,
	Description: "Anthropic Console token export: one row per day, model, key, workspace and tier; " +
		"no-cache, cache-write (5m, 1h) and cache-read input columns are disjoint",
	Required: []string{"usage_date_utc", "model_version", "usage_input_tokens_no_cache", "usage_output_tokens"},
}

var anthropicCostInfo = FormatInfo{
	Name: FormatAnthropicCostCSV,
	Description: "Anthropic Console cost export: cost_usd per day, model (display name such as " +
		`"Claude Haiku 4.5") and token_type`,
	Required: []string{"usage_date_utc", "model", "token_type", "cost_usd"},
}

var anthropicUsageJSONInfo = FormatInfo{
	Name: FormatAnthropicUsageJSON,
	Description: "Anthropic Admin API usage report pages (GET /v1/organizations/usage_report/messages); " +
		"no request counts",
	Required: []string{"data[].starting_at", "data[].results[].uncached_input_tokens", "data[].results[].output_tokens"},
}

type anthropicUsage struct {
	date, model, key, workspace, usageType, window         int
	noCache, write5m, write1h, writeOld, cacheRead, output int
}

func bindAnthropicUsage(h header) rowParser {
	return &anthropicUsage{
		date: h.col("usage_date_utc"), model: h.col("model_version"), key: h.col("api_key"),
		workspace: h.col("workspace"), usageType: h.col("usage_type"), window: h.col("context_window"),
		noCache:   h.col("usage_input_tokens_no_cache"),
		write5m:   h.col("usage_input_tokens_cache_write_5m"),
		write1h:   h.col("usage_input_tokens_cache_write_1h"),
		writeOld:  h.col("usage_input_tokens_cache_write"),
		cacheRead: h.col("usage_input_tokens_cache_read"),
		output:    h.col("usage_output_tokens"),
	}
}

// parse reads an Anthropic Console usage row. The input columns are disjoint;
// the older export's single cache-write column counts as 5-minute writes.
func (c *anthropicUsage) parse(r *row, rec *Record) error {
	rec.Kind, rec.Provider = KindUsage, "anthropic"
	rec.Start, rec.End = r.day(c.date)
	rec.Model = r.need(c.model)
	rec.APIKey, rec.Project = r.name(c.key), r.name(c.workspace)
	rec.ServiceTier = r.name(c.usageType)
	rec.Batch = isBatch(rec.ServiceTier)
	rec.LongContext = longContext(r.str(c.window))
	rec.InputUncached = r.count(c.noCache)
	rec.CacheWrite5m = r.count(c.write5m) + r.count(c.writeOld)
	rec.CacheWrite1h = r.count(c.write1h)
	rec.CacheRead = r.count(c.cacheRead)
	rec.Output = r.count(c.output)
	return r.err
}

type anthropicCost struct {
	date, model, workspace, key, usageType, window, tokenType, costType, cost int
}

func bindAnthropicCost(h header) rowParser {
	return &anthropicCost{
		date: h.col("usage_date_utc"), model: h.col("model"), workspace: h.col("workspace"),
		key: h.col("api_key"), usageType: h.col("usage_type"), window: h.col("context_window"),
		tokenType: h.col("token_type"), costType: h.col("cost_type"), cost: h.col("cost_usd"),
	}
}

// parse reads an Anthropic Console cost row; the model keeps its display
// name and the token type becomes the line item.
func (c *anthropicCost) parse(r *row, rec *Record) error {
	rec.Kind, rec.Provider = KindCost, "anthropic"
	rec.Start, rec.End = r.day(c.date)
	rec.Model = r.name(c.model)
	rec.Project, rec.APIKey = r.name(c.workspace), r.name(c.key)
	rec.Batch = isBatch(r.str(c.usageType))
	rec.LongContext = longContext(r.str(c.window))
	rec.LineItem = r.name(c.tokenType)
	if rec.LineItem == "" {
		rec.LineItem = r.name(c.costType)
	}
	r.need(c.cost)
	rec.ReportedCostUSD, rec.CostKnown = r.usd(c.cost, true)
	return r.err
}

// anthropicUsage maps one result of an Admin API usage report page.
func (res *apiResult) anthropicUsage(c *checker, in *interner, rec *Record) {
	rec.Kind, rec.Provider = KindUsage, "anthropic"
	rec.Model = in.get(res.Model) // null unless the report is grouped by model
	rec.APIKey, rec.Project = in.get(res.APIKeyID), in.get(res.WorkspaceID)
	rec.ServiceTier = in.get(res.ServiceTier)
	rec.Batch = isBatch(res.ServiceTier)
	rec.LongContext = longContext(res.ContextWindow)
	rec.InputUncached = c.count("uncached_input_tokens", string(res.UncachedInputTokens))
	rec.CacheRead = c.count("cache_read_input_tokens", string(res.CacheReadInputTokens))
	if cc := res.CacheCreation; cc != nil {
		rec.CacheWrite5m = c.count("cache_creation.ephemeral_5m_input_tokens", string(cc.Ephemeral5m))
		rec.CacheWrite1h = c.count("cache_creation.ephemeral_1h_input_tokens", string(cc.Ephemeral1h))
	}
	rec.Output = c.count("output_tokens", string(res.OutputTokens))
}
