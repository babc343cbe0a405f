package main

import (
	"fmt"
	"strings"

	"github.com/plan-cli/plan/pricing/usage"
)

// usageLong is the help of `plan usage`, with the formats it reads.
var usageLong = `Read cloud usage exports, the files the providers let you download, and price
them exactly with a dated price table. Inputs may be files, directories, - for
standard input, and gzip-compressed files. The format of each file is detected
from its header; --input-format overrides it. Nothing is sent anywhere.

Formats
` + formatList() + `
Tokens
  Every row becomes one record with disjoint counts: uncached input, cache reads,
  cache writes (5-minute and 1-hour), output (reasoning included), whatever the
  provider's own convention (OpenAI's input includes its cached tokens;
  Anthropic's columns are disjoint; OpenRouter's completion includes reasoning).
  input tokens   = uncached + cache reads + cache writes (every input token)
  cached         = cache reads
  cache hit      = cache reads / input tokens
  in:out         = input tokens / output tokens
  mean in/req    = input tokens / requests of the model (when the export counts requests)

Cost
  cost = uncached input × input price + cache reads × cache-read price
       + 5m cache writes × cache-write price + 1h cache writes × 1h cache-write price
       + output × output price (+ reasoning × reasoning price where billed apart)
  with the long-context price where the export marks rows as above the threshold
  (Anthropic's context_window "> 200k"), and batch, flex or priority prices from
  the row's batch flag or service tier. Prices are per token, from the embedded
  LiteLLM-schema table (plan prices shows it, with its source and date) or
  --prices FILE. A model the table does not know is never priced at $0: it is
  listed with its tokens and left out of the spend, with how to add a price.
  Where the export carries a cost (OpenRouter, LiteLLM, the generic CSV), the
  reported cost is shown next to the computed one; given a cost export (OpenAI or
  Anthropic) with the usage export, the difference is shown per day.

Load shape
  The busiest day, the busiest hour and the mean load of each hour of the week
  (UTC), at the finest granularity the export allows: per request, 1m, 1h buckets;
  daily buckets give the busiest day only.

Bad rows are reported as file:line: reason on stderr, counted and skipped;
--strict stops at the first. --redact hides project, workspace and key names.`

func formatList() string {
	var b strings.Builder
	for _, f := range usage.Formats() {
		fmt.Fprintf(&b, "  %-22s %s\n", f.Name, f.Description)
	}
	return b.String()
}
