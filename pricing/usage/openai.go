package usage

import (
	"fmt"
	"strings"
)

var openAIUsageInfo = FormatInfo{
	Name: FormatOpenAIUsageCSV,
	Description: "OpenAI usage export (platform Usage page, Export: completions_usage_<from>_<to>.csv), " +
		"1d, 1h or 1m buckets, one row per bucket and project/key/model",
	Required: []string{"start_time", "end_time", "num_model_requests", "input_tokens", "output_tokens"},
}

var openAICostInfo = FormatInfo{
	Name:        FormatOpenAICostCSV,
	Description: "OpenAI cost export (cost_<from>_<to>.csv): amount_value in USD per bucket and line item",
	Required:    []string{"start_time", "end_time", "amount_value"},
}

var openAIUsageJSONInfo = FormatInfo{
	Name: FormatOpenAIUsageJSON,
	Description: "OpenAI Usage API pages (GET /v1/organization/usage/completions): " +
		`{"object":"page","data":[{"start_time":..,"results":[..]}]}`,
	Required: []string{"data[].start_time", "data[].results[].input_tokens", "data[].results[].output_tokens"},
}

var openAICostJSONInfo = FormatInfo{
	Name:        FormatOpenAICostJSON,
	Description: "OpenAI Costs API pages (GET /v1/organization/costs): results with amount.value in USD",
	Required:    []string{"data[].start_time", "data[].results[].amount"},
}

// openAITimeColumns are the columns an OpenAI export fills even for a bucket
// with no usage.
var openAITimeColumns = []string{"start_time", "end_time", "start_time_iso", "end_time_iso"}

// isEmptyOpenAIHeader reports the header of an OpenAI export with no usage
// at all, which has only the time columns.
func isEmptyOpenAIHeader(h header) bool {
	return len(h.names) == len(openAITimeColumns) && len(h.missing(openAITimeColumns)) == 0
}

// openAIBucket reads the bucket times of an OpenAI export row.
type openAIBucket struct {
	start, end, startISO, endISO int
	timeCols                     []int
}

func bindOpenAIBucket(h header) openAIBucket {
	b := openAIBucket{
		start: h.col("start_time"), end: h.col("end_time"),
		startISO: h.col("start_time_iso"), endISO: h.col("end_time_iso"),
	}
	b.timeCols = []int{b.start, b.end, b.startISO, b.endISO}
	return b
}

// read sets the record's bucket, preferring unix seconds to the ISO columns.
func (b openAIBucket) read(r *row, rec *Record) {
	rec.Start = r.when(either(r, b.start, b.startISO))
	rec.End = rec.Start
	if i := either(r, b.end, b.endISO); i >= 0 && r.vals.at(i) != "" {
		rec.End = r.when(i)
	}
}

// either is the first of two columns that has a value, else the first one.
func either(r *row, a, b int) int {
	if a >= 0 && r.vals.at(a) != "" || b < 0 {
		return a
	}
	return b
}

type openAIUsage struct {
	bucket                                      openAIBucket
	project, user, key, model, batch, tier      int
	requests, input, cached, cacheWrite, output int
}

func bindOpenAIUsage(h header) rowParser {
	return &openAIUsage{
		bucket:  bindOpenAIBucket(h),
		project: h.col("project_id"), user: h.col("user_id"), key: h.col("api_key_id"),
		model: h.col("model"), batch: h.col("batch"), tier: h.col("service_tier"),
		requests: h.col("num_model_requests"), input: h.col("input_tokens"),
		cached: h.col("input_cached_tokens"), cacheWrite: h.col("input_cache_write_tokens"),
		output: h.col("output_tokens"),
	}
}

// parse reads an OpenAI usage row. input_tokens includes the cached and
// cache-write tokens; a bucket without usage has only its time columns.
func (c *openAIUsage) parse(r *row, rec *Record) error {
	if r.emptyExcept(c.bucket.timeCols) {
		return errNoUsage
	}
	rec.Kind, rec.Provider = KindUsage, "openai"
	c.bucket.read(r, rec)
	rec.Model, rec.Project = r.name(c.model), r.name(c.project)
	rec.User, rec.APIKey = r.name(c.user), r.name(c.key)
	rec.Batch, rec.ServiceTier = r.flag(c.batch), r.name(c.tier)
	rec.Requests, rec.RequestsKnown = r.count(c.requests), true
	rec.Output = r.count(c.output)
	r.splitInput(rec, "input_tokens", r.count(c.input), r.count(c.cached), r.count(c.cacheWrite))
	return r.err
}

type openAICost struct {
	bucket                                  openAIBucket
	amount, currency, item, project, apiKey int
}

func bindOpenAICost(h header) rowParser {
	return &openAICost{
		bucket: bindOpenAIBucket(h),
		amount: h.col("amount_value"), currency: h.col("amount_currency"),
		item: h.col("line_item"), project: h.col("project_id"), apiKey: h.col("api_key_id"),
	}
}

// parse reads an OpenAI cost row: money per bucket, in US dollars.
func (c *openAICost) parse(r *row, rec *Record) error {
	if r.emptyExcept(c.bucket.timeCols) {
		return errNoUsage
	}
	rec.Kind, rec.Provider = KindCost, "openai"
	c.bucket.read(r, rec)
	rec.LineItem, rec.Project, rec.APIKey = r.name(c.item), r.name(c.project), r.name(c.apiKey)
	if cur := r.str(c.currency); cur != "" && !strings.EqualFold(cur, "usd") {
		r.fail("amount_currency", fmt.Errorf("%q is not usd", cur))
	}
	r.need(c.amount)
	rec.ReportedCostUSD, rec.CostKnown = r.usd(c.amount, true)
	return r.err
}

// openAIUsage maps one result of an OpenAI Usage API page.
func (res *apiResult) openAIUsage(c *checker, in *interner, rec *Record) {
	rec.Kind, rec.Provider = KindUsage, "openai"
	rec.Model, rec.Project = in.get(res.Model), in.get(res.ProjectID)
	rec.User, rec.APIKey = in.get(res.UserID), in.get(res.APIKeyID)
	rec.Batch = res.Batch != nil && *res.Batch
	rec.ServiceTier = in.get(res.ServiceTier)
	rec.Requests, rec.RequestsKnown = c.count("num_model_requests", string(res.NumModelRequests)), true
	rec.Output = c.count("output_tokens", string(res.OutputTokens))
	input := c.count("input_tokens", string(res.InputTokens))
	read := c.count("input_cached_tokens", string(res.InputCachedTokens))
	write := c.count("input_cache_write_tokens", string(res.InputCacheWriteTokens))
	c.splitInput(rec, "input_tokens", input, read, write)
}

// openAICost maps one result of an OpenAI Costs API page.
func (res *apiResult) openAICost(c *checker, in *interner, rec *Record) {
	rec.Kind, rec.Provider = KindCost, "openai"
	rec.LineItem, rec.Project, rec.APIKey = in.get(res.LineItem), in.get(res.ProjectID), in.get(res.APIKeyID)
	if res.Amount == nil {
		c.fail("amount", errEmpty)
		return
	}
	if cur := res.Amount.Currency; cur != "" && !strings.EqualFold(cur, "usd") {
		c.fail("amount.currency", fmt.Errorf("%q is not usd", cur))
	}
	c.need("amount.value", string(res.Amount.Value))
	rec.ReportedCostUSD, rec.CostKnown = c.usd("amount.value", string(res.Amount.Value), true)
}
