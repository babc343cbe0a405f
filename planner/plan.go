package planner

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"runtime"
	"sort"
	"sync"
	"time"

	"github.com/plan-cli/plan/simulate"
)

// Inputs are everything a plan is built from.
type Inputs struct {
	Traffic *Traffic
	Target  Target
	Speeds  Speeds // nil: the throughput model with the catalog efficiency
	Route   RouteRule
	Costs   CostInputs // hardware, energy and growth figures; the cloud figures are filled in

	// ContextPercentile sizes the context from the real requests (0.95
	// when 0); ContextTokens, when set, overrides it.
	ContextPercentile float64
	ContextTokens     int
	MaxParallel       int     // most parallel requests per model (4 when 0)
	MinDecodeTPS      float64 // per-request decode speed a user needs (10 when 0)
	Top               int     // recommendations listed (10 when 0)
	// Quality are the user's own scores (ParseQuality, QualityScore): they
	// replace or add to the catalog's rows.
	Quality []QualityRow
	// Generated is when the plan is made, written into the report.
	Generated time.Time
}

// DefaultContextTokens is the context per request assumed when the exports
// give no request sizes and none is set.
const DefaultContextTokens = 8192

// DefaultMinDecodeTPS is the decode speed, per request, below which a model
// is too slow to recommend: about reading speed.
const DefaultMinDecodeTPS = 10

func (in *Inputs) defaults() {
	if in.Speeds == nil {
		in.Speeds = func(s simulate.ModelShape, hw simulate.Hardware, ctx, k int) simulate.Prediction {
			return simulate.Predict(s, hw, ctx, k, simulate.EfficiencyFor(hw))
		}
	}
	if in.ContextPercentile == 0 {
		in.ContextPercentile = 0.95
	}
	if in.MaxParallel == 0 {
		in.MaxParallel = 4
	}
	if in.MinDecodeTPS == 0 {
		in.MinDecodeTPS = DefaultMinDecodeTPS
	}
	if in.Top == 0 {
		in.Top = 10
	}
}

// Build makes the plan: the options that fit the target, the one that can
// take the most cloud spend, the routing of each cloud model's traffic with
// a replay of the whole period on the local server, and the break-even.
func Build(in Inputs) (*Report, error) {
	if in.Traffic == nil || len(in.Traffic.Groups) == 0 {
		return nil, errors.New("no cloud traffic to plan for")
	}
	in.defaults()
	qc, err := Qualities()
	if err != nil {
		return nil, err
	}
	qc = qc.With(in.Quality)
	var pick *pick
	for _, ctx := range in.contexts() {
		p, err := in.tryContext(ctx, qc)
		if err != nil {
			return nil, err
		}
		if pick == nil || p.localSpend > pick.localSpend+1e-9 {
			pick = p
		}
	}
	rep := &Report{Generated: in.Generated.UTC(), Recommendations: recommendations(pick.ranked, in.Top, in.MinDecodeTPS)}
	rep.Usage = usageSummary(in.Traffic)
	rep.SLOTTFTSeconds, rep.SLOE2ESeconds = in.Route.SLOTTFT, in.Route.SLOE2E
	rep.OllamaVersion = cmp.Or(in.Target.OllamaVersion, CurrentOllama)
	if in.ContextTokens == 0 && !in.Traffic.sized() {
		rep.Usage.Assumptions = append(rep.Usage.Assumptions, fmt.Sprintf("context: the exports give no request sizes, so each request is taken to need %d tokens of context; give --context to set it", DefaultContextTokens))
	}
	rep.Hardware = hardwareSummary(in.Target)
	if pick.best == nil {
		rep.Notes = append(rep.Notes, fmt.Sprintf("no model of the catalog fits %s and decodes %.0f tokens/s for one request", in.Target.Description, in.MinDecodeTPS))
		return rep, in.finish(rep, nil, replayResult{})
	}
	best := *pick.best
	annotate(rep.Recommendations, pick.ranked, in.Traffic, in.Route, qc)
	rep.Routes = routes(in.Traffic, best, pick.routes, pick.replay, in.Route)
	bh, err := busiestHour(in.Traffic, best, pick.routes, in.Route)
	switch {
	case errors.Is(err, simulate.ErrStopped):
		return nil, err
	case err == nil:
		rep.BusiestHour = bh
	}
	if !AnyLocal(rep.Routes) {
		rep.Notes = append(rep.Notes, "no traffic moves to a local model, so there is nothing to install")
		return rep, in.finish(rep, nil, replayResult{})
	}
	markChosen(rep, best, in.MinDecodeTPS)
	return rep, in.finish(rep, &best, pick.replay)
}

// pick is the best plan found at one context size.
type pick struct {
	ranked     []Option
	best       *Option
	routes     []groupRoute
	replay     replayResult
	localSpend float64
}

// candidatesReplayed is how many options, by adequate spend, are replayed
// to find the one that serves the most.
const candidatesReplayed = 4

// tryContext places every option with ctx tokens of context and replays
// the traffic on the candidates that could take the most spend.
func (in *Inputs) tryContext(ctx int, qc *QualityCatalog) (*pick, error) {
	opts, err := options(qc, in.Target, ctx, in.MaxParallel, in.MinDecodeTPS, in.Speeds)
	if err != nil {
		return nil, err
	}
	p := &pick{ranked: Rank(opts, in.MinDecodeTPS), localSpend: -1}
	cands := shortlist(in.Traffic, p.ranked, in.Route, qc, in.MinDecodeTPS)
	results, err := replayAll(in.Traffic, cands, in.Route)
	if err != nil {
		return nil, err
	}
	for i, c := range cands {
		computed := in.Route
		computed.ShareLocal = -1
		if s := replayedSpend(in.Traffic, c.routes, results[i], computed); s > p.localSpend+1e-9 {
			o := c.opt
			p.best, p.routes, p.replay, p.localSpend = &o, c.routes, results[i], s
		}
	}
	return p, nil
}

// replayAll replays the traffic on each candidate over the whole period,
// as many at once as there are cores (each replay reads the traffic and
// keeps its own state); the results are in the candidates' order.
func replayAll(t *Traffic, cands []candidate, rule RouteRule) ([]replayResult, error) {
	results := make([]replayResult, len(cands))
	errs := make([]error, len(cands))
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for i, c := range cands {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			results[i], errs[i] = replay(t, c.opt, c.routes, rule, 0, math.Inf(1), 0)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return results, nil
}

// contexts are the context sizes worth trying: the percentile of all
// requests and of each group's, rounded up to a multiple of 1024, at least
// 2048 and at most 131072; or the one given.
func (in *Inputs) contexts() []int {
	if in.ContextTokens > 0 {
		return []int{in.ContextTokens}
	}
	if !in.Traffic.sized() {
		return []int{DefaultContextTokens}
	}
	all := &Group{}
	seen := map[int]bool{}
	var out []int
	add := func(c int) {
		if !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	for _, g := range in.Traffic.Groups {
		all.sizes = append(all.sizes, g.sizes...)
	}
	add(RoundContext(all.ContextPercentile(in.ContextPercentile)))
	for _, g := range in.Traffic.Groups {
		add(RoundContext(g.ContextPercentile(in.ContextPercentile)))
	}
	return out
}

// candidate is an option with its verdicts on the traffic.
type candidate struct {
	opt    Option
	routes []groupRoute
	spend  float64
}

// shortlist is the options fast enough whose adequate traffic is worth the
// most, best first, at most candidatesReplayed of them.
func shortlist(t *Traffic, ranked []Option, rule RouteRule, qc *QualityCatalog, minTPS float64) []candidate {
	var cs []candidate
	for _, o := range ranked {
		if o.One.PerRequestTPS < minTPS {
			break
		}
		grs := decide(t, o, rule, qc)
		if s := adequateSpend(grs); s > 0 {
			cs = append(cs, candidate{opt: o, routes: grs, spend: s})
		}
	}
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].spend > cs[j].spend })
	if len(cs) > candidatesReplayed {
		cs = cs[:candidatesReplayed]
	}
	if len(cs) == 0 {
		for _, o := range ranked {
			if o.One.PerRequestTPS >= minTPS {
				return []candidate{{opt: o, routes: decide(t, o, rule, qc)}}
			}
		}
	}
	return cs
}

// replayedSpend is the spend moved local by a replay (or by the share
// override).
func replayedSpend(t *Traffic, grs []groupRoute, rr replayResult, rule RouteRule) float64 {
	var s float64
	for _, gr := range grs {
		g := gr.g
		tokens := g.InputTokens + g.OutputTokens
		if !gr.verdict.Adequate || tokens == 0 {
			continue
		}
		share := math.Min(1, float64(rr.localTokens[g.Key])/float64(tokens))
		if rule.ShareLocal >= 0 {
			share = rule.ShareLocal
		}
		s += g.SpendUSD * share
	}
	return s
}

// AnyLocal reports whether any route moves requests to a local model.
func AnyLocal(routes []Route) bool {
	for _, r := range routes {
		if r.RequestsLocal > 0 {
			return true
		}
	}
	return false
}

// markChosen flags the recommendation the routing uses.
func markChosen(rep *Report, best Option, minTPS float64) {
	for i := range rep.Recommendations {
		r := &rep.Recommendations[i]
		if r.Model == best.Tag && r.Quantization == best.Quant {
			r.Chosen = true
			return
		}
	}
	rep.Recommendations = append(rep.Recommendations, recommendation(best, len(rep.Recommendations)+1, minTPS))
	rep.Recommendations[len(rep.Recommendations)-1].Chosen = true
}

// busiestHour replays the routed traffic of the busiest hour of the usage.
func busiestHour(t *Traffic, o Option, grs []groupRoute, rule RouteRule) (*BusiestHour, error) {
	first := simulate.BusiestHours(t.Source(rule.Seed, 0, math.Inf(1), nil), 1)
	lo := float64(first) * 3600
	rr, err := replay(t, o, grs, rule, lo, lo+3600, 60)
	if err != nil {
		return nil, err
	}
	r := rr.res
	return &BusiestHour{
		Start: t.From.Add(time.Duration(first) * time.Hour), Requests: r.Requests, ServedLocal: r.ServedLocal,
		Spilled: r.Spilled, LatencyP50: r.Latency.P50, LatencyP95: r.Latency.P95, TTFTP95: r.TTFT.P95,
		Utilization: r.Utilization, TargetTTFT: rule.SLOTTFT, TargetP95: rule.SLOE2E,
		LatencyByMin: minuteP95(r.Minutes),
	}, nil
}

// minuteP95 is the p95 latency of each minute, NaN for a minute in which
// no request was served locally.
func minuteP95(ms []simulate.Minute) []float64 {
	out := make([]float64, len(ms))
	for i, m := range ms {
		out[i] = math.NaN()
		if m.ServedLocal > 0 {
			out[i] = m.Latency.P95
		}
	}
	return out
}

// finish fills in the shares, the break-even and the headline figures.
func (in *Inputs) finish(rep *Report, best *Option, rr replayResult) error {
	months := localMonths(in.Traffic, rr)
	var spend, local float64
	var reqs, reqsLocal, toks, toksLocal int64
	for _, r := range rep.Routes {
		spend += r.SpendUSD
		local += r.SpendLocalUSD
		reqs, reqsLocal = reqs+r.Requests, reqsLocal+r.RequestsLocal
		toks, toksLocal = toks+r.Tokens, toksLocal+r.TokensLocal
	}
	if len(rep.Routes) == 0 {
		spend = rep.Usage.MonthlySpendUSD
	}
	rep.ShareSpendLocal, rep.ShareRequestsLocal, rep.ShareTokensLocal = ratio(local, spend), ratio(float64(reqsLocal), float64(reqs)), ratio(float64(toksLocal), float64(toks))
	c := in.Costs
	c.CloudDisplacedMonthlyUSD = local
	c.CloudRemainingMonthlyUSD = math.Max(0, spend-local)
	c.ActiveWatts, c.IdleWatts = in.Target.ActiveWatts, in.Target.IdleWatts
	if best != nil {
		c.BusyHoursPerMonth = rr.res.BusySeconds / 3600 / months
		if in.Route.ShareLocal >= 0 {
			c.BusyHoursPerMonth = busyHoursAtShare(*best, rep, rr, months)
			rep.Notes = append(rep.Notes, fmt.Sprintf("--share-local %.2f sets the split; the busiest hour shows the computed split", in.Route.ShareLocal))
		}
	}
	be, err := ComputeBreakEven(c)
	if err != nil {
		return err
	}
	rep.BreakEven = be
	rep.BreakEvenMonths = be.BreakEvenMonths
	rep.MonthlyCloudCostUSD = spend
	rep.MonthlyLocalCostUSD = be.LocalMonthlyUSD
	return nil
}

// localMonths is the period the replay's local work is spread over: the
// groups' own periods, weighted by the tokens each served locally.
func localMonths(t *Traffic, rr replayResult) float64 {
	var tokens, perMonth float64
	for _, g := range t.Groups {
		n := float64(rr.localTokens[g.Key])
		tokens += n
		perMonth += n / g.Months()
	}
	if perMonth <= 0 {
		return t.Months()
	}
	return tokens / perMonth
}

// busyHoursAtShare estimates the busy hours per month of an overridden
// split: the replay's busy time scaled by the tokens moved, or, when the
// replay moved none, the tokens at the option's speeds with every slot busy.
func busyHoursAtShare(o Option, rep *Report, rr replayResult, months float64) float64 {
	var local, replayed int64
	for _, r := range rep.Routes {
		local += r.TokensLocal
	}
	for _, n := range rr.localTokens {
		replayed += n
	}
	if replayed > 0 {
		return rr.res.BusySeconds / 3600 / months * float64(local) / float64(replayed)
	}
	last := o.Curve[len(o.Curve)-1]
	if last.DecodeTokensPerSecond <= 0 {
		return 0
	}
	// Without a replay, count every token at the aggregate decode speed.
	return BusyHoursPerMonth(float64(local)/months, last.DecodeTokensPerSecond)
}

func ratio(a, b float64) float64 {
	if b <= 0 {
		return 0
	}
	return a / b
}

func usageSummary(t *Traffic) UsageSummary {
	u := UsageSummary{From: t.From, To: t.To, Months: t.Months(), Sources: t.Sources, Assumptions: t.Assumptions}
	for _, g := range t.Groups {
		u.Requests += g.Requests
		u.InputTokens += g.InputTokens
		u.OutputTokens += g.OutputTokens
		u.SpendUSD += g.SpendUSD
		u.MonthlySpendUSD += g.MonthlySpendUSD()
	}
	return u
}

func hardwareSummary(t Target) HardwareSummary {
	h := HardwareSummary{
		Description: t.Description, ThisMachine: t.ThisMachine, RAMFreeBytes: t.Memory.FreeRAMBytes,
		BandwidthGBs: t.Hardware.BandwidthGBs, TFLOPS: t.Hardware.TFLOPS,
		ActiveWatts: t.ActiveWatts, IdleWatts: t.IdleWatts, PriceUSD: t.PriceUSD,
		VRAMBytes: t.Hardware.VRAMBytes, RAMBytes: t.RAMBytes,
	}
	for _, g := range t.Memory.GPUs {
		h.VRAMFreeBytes += g.FreeBytes
	}
	return h
}

// recommendations lists the top ranked options.
func recommendations(ranked []Option, top int, minTPS float64) []Recommendation {
	var out []Recommendation
	for i, o := range ranked {
		if i >= top {
			break
		}
		out = append(out, recommendation(o, i+1, minTPS))
	}
	return out
}

func recommendation(o Option, rank int, minTPS float64) Recommendation {
	r := Recommendation{
		Rank: rank, Model: o.Tag, OllamaTag: o.PullTag, Quantization: o.Quant, Tier: Tier(o), Quality: math.Round(o.Quality),
		MemoryBytes: o.Fit.VRAMBytes + o.Fit.RAMBytes, Fit: string(o.Fit.Placement),
		GPULayers: o.Fit.GPULayers, Layers: o.Arch.Layers, ContextTokens: o.Settings.ContextTokens,
		DecodeTPS: o.One.DecodeTPS, DecodeLow: o.One.DecodeLow, DecodeHigh: o.One.DecodeHigh,
		PrefillTPS: o.One.PrefillTPS, Basis: string(o.One.Basis), ConcurrentUse: o.Users,
		Ollama: OllamaSettings{
			ContextLength: o.Settings.ContextTokens, NumParallel: o.Settings.Parallel,
			KVCacheType: o.Settings.KVCacheType, FlashAttention: o.Settings.FlashAttention, MaxLoadedModels: 1,
		},
	}
	if r.Ollama.KVCacheType == "" {
		r.Ollama.KVCacheType = "f16"
	}
	if o.Rated && o.Penalty > 0 {
		r.QualityNote = fmt.Sprintf("%s lost to %s", plural(math.Round(o.Penalty), "quality point"), o.Quant)
	}
	if o.One.PerRequestTPS < minTPS {
		r.QualityNote = joinNote(r.QualityNote, fmt.Sprintf("slower than %.0f tokens/s", minTPS))
	}
	return r
}

// plural is "1 quality point" or "3 quality points".
func plural(n float64, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%.0f %ss", n, unit)
}

func joinNote(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}

// Recommend ranks the catalog's models and quantizations on the target
// for requests of contextTokens, with up to maxParallel at once, and
// returns the top ones.
func Recommend(t Target, contextTokens, maxParallel int, minTPS float64, speeds Speeds, top int, quality []QualityRow) ([]Recommendation, error) {
	in := Inputs{Speeds: speeds, MaxParallel: maxParallel, MinDecodeTPS: minTPS, Top: top}
	in.defaults()
	qc, err := Qualities()
	if err != nil {
		return nil, err
	}
	opts, err := options(qc.With(quality), t, contextTokens, in.MaxParallel, in.MinDecodeTPS, in.Speeds)
	if err != nil {
		return nil, err
	}
	return recommendations(Rank(opts, in.MinDecodeTPS), in.Top, in.MinDecodeTPS), nil
}

// annotate lists, for each recommendation, the task classes and cloud
// models of the traffic it may take.
func annotate(recs []Recommendation, ranked []Option, t *Traffic, rule RouteRule, qc *QualityCatalog) {
	byKey := map[string]Option{}
	for _, o := range ranked {
		byKey[o.Tag+" "+o.Quant] = o
	}
	for i := range recs {
		o, ok := byKey[recs[i].Model+" "+recs[i].Quantization]
		if !ok {
			continue
		}
		classes, models := map[string]bool{}, map[string]bool{}
		for _, gr := range decide(t, o, rule, qc) {
			if !gr.verdict.Adequate {
				continue
			}
			if !classes[string(gr.class)] {
				classes[string(gr.class)] = true
				recs[i].TaskClasses = append(recs[i].TaskClasses, string(gr.class))
			}
			if !models[gr.g.Model] {
				models[gr.g.Model] = true
				recs[i].Replaces = append(recs[i].Replaces, gr.g.Model)
			}
		}
	}
}
