package usage_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/plan-cli/plan/pricing/usage"
)

func ExampleRead() {
	export := strings.NewReader(`timestamp,provider,model,requests,input_tokens,cached_input_tokens,output_tokens,reasoning_tokens
2026-07-01T09:30:00Z,openai,gpt-4o-mini,12,48000,16000,9000,0
2026-07-01T10:00:00Z,openai,gpt-4o-mini,3,abc,0,100,0
2026-07-01,anthropic,claude-sonnet-4-20250514,40,250000,180000,30000,1200
`)
	opts := usage.Options{
		Stdin: export,
		Warn:  func(w usage.Warning) { fmt.Println("warning:", w) },
	}
	stats, err := usage.Read(context.Background(), []string{"-"}, opts, func(r *usage.Record) error {
		fmt.Printf("%s %s: %d requests, %d uncached + %d cached input, %d output\n",
			r.Start.Format("2006-01-02 15:04"), r.Model, r.Requests, r.InputUncached, r.CacheRead, r.Output)
		return nil
	})
	if err != nil {
		fmt.Println(err)
	}
	fmt.Printf("%d rows, %d records, %d skipped\n", stats.Rows, stats.Records, stats.Skipped)
	// Output:
	// 2026-07-01 09:30 gpt-4o-mini: 12 requests, 32000 uncached + 16000 cached input, 9000 output
	// warning: stdin:3: input_tokens: "abc" is not a number
	// 2026-07-01 00:00 claude-sonnet-4-20250514: 40 requests, 70000 uncached + 180000 cached input, 30000 output
	// 3 rows, 2 records, 1 skipped
}

func ExampleFormats() {
	for _, f := range usage.Formats() {
		if strings.HasPrefix(f.Name, "openrouter") {
			fmt.Println(f.Name, f.Required)
		}
	}
	// Output:
	// openrouter-csv [generation_id created_at model_permaslug tokens_prompt tokens_completion]
}
