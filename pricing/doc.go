// Package pricing holds the cloud side of the comparison: dated price tables
// in the LiteLLM schema, model-name canonicalisation, and the cost of usage.
//
// # Tables
//
// A Table is a set of model entries in the schema of BerriAI/litellm's
// model_prices_and_context_window.json, the de facto open price format:
// prices are USD per single token. Embedded returns the table built into plan
// (the OpenAI, Anthropic and Google chat models; package data gives its source
// and date); Load reads a whole LiteLLM file or a small file of overrides in
// the same schema, and Merge lays one table over another, field by field.
// Nothing is ever fetched over the network.
//
// The fields read are, for each component (see Component):
//
//	input_cost_per_token                        uncached input
//	cache_read_input_token_cost                 cache hits
//	cache_creation_input_token_cost             5-minute cache writes
//	cache_creation_input_token_cost_above_1hr   1-hour cache writes
//	output_cost_per_token                       output
//	output_cost_per_reasoning_token             reasoning, where billed apart
//
// each optionally followed by _above_<N>k_tokens (the long-context price, for
// prompts above N×1000 tokens) and by _batches, _flex or _priority (the
// service tier), as in input_cost_per_token_above_200k_tokens_priority; and
// litellm_provider, mode, max_input_tokens, max_output_tokens and
// deprecation_date. Everything else is ignored.
//
// # Names
//
// Exports name models in many ways: gpt-4o-2024-08-06, openai/gpt-4o,
// anthropic/claude-3.5-sonnet, "Claude Haiku 4.5". Canonical gives the one
// name usage is grouped by, and Table.Lookup the entry that prices it,
// preferring a snapshot's own entry where the table has one. A Pricer
// remembers lookups, so that pricing millions of rows stays cheap.
//
// # Cost
//
// Price.Cost applies the rates of one entry to Tokens:
//
//	Cost = InputUncached × input + CacheRead × cache read
//	     + CacheWrite5m × cache write + CacheWrite1h × 1-hour cache write
//	     + (Output − Reasoning) × output + Reasoning × reasoning
//
// at the service tier and long-context tier that Terms select. Where the
// entry lacks a price, Cost falls back (to the standard tier, the base
// context, the input price for cache reads and writes) and records it in
// Cost.Assumed, whose Notes say so in words: nothing is assumed silently,
// and an unknown model is never priced at $0.
//
// Costs are float64 USD, which is exact enough: against exact rational
// arithmetic, summing the per-row costs of 200,000 rows ($67,000 in all;
// TestSummingStaysWithinACent) errs by about $0.000000001, and of 2 million
// rows ($28.6 million) by about $0.000001. Summing the tokens first and
// pricing the sums once (Cost is linear in the tokens) does better still and
// is faster. Either is far inside a cent, so no decimal type is needed.
package pricing
