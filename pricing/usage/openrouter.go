package usage

var openRouterInfo = FormatInfo{
	Name: FormatOpenRouterCSV,
	Description: "OpenRouter activity export: one row per request; tokens_prompt includes tokens_cached, " +
		"tokens_completion includes tokens_reasoning, cost_total in USD",
	Required: []string{"generation_id", "created_at", "model_permaslug", "tokens_prompt", "tokens_completion"},
}

type openRouter struct {
	created, cost, prompt, completion, reasoning, cached int
	model, host, variant, user, key, app, id             int
	lastModel, lastProvider                              string
}

func bindOpenRouter(h header) rowParser {
	return &openRouter{
		created: h.col("created_at"), cost: h.col("cost_total"),
		prompt: h.col("tokens_prompt"), completion: h.col("tokens_completion"),
		reasoning: h.col("tokens_reasoning"), cached: h.col("tokens_cached"),
		model: h.col("model_permaslug"), host: h.col("provider_name"), variant: h.col("variant"),
		user: h.col("user"), key: h.col("api_key_name"), app: h.col("app_name"), id: h.col("generation_id"),
	}
}

// parse reads one OpenRouter request. The provider is the slug's prefix
// ("openai" in "openai/gpt-4o-2024-08-06"); provider_name, the host that
// served it, becomes Upstream. Cancelled requests still count: they were
// billed for what they used.
func (c *openRouter) parse(r *row, rec *Record) error {
	rec.Kind = KindUsage
	rec.Start = r.when(c.created)
	rec.End = rec.Start
	rec.Model = r.need(c.model)
	if rec.Model != c.lastModel {
		c.lastModel, c.lastProvider = rec.Model, r.in.get(slugProvider(rec.Model))
	}
	rec.Provider = c.lastProvider
	rec.Upstream, rec.ServiceTier = r.name(c.host), r.name(c.variant)
	rec.User, rec.APIKey, rec.Project = r.name(c.user), r.name(c.key), r.name(c.app)
	rec.Requests, rec.RequestsKnown = 1, true
	rec.requestID = r.str(c.id)
	rec.Output, rec.Reasoning = r.count(c.completion), r.count(c.reasoning)
	r.splitInput(rec, "tokens_prompt", r.count(c.prompt), r.count(c.cached), 0)
	r.reasoningWithin(rec, "tokens_reasoning", "tokens_completion")
	rec.ReportedCostUSD, rec.CostKnown = r.usd(c.cost, false)
	return r.err
}
