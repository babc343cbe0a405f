package planner

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/plan-cli/plan/simulate"
)

// RouteRule is what decides which traffic moves to a local model.
type RouteRule struct {
	Tasks   TaskMap
	Quality QualityRule
	// SLOTTFT and SLOE2E are the latency targets in seconds (0 = none): a
	// request the local server would not serve within them spills to the
	// cloud.
	SLOTTFT, SLOE2E float64
	// ShareLocal, when not negative, replaces the computed split: that
	// share of every adequate group's requests moves local, whatever the
	// capacity.
	ShareLocal float64
	Seed       uint64
	// Done, when closed, stops the replays (the command was interrupted).
	Done <-chan struct{}
}

// groupRoute is the routing of one traffic group before the replay.
type groupRoute struct {
	g       *Group
	class   TaskClass
	verdict Verdict
	// tooLong is the share of requests longer than the local context, and
	// tooLongTokens the share of tokens they hold.
	tooLong, tooLongTokens float64
}

// decide judges every group against the local option.
func decide(t *Traffic, o Option, rule RouteRule, qc *QualityCatalog) []groupRoute {
	out := make([]groupRoute, 0, len(t.Groups))
	qr := rule.Quality
	if qr.Frontier == nil && rule.Tasks.Frontier != nil {
		qr.Frontier = rule.Tasks.Frontier
	}
	for _, g := range t.Groups {
		m := rule.Tasks.Classify(g.APIKey, g.Project, g.Model)
		v := qc.Adequate(g.Model, Candidate{Tag: o.Tag, Quant: o.Quant}, m.Class, qr)
		gr := groupRoute{g: g, class: m.Class, verdict: v}
		if v.Adequate {
			gr.tooLong = g.ShareAbove(o.Settings.ContextTokens)
			gr.tooLongTokens = g.TokenShareAbove(o.Settings.ContextTokens)
		}
		out = append(out, gr)
	}
	return out
}

// adequateSpend is the spend of the groups the option can take.
func adequateSpend(routes []groupRoute) float64 {
	var s float64
	for _, r := range routes {
		if r.verdict.Adequate {
			s += r.g.SpendUSD * (1 - r.tooLongTokens)
		}
	}
	return s
}

// replayResult is what a replay of the routed traffic gave, by group key.
type replayResult struct {
	res            simulate.Result
	local, spilled map[string]int64
	localTokens    map[string]int64
}

// replay runs the routed traffic in [lo, hi) seconds on the option's
// server, spilling what would miss the latency targets.
func replay(t *Traffic, o Option, routes []groupRoute, rule RouteRule, lo, hi float64, minutes int) (replayResult, error) {
	routed := map[string]bool{}
	for _, r := range routes {
		if r.verdict.Adequate {
			routed[r.g.Key] = true
		}
	}
	keep := func(model string, prompt, output int) bool {
		return routed[model] && prompt+output <= o.Settings.ContextTokens
	}
	svc, err := simulate.NewCurveService(o.Curve)
	if err != nil {
		return replayResult{}, fmt.Errorf("%s: %w", o.Tag, err)
	}
	rec := &recorder{src: t.Source(rule.Seed, lo, hi, keep)}
	pol := simulate.SLOSpill{TTFT: rule.SLOTTFT, E2E: rule.SLOE2E, Service: svc}
	res, err := simulate.Run(simulate.Config{Slots: o.Settings.Parallel, Service: svc, Policy: pol, Minutes: minutes, Done: rule.Done}, rec)
	if err != nil {
		return replayResult{}, err
	}
	out := replayResult{res: res, local: map[string]int64{}, spilled: map[string]int64{}, localTokens: map[string]int64{}}
	for k, n := range rec.count {
		sp := res.SpilledByModel[k]
		out.spilled[k] = int64(sp.Requests)
		out.local[k] = n - int64(sp.Requests)
		out.localTokens[k] = rec.tokens[k] - sp.PromptTokens - sp.OutputTokens
	}
	return out, nil
}

// recorder counts the requests and tokens of each group it passes on.
type recorder struct {
	src    simulate.Source
	count  map[string]int64
	tokens map[string]int64
}

func (r *recorder) Next() (simulate.Request, bool) {
	q, ok := r.src.Next()
	if !ok {
		return q, false
	}
	if r.count == nil {
		r.count, r.tokens = map[string]int64{}, map[string]int64{}
	}
	r.count[q.Model]++
	r.tokens[q.Model] += int64(q.PromptTokens + q.OutputTokens)
	return q, true
}

// routes turns the verdicts and the replay into the report's routes, one
// per cloud model, with money per month.
func routes(t *Traffic, o Option, grs []groupRoute, rr replayResult, rule RouteRule) []Route {
	byModel := map[string]*Route{}
	var order []string
	for _, gr := range grs {
		g := gr.g
		r := byModel[g.Model]
		if r == nil {
			r = &Route{CloudModel: g.Model, TaskClass: string(gr.class)}
			byModel[g.Model] = r
			order = append(order, g.Model)
		}
		addGroup(r, gr, o, rr, rule)
	}
	out := make([]Route, 0, len(order))
	for _, m := range order {
		out = append(out, *byModel[m])
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].SpendUSD > out[j].SpendUSD })
	return out
}

// addGroup adds one group's traffic to its cloud model's route.
func addGroup(r *Route, gr groupRoute, o Option, rr replayResult, rule RouteRule) {
	g := gr.g
	tokens := g.InputTokens + g.OutputTokens
	monthly := g.MonthlySpendUSD()
	r.Requests += g.Requests
	r.Tokens += tokens
	r.SpendUSD += monthly
	if r.TaskClass != string(gr.class) {
		r.TaskClass = "mixed"
	}
	if !gr.verdict.Adequate {
		r.Stays = appendStay(r.Stays, Stay{Reason: gr.verdict.Stay, Requests: g.Requests, SpendUSD: monthly, Detail: shortReason(gr.verdict.Reason)})
		return
	}
	r.LocalModel = o.Tag + " " + o.Quant
	local, localTok := rr.local[g.Key], rr.localTokens[g.Key]
	if rule.ShareLocal >= 0 {
		local = int64(math.Round(rule.ShareLocal * float64(g.Requests)))
		localTok = int64(math.Round(rule.ShareLocal * float64(tokens)))
	}
	localTok = min(localTok, tokens)
	share := 0.0
	if tokens > 0 {
		share = math.Min(1, float64(localTok)/float64(tokens))
	}
	r.RequestsLocal += local
	r.TokensLocal += localTok
	r.SpendLocalUSD += monthly * share
	if rule.ShareLocal >= 0 {
		r.Stays = appendStay(r.Stays, Stay{Reason: "share override", Requests: g.Requests - local, SpendUSD: monthly * (1 - share),
			Detail: fmt.Sprintf("--share-local %.2f", rule.ShareLocal)})
		return
	}
	long := int64(math.Round(gr.tooLong * float64(g.Requests)))
	if long > 0 {
		r.Stays = appendStay(r.Stays, Stay{Reason: "context", Requests: long, SpendUSD: monthly * gr.tooLongTokens,
			Detail: fmt.Sprintf("requests longer than the local context of %d tokens", o.Settings.ContextTokens)})
	}
	if sp := rr.spilled[g.Key]; sp > 0 {
		r.Stays = appendStay(r.Stays, Stay{Reason: "capacity", Requests: sp, SpendUSD: math.Max(0, monthly*(1-share)-monthly*gr.tooLongTokens),
			Detail: "the local server would miss the latency target; spilled at busy times"})
	}
}

// appendStay merges a stay into the list by reason.
func appendStay(list []Stay, s Stay) []Stay {
	if s.Requests <= 0 && s.SpendUSD <= 0 {
		return list
	}
	for i := range list {
		if list[i].Reason == s.Reason {
			list[i].Requests += s.Requests
			list[i].SpendUSD += s.SpendUSD
			return list
		}
	}
	return append(list, s)
}

// shortReason drops the list of rated models from an unknown-model reason,
// and the reason's own name from its front (the report prints it beside).
func shortReason(s string) string {
	for _, p := range []string{StayUnknownQuality + ": ", StayQuality + ": ", StayTaskClass + ": "} {
		for strings.HasPrefix(s, p) {
			s = strings.TrimPrefix(s, p)
		}
	}
	if i := strings.Index(s, ", which rates "); i > 0 {
		rest := s[i:]
		if j := strings.Index(rest, ";"); j > 0 {
			return s[:i] + rest[j:]
		}
		return s[:i]
	}
	return s
}
