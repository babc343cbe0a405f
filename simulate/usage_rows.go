package simulate

import (
	"math"
	"time"

	"github.com/plan-cli/plan/pricing/usage"
)

// AssumedTokensPerRequest is the size of a request, prompt and output,
// taken for export rows that do not count their requests.
const AssumedTokensPerRequest = 2000

// RowRequests is the number of requests of a usage row: its count, or,
// when the export does not count them, its tokens / AssumedTokensPerRequest;
// at least one.
func RowRequests(r *usage.Record) int64 {
	if !r.RequestsKnown {
		return max(1, int64(math.Round(float64(r.InputTokens()+r.Output)/AssumedTokensPerRequest)))
	}
	return max(1, r.Requests)
}

// RowBucket is the arrivals of a usage row with n requests: spread over
// the row's [Start, End), or over span from its Start when the row has one
// timestamp and n > 1 (an hourly export's bucket), each of the row's mean
// size (its input and output tokens / n, rounded). The bucket's Start and
// End are left for the caller to set, in seconds from its origin, from the
// times returned.
func RowBucket(r *usage.Record, n int64, span time.Duration) (start, end time.Time, b Bucket) {
	end = r.End
	if !end.After(r.Start) && n > 1 {
		end = r.Start.Add(span)
	}
	return r.Start, end, Bucket{
		Requests:     n,
		PromptTokens: meanTokens(r.InputTokens(), n),
		OutputTokens: meanTokens(r.Output, n),
	}
}

func meanTokens(tokens, n int64) int {
	return int(math.Round(float64(tokens) / float64(n)))
}
