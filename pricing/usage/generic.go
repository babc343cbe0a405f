package usage

import "strings"

var genericInfo = FormatInfo{
	Name: FormatGenericCSV,
	Description: "the generic CSV documented in the package doc: input_tokens include cached and " +
		"cache-write tokens, output_tokens include reasoning",
	Required: []string{"timestamp", "model", "input_tokens", "output_tokens"},
}

type generic struct {
	when, provider, model, requests, cost        int
	input, cached, cacheWrite, output, reasoning int
	project, key, user                           int
}

func bindGeneric(h header) rowParser {
	return &generic{
		when: h.col("timestamp"), provider: h.col("provider"), model: h.col("model"),
		requests: h.col("requests"), cost: h.col("cost_usd"),
		input: h.col("input_tokens"), cached: h.col("cached_input_tokens"),
		cacheWrite: h.col("cache_write_tokens"), output: h.col("output_tokens"),
		reasoning: h.col("reasoning_tokens"),
		project:   h.col("project"), key: h.col("api_key"), user: h.col("user"),
	}
}

// parse reads one generic row. A bare date is the whole UTC day; without a
// requests value the request count is unknown.
func (c *generic) parse(r *row, rec *Record) error {
	rec.Kind = KindUsage
	rec.Start, rec.End = r.day(c.when)
	rec.Provider = r.in.get(strings.ToLower(r.str(c.provider)))
	rec.Model = r.need(c.model)
	rec.Project, rec.APIKey, rec.User = r.name(c.project), r.name(c.key), r.name(c.user)
	if r.str(c.requests) != "" {
		rec.Requests, rec.RequestsKnown = r.count(c.requests), true
	}
	rec.Output, rec.Reasoning = r.count(c.output), r.count(c.reasoning)
	r.splitInput(rec, "input_tokens", r.count(c.input), r.count(c.cached), r.count(c.cacheWrite))
	r.reasoningWithin(rec, "reasoning_tokens", "output_tokens")
	rec.ReportedCostUSD, rec.CostKnown = r.usd(c.cost, false)
	return r.err
}
