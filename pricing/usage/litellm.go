package usage

import (
	"encoding/json"
	"strings"
)

var liteLLMSpendInfo = FormatInfo{
	Name: FormatLiteLLMSpendCSV,
	Description: "LiteLLM proxy spend logs (LiteLLM_SpendLogs): one row per request, spend in USD; " +
		"prompt_tokens include cache reads",
	Required: []string{"request_id", "startTime", "model", "spend", "prompt_tokens", "completion_tokens"},
}

var liteLLMDailyInfo = FormatInfo{
	Name: FormatLiteLLMDailyCSV,
	Description: "LiteLLM daily spend (LiteLLM_DailyUserSpend and the team/tag tables): one row per day, " +
		"key and model; prompt_tokens include cache reads",
	Required: []string{"date", "model", "prompt_tokens", "completion_tokens", "spend", "api_requests"},
}

// liteLLMInput splits LiteLLM's prompt_tokens, which follow OpenAI's way of
// counting: they include the cache reads and, in current LiteLLM, the cache
// writes. Older LiteLLM left the writes out; a prompt count smaller than
// reads plus writes can only come from such a version, and then the writes
// are taken as extra.
func (c *checker) liteLLMInput(rec *Record, prompt, read, write int64) {
	if prompt < read+write && prompt >= read {
		c.splitInput(rec, "prompt_tokens", prompt+write, read, write)
		return
	}
	c.splitInput(rec, "prompt_tokens", prompt, read, write)
}

// liteLLMProvider is custom_llm_provider, or else the prefix of a
// "provider/model" name.
func liteLLMProvider(in *interner, provider, model string) string {
	if provider == "" {
		provider = slugProvider(model)
	}
	return in.get(strings.ToLower(provider))
}

type liteLLMSpend struct {
	start, end, model, group, provider, spend    int
	prompt, completion, read, write              int
	key, user, endUser, team, cacheHit, metadata int
	id                                           int
}

func bindLiteLLMSpend(h header) rowParser {
	return &liteLLMSpend{
		start: h.col("startTime"), end: h.col("endTime"), model: h.col("model"),
		group: h.col("model_group"), provider: h.col("custom_llm_provider"), spend: h.col("spend"),
		prompt: h.col("prompt_tokens"), completion: h.col("completion_tokens"),
		read: h.col("cache_read_input_tokens"), write: h.col("cache_creation_input_tokens"),
		key: h.col("api_key"), user: h.col("user"), endUser: h.col("end_user"), team: h.col("team_id"),
		cacheHit: h.col("cache_hit"), metadata: h.col("metadata"), id: h.col("request_id"),
	}
}

// parse reads one LiteLLM request. A request answered from LiteLLM's own
// response cache (cache_hit true) reached no model and is skipped. Cache
// reads, writes and reasoning tokens come from columns of those names when
// present, else from the usage kept in the metadata JSON.
func (c *liteLLMSpend) parse(r *row, rec *Record) error {
	if strings.EqualFold(r.str(c.cacheHit), "true") {
		return errNoUsage
	}
	rec.Kind = KindUsage
	rec.requestID = r.str(c.id)
	rec.Start = r.when(c.start)
	rec.End = rec.Start
	if s := r.str(c.end); s != "" {
		rec.End = r.when(c.end)
	}
	rec.Model = r.name(c.model)
	if rec.Model == "" {
		rec.Model = r.need(c.group)
	}
	rec.Provider = liteLLMProvider(r.in, r.str(c.provider), rec.Model)
	rec.APIKey, rec.Project, rec.User = r.name(c.key), r.name(c.team), r.name(c.user)
	if rec.User == "" {
		rec.User = r.name(c.endUser)
	}
	rec.Requests, rec.RequestsKnown = 1, true
	rec.Output = r.count(c.completion)
	read, write := r.count(c.read), r.count(c.write)
	if c.read < 0 && c.write < 0 {
		read, write, rec.Reasoning = metadataUsage(r.str(c.metadata))
	}
	r.liteLLMInput(rec, r.count(c.prompt), read, write)
	r.reasoningWithin(rec, "reasoning_tokens", "completion_tokens")
	rec.ReportedCostUSD, rec.CostKnown = r.usd(c.spend, false)
	return r.err
}

// liteLLMUsage is the part of LiteLLM's usage object kept in the spend-log
// metadata (usage_object, or additional_usage_values in older versions).
type liteLLMUsage struct {
	CacheRead  jsonNumber `json:"cache_read_input_tokens"`
	CacheWrite jsonNumber `json:"cache_creation_input_tokens"`
	Prompt     *struct {
		Cached jsonNumber `json:"cached_tokens"`
	} `json:"prompt_tokens_details"`
	Completion *struct {
		Reasoning jsonNumber `json:"reasoning_tokens"`
	} `json:"completion_tokens_details"`
}

// metadataUsage reads the cache and reasoning counts from a spend-log
// metadata cell. The metadata is a side channel: when it is missing or
// unreadable the counts are 0 and the row stays good.
func metadataUsage(s string) (read, write, reasoning int64) {
	if !strings.Contains(s, "usage_object") && !strings.Contains(s, "additional_usage_values") {
		return 0, 0, 0
	}
	var m struct {
		Usage      *liteLLMUsage `json:"usage_object"`
		Additional *liteLLMUsage `json:"additional_usage_values"`
	}
	if json.Unmarshal([]byte(s), &m) != nil {
		return 0, 0, 0
	}
	u := m.Usage
	if u == nil {
		u = m.Additional
	}
	if u == nil {
		return 0, 0, 0
	}
	return u.counts()
}

func (u *liteLLMUsage) counts() (read, write, reasoning int64) {
	var c checker
	read = c.count("", string(u.CacheRead))
	if read == 0 && u.Prompt != nil {
		read = c.count("", string(u.Prompt.Cached))
	}
	write = c.count("", string(u.CacheWrite))
	if u.Completion != nil {
		reasoning = c.count("", string(u.Completion.Reasoning))
	}
	if c.err != nil {
		return 0, 0, 0
	}
	return read, write, reasoning
}

type liteLLMDaily struct {
	date, model, group, provider, spend, requests int
	prompt, completion, read, write               int
	key, user, team                               int
}

func bindLiteLLMDaily(h header) rowParser {
	return &liteLLMDaily{
		date: h.col("date"), model: h.col("model"), group: h.col("model_group"),
		provider: h.col("custom_llm_provider"), spend: h.col("spend"), requests: h.col("api_requests"),
		prompt: h.col("prompt_tokens"), completion: h.col("completion_tokens"),
		read: h.col("cache_read_input_tokens"), write: h.col("cache_creation_input_tokens"),
		key: h.col("api_key"), user: h.col("user_id"), team: h.col("team_id"),
	}
}

// parse reads one LiteLLM daily spend row.
func (c *liteLLMDaily) parse(r *row, rec *Record) error {
	rec.Kind = KindUsage
	rec.Start, rec.End = r.day(c.date)
	rec.Model = r.name(c.model)
	if rec.Model == "" {
		rec.Model = r.need(c.group)
	}
	rec.Provider = liteLLMProvider(r.in, r.str(c.provider), rec.Model)
	rec.APIKey, rec.User, rec.Project = r.name(c.key), r.name(c.user), r.name(c.team)
	rec.Requests, rec.RequestsKnown = r.count(c.requests), true
	rec.Output = r.count(c.completion)
	r.liteLLMInput(rec, r.count(c.prompt), r.count(c.read), r.count(c.write))
	rec.ReportedCostUSD, rec.CostKnown = r.usd(c.spend, false)
	return r.err
}
