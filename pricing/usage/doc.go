// Package usage reads cloud usage exports (OpenAI, Anthropic, OpenRouter,
// LiteLLM and a documented generic CSV), detects their format from the header
// row or JSON shape, and turns every row into one normalised Record,
// streaming, so memory stays flat whatever the file size.
//
// # Inputs
//
// Read takes file names, directories and "-" for a reader the caller passes
// in (Options.Stdin). A directory is read recursively, its files in lexical
// order, skipping names that begin with a dot; every other file in it must be
// an export. Any file may be gzip-compressed (recognised by its magic bytes,
// whatever its name) and may start with a UTF-8 byte-order mark; CSV lines
// may end in CRLF and fields may be quoted. CSV columns are found by name, in
// any order; columns a format does not use are ignored.
//
// # Formats
//
// Each file's format is detected from its header row (CSV) or its fields
// (JSON); Options.Format names one instead. Formats lists them:
//
//	openai-usage-csv       OpenAI usage export, completions_usage_<from>_<to>.csv (1d, 1h or 1m buckets)
//	openai-cost-csv        OpenAI cost export: amount_value in USD per bucket and line item
//	openai-usage-json      OpenAI Usage API pages, GET /v1/organization/usage/completions
//	openai-cost-json       OpenAI Costs API pages, GET /v1/organization/costs
//	anthropic-usage-csv    Anthropic Console token export (the older one-cache-write-column file too)
//	anthropic-cost-csv     Anthropic Console cost export
//	anthropic-usage-json   Anthropic Admin API, GET /v1/organizations/usage_report/messages
//	openrouter-csv         OpenRouter activity export, one row per request
//	litellm-spendlogs-csv  LiteLLM proxy spend logs (LiteLLM_SpendLogs), one row per request
//	litellm-daily-csv      LiteLLM daily spend (LiteLLM_DailyUserSpend and its team/tag twins)
//	generic-csv            the generic CSV below
//
// JSON input is one page, an array of pages, or pages one after another, as
// saved from the API.
//
// # What the counts mean
//
// Every provider counts tokens its own way; Record holds them one way:
// disjoint input counts (uncached, cache read, cache write 5m and 1h), and
// output that includes reasoning.
//
//   - OpenAI: input_tokens include input_cached_tokens and
//     input_cache_write_tokens, so the uncached input is the difference.
//     Cache writes count as 5-minute writes.
//   - Anthropic: the no-cache, cache-write and cache-read columns are
//     disjoint and kept as they are; the older Console export's single
//     usage_input_tokens_cache_write column counts as 5-minute writes.
//     Anthropic exports count no requests (RequestsKnown is false).
//     context_window "> 200k" (or "200k-1M") sets LongContext.
//   - OpenRouter: tokens_prompt includes tokens_cached (a missing
//     tokens_cached column means no cache reads); tokens_completion includes
//     tokens_reasoning. Provider is the model slug's prefix ("openai" in
//     "openai/gpt-4o-2024-08-06"); provider_name, the host that served the
//     request, is Upstream. Cancelled requests count: they were billed.
//     The reported cost is cost_total; bring-your-own-key charges paid to
//     the upstream provider (byok_usage_inference) are not in it.
//   - LiteLLM: prompt_tokens follow OpenAI's way of counting and include
//     the cache reads, and in current LiteLLM the cache writes as well. So
//     the uncached input is prompt_tokens minus cache_read_input_tokens
//     minus cache_creation_input_tokens; where prompt_tokens is smaller than
//     reads plus writes the row comes from an older LiteLLM, which left the
//     writes out, and the writes are added instead. Spend logs have no cache
//     columns: the cache and reasoning counts are read from the usage kept in
//     the metadata JSON (usage_object, or additional_usage_values in older
//     versions), and without it every prompt token counts as uncached. A
//     request answered from LiteLLM's own response cache (cache_hit true)
//     reached no model and is skipped. Provider is custom_llm_provider, else
//     the prefix of a "provider/model" name.
//   - Cost exports (OpenAI, Anthropic) become records of Kind KindCost with
//     no tokens; Anthropic's keep the display model name ("Claude Haiku
//     4.5"). Amounts are US dollars; a row in another currency is a bad row.
//
// Timestamps are read as UTC unless they carry a zone. A bucket given as a
// bare date (Anthropic, LiteLLM daily, generic) spans that whole UTC day.
//
// # Bad input
//
// A file whose header matches no format is an error naming the file, the
// columns it has and the formats read; so are a truncated gzip stream and
// broken JSON. A bad row (a count that is not a whole number, is negative or
// is above 1e12; a bad timestamp; the wrong number of fields; cached tokens
// above the input that should include them) is a Warning, "file:line:
// reason", counted in Stats.Skipped and skipped, or with Options.Strict an
// error that stops the read. Rows without usage (an OpenAI bucket with only
// its time columns filled) are skipped silently and counted in Stats.Ignored.
// An empty file, or a header with no rows, gives no records.
//
// # Generic CSV
//
// Usage from anywhere else can be converted to this CSV. The first row names
// the columns, in any order:
//
//	timestamp,provider,model,requests,input_tokens,cached_input_tokens,cache_write_tokens,output_tokens,reasoning_tokens,cost_usd
//	2026-07-01T09:30:00Z,openai,gpt-4o-mini,12,48000,16000,0,9000,0,0.0123
//	2026-07-01,anthropic,claude-sonnet-4-20250514,40,250000,180000,20000,30000,0,
//	1751362200,,llama-3.1-70b-instruct,1,2100,0,0,350,120,
//
// Only timestamp, model, input_tokens and output_tokens are required; an
// empty cell in another column counts as 0, or as unknown for requests and
// cost_usd.
//
//	timestamp            when: RFC 3339 (2026-07-01T09:30:00Z), YYYY-MM-DD (the
//	                     whole UTC day), YYYY-MM-DD HH:MM:SS (UTC) or unix seconds
//	provider             who served it: openai, anthropic, google, ...
//	model                the model, as the provider names it
//	requests             how many requests the row counts
//	input_tokens         every input token, INCLUDING cached_input_tokens and
//	                     cache_write_tokens (OpenAI's way of counting)
//	cached_input_tokens  input tokens read from the prompt cache
//	cache_write_tokens   input tokens written to the prompt cache (priced as
//	                     5-minute writes)
//	output_tokens        every output token, INCLUDING reasoning_tokens
//	reasoning_tokens     reasoning ("thinking") tokens
//	cost_usd             what the provider charged, in US dollars
//	project, api_key, user   optional labels, kept as given
//
// Counts are whole numbers (59200, or 59200.0 as spreadsheets write them, but
// not 59200.5), never negative and at most 1e12 in one row.
package usage
