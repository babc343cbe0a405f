package planner

import (
	"context"
	"fmt"

	"github.com/plan-cli/plan/pricing/spend"
)

// Shortlist is the result of plan recommend: the ranked models for one
// machine and context size.
type Shortlist struct {
	Hardware        string           `json:"hardware"`
	ContextTokens   int              `json:"context_tokens"`
	ContextFrom     string           `json:"context_from"`
	Recommendations []Recommendation `json:"recommendations"`
}

// MakeShortlist ranks the catalog's models (and the server's installed ones) for
// the request's hardware, at the request's context or the p95 request of
// its usage.
func MakeShortlist(ctx context.Context, r Request, p Probes) (*Shortlist, error) {
	pl := &planning{Request: r, probes: detectOnce(p), done: ctx.Done()}
	target, err := pl.target(ctx)
	if err != nil {
		return nil, err
	}
	tokens, from, err := pl.context(ctx)
	if err != nil {
		return nil, err
	}
	speeds, err := pl.speeds()
	if err != nil {
		return nil, err
	}
	quality, err := pl.qualityRows()
	if err != nil {
		return nil, err
	}
	recs, err := Recommend(target, tokens, pl.Parallel, pl.MinTPS, speeds, pl.Top, quality)
	if err != nil {
		return nil, err
	}
	return &Shortlist{Hardware: target.Description, ContextTokens: tokens, ContextFrom: from, Recommendations: recs}, nil
}

// context is the context given, or the p95 request of the usage, or
// DefaultContextTokens, with where it came from.
func (pl *planning) context(ctx context.Context) (int, string, error) {
	if pl.Context > 0 {
		return pl.Context, "--context", nil
	}
	if len(pl.Usage) == 0 {
		return DefaultContextTokens, "the default; give --usage to size it from your requests", nil
	}
	tr, err := ReadTraffic(ctx, pl.Usage, pl.Read, spend.NewTablePricer(pl.Prices))
	if err != nil {
		return 0, "", err
	}
	pl.warned(tr.Stats)
	c := RequestPercentile(tr, 0.95)
	return RoundContext(c), fmt.Sprintf("the p95 of the requests in --usage (%d tokens), at most %d", c, maxContextTokens), nil
}

// maxContextTokens is the largest context a plan sizes.
const maxContextTokens = 131072

// RoundContext rounds a context size up to a multiple of 1024, at least
// 2048 and at most 131072 tokens.
func RoundContext(c int) int {
	return min(maxContextTokens, max(2048, (c+1023)/1024*1024))
}
