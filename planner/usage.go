package planner

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/plan-cli/plan/pricing/spend"
	"github.com/plan-cli/plan/pricing/usage"
	"github.com/plan-cli/plan/simulate"
)

// DaysPerMonth is the mean length of a month, for monthly figures.
const DaysPerMonth = 30.44

// Traffic is the cloud traffic of usage exports, grouped by cloud model and
// by the project and API key that task classes are assigned by.
type Traffic struct {
	From, To time.Time
	// Sources are the export files, each with its own period.
	Sources []UsageSource
	// Assumptions say what was assumed where the exports are silent.
	Assumptions []string
	// PeriodNote is set when the exports cover periods of different lengths.
	PeriodNote string
	Groups     []*Group // by spend, largest first
	// Buckets are the arrivals of the groups' aggregated rows (those that
	// count several requests or span more than a minute), in seconds since
	// From, with Bucket.Model set to the group's Key; Log holds the rows of
	// single requests, in Unix seconds (see Source).
	Buckets []simulate.Bucket
	Log     simulate.RequestLog
	// Unpriced counts requests whose model has no price.
	Unpriced int64
	Stats    usage.Stats
}

// Group is the traffic of one cloud model from one project and API key.
type Group struct {
	Key      string `json:"key"`
	Model    string `json:"model"` // canonical model name
	Provider string `json:"provider"`
	Project  string `json:"project,omitempty"`
	APIKey   string `json:"api_key,omitempty"`

	Requests     int64   `json:"requests"`
	InputTokens  int64   `json:"input_tokens"`
	OutputTokens int64   `json:"output_tokens"`
	SpendUSD     float64 `json:"spend_usd"`
	Priced       bool    `json:"priced"`

	sizes []sizeCount // the rows' mean request sizes, with their request counts, by size
	// bySize counts the requests and tokens of each fine size class
	// (sizeClass) while reading.
	bySize map[int]*sizeSum

	// months is the period the group's totals are spread over: its sources'
	// periods, weighted by their spend (by their tokens when unpriced).
	months   float64
	bySource map[string][2]float64 // spend and tokens per source file
}

// MonthlySpendUSD is the group's spend per month, each source's over its
// own period.
func (g *Group) MonthlySpendUSD() float64 { return g.SpendUSD / g.Months() }

// Months is the period the group's totals count, in months.
func (g *Group) Months() float64 {
	if g.months <= 0 {
		return 1
	}
	return g.months
}

func (g *Group) addSource(file string, spend float64, tokens int64) {
	if g.bySource == nil {
		g.bySource = map[string][2]float64{}
	}
	v := g.bySource[file]
	v[0] += spend
	v[1] += float64(tokens)
	g.bySource[file] = v
}

// setMonths weights the periods of the group's sources by their spend, or
// by their tokens when the group has no priced spend.
func (g *Group) setMonths(sources map[string]*UsageSource) {
	k := 0
	if g.SpendUSD <= 0 {
		k = 1
	}
	var total, perMonth float64
	for file, v := range g.bySource {
		total += v[k]
		perMonth += v[k] / sources[file].Months()
	}
	g.months = 1
	if perMonth > 0 {
		g.months = total / perMonth
	} else if len(g.bySource) > 0 {
		for file := range g.bySource {
			g.months = math.Max(g.months, sources[file].Months())
		}
	}
}

type sizeCount struct {
	tokens int // prompt + output of the row's mean request
	n      int64
}

// Months is the span of all the traffic in months, at least one day. Monthly
// figures use each group's own period instead (Group.Months).
func (t *Traffic) Months() float64 {
	days := t.To.Sub(t.From).Hours() / 24
	return math.Max(days, 1) / DaysPerMonth
}

// sizeSum is the requests of one size class and their tokens.
type sizeSum struct{ n, tokens int64 }

// sizeClass is the class of a request size: classes grow by 2^(1/32),
// about 2% apart, so a class's mean is within 1% of its requests and a
// group holds at most a few hundred of them.
func sizeClass(tokens int) int {
	if tokens <= 1 {
		return 0
	}
	return 1 + int(math.Floor(32*math.Log2(float64(tokens))))
}

// addSize counts n requests of the size.
func (g *Group) addSize(size int, n int64) {
	if g.bySize == nil {
		g.bySize = map[int]*sizeSum{}
	}
	c := sizeClass(size)
	s := g.bySize[c]
	if s == nil {
		s = &sizeSum{}
		g.bySize[c] = s
	}
	s.n += n
	s.tokens += int64(size) * n
}

// setSizes turns the size classes counted while reading into g.sizes, each
// class as its mean size, smallest first.
func (g *Group) setSizes() {
	for _, c := range g.bySize {
		g.sizes = append(g.sizes, sizeCount{tokens: int(math.Round(float64(c.tokens) / float64(c.n))), n: c.n})
	}
	sort.Slice(g.sizes, func(i, j int) bool { return g.sizes[i].tokens < g.sizes[j].tokens })
	g.bySize = nil
}

// ContextPercentile is the p-th percentile (0 to 1) of the tokens per
// request (prompt + output), weighting each export row's mean request by
// its number of requests, as the mean of its size class (sizeClass: within
// 1%). Rows that aggregate many requests hide their spread, so this
// understates long requests in daily exports.
func (g *Group) ContextPercentile(p float64) int {
	if len(g.sizes) == 0 {
		return 0
	}
	s := append([]sizeCount(nil), g.sizes...)
	sort.Slice(s, func(i, j int) bool { return s[i].tokens < s[j].tokens })
	var total int64
	for _, c := range s {
		total += c.n
	}
	target := int64(math.Ceil(p * float64(total)))
	var seen int64
	for _, c := range s {
		seen += c.n
		if seen >= target {
			return c.tokens
		}
	}
	return s[len(s)-1].tokens
}

// ShareAbove is the share of requests (0 to 1) whose row mean exceeds
// tokens.
func (g *Group) ShareAbove(tokens int) float64 {
	var above, total int64
	for _, c := range g.sizes {
		total += c.n
		if c.tokens > tokens {
			above += c.n
		}
	}
	if total == 0 {
		return 0
	}
	return float64(above) / float64(total)
}

// TokenShareAbove is the share of tokens (0 to 1) in requests whose row
// mean exceeds tokens: the share of the spend such requests roughly make.
func (g *Group) TokenShareAbove(tokens int) float64 {
	var above, total float64
	for _, c := range g.sizes {
		t := float64(c.tokens) * float64(c.n)
		total += t
		if c.tokens > tokens {
			above += t
		}
	}
	if total == 0 {
		return 0
	}
	return above / total
}

// AssumedTokensPerRequest is the size of a request, prompt and output,
// taken for export rows that do not count their requests.
const AssumedTokensPerRequest = simulate.AssumedTokensPerRequest

// ReadTraffic reads usage exports into Traffic, pricing each row with
// pricer. Each file is one source whose monthly figures are its totals over
// its own period, in whole UTC days (see Traffic.Sources). Rows without a
// request count count AssumedTokensPerRequest tokens a request; rows that
// cover a day or more spread their requests over the day by the office
// profile (simulate.DailyProfiles). Cost exports are skipped (their
// amounts have no tokens).
func ReadTraffic(ctx context.Context, files []string, opts usage.Options, pricer spend.Pricer) (*Traffic, error) {
	t := &Traffic{}
	rd := trafficReader{t: t, groups: map[string]*Group{}, sources: map[string]*UsageSource{}, pricer: pricer}
	stats, err := usage.Read(ctx, files, opts, rd.add)
	if err != nil {
		return nil, err
	}
	if !rd.any {
		return nil, fmt.Errorf("no usage rows with tokens in %d files: give the usage (token) exports, not only cost exports", len(files))
	}
	t.Stats = stats
	for _, s := range rd.order {
		s.From, s.To = wholeDays(s.From, s.To)
		t.span(s.From, s.To)
		t.Sources = append(t.Sources, *s)
	}
	if err := checkSpan(t, rd.first, rd.last); err != nil {
		return nil, err
	}
	for _, r := range rd.rows {
		t.Buckets = appendBuckets(t.Buckets, r.b, r.start.Sub(t.From).Seconds(), r.end.Sub(t.From).Seconds())
	}
	for _, g := range rd.groups {
		g.setMonths(rd.sources)
		g.setSizes()
	}
	t.sortGroups(rd.groups)
	t.Assumptions = rd.assumptions()
	return t, nil
}

// checkSpan refuses usage that spans more than the simulator replays (ten
// years), naming the row furthest from the first (first and last are the
// rows that start first and end last): a date typed wrong, most likely.
func checkSpan(t *Traffic, first, last trafficRow) error {
	if t.To.Sub(t.From).Seconds() <= simulate.MaxArrival {
		return nil
	}
	return fmt.Errorf("%s:%d: dated %s, more than ten years after the first row (%s:%d, %s): check the dates of the export",
		last.file, last.line, last.end.UTC().Format("2006-01-02"), first.file, first.line, first.start.UTC().Format("2006-01-02"))
}

// Source gives the arrivals in [lo, hi) seconds since From of the requests
// keep accepts (nil: all), from the aggregated rows and the request log
// merged in time order.
func (t *Traffic) Source(seed uint64, lo, hi float64, keep func(model string, prompt, output int) bool) simulate.Source {
	var bs []simulate.Bucket
	for _, b := range t.Buckets {
		if keep == nil || keep(b.Model, b.PromptTokens, b.OutputTokens) {
			bs = append(bs, b)
		}
	}
	origin := float64(t.From.Unix())
	return simulate.Merge(simulate.NewBucketSource(bs, seed, lo, hi), t.Log.Source(seed, origin+lo, origin+hi, keep))
}

// UsageSource is one export file: its format and the whole UTC days it covers.
type UsageSource struct {
	File   string    `json:"file"`
	Format string    `json:"format"`
	From   time.Time `json:"from"`
	To     time.Time `json:"to"`
	// RequestsKnown is false when the export counts no requests.
	RequestsKnown bool `json:"requests_known"`
	// Daily is set when its rows cover a day or more each.
	Daily bool `json:"daily"`
}

// Months is the source's period in months of DaysPerMonth days.
func (s UsageSource) Months() float64 {
	return math.Max(s.To.Sub(s.From).Hours()/24, 1) / DaysPerMonth
}

// trafficReader gathers the records of ReadTraffic.
type trafficReader struct {
	t       *Traffic
	groups  map[string]*Group
	sources map[string]*UsageSource
	order   []*UsageSource
	// rows are the aggregated rows, for Traffic.Buckets; the rows of single
	// requests go to Traffic.Log. first and last are the rows that start
	// first and end last; any says there was a row.
	rows        []trafficRow
	first, last trafficRow
	any         bool
	pricer      spend.Pricer
}

type trafficRow struct {
	start, end time.Time
	b          simulate.Bucket
	file       string
	line       int
}

func (rd *trafficReader) add(r *usage.Record) error {
	if r.Kind != usage.KindUsage {
		return nil
	}
	src := rd.source(r)
	n := simulate.RowRequests(r)
	tokens := r.InputTokens() + r.Output
	if !r.RequestsKnown {
		src.RequestsKnown = false
	}
	g, cost := rd.t.group(rd.groups, r, rd.pricer, n)
	g.addSource(r.File, cost, tokens)
	if r.RequestsKnown {
		g.addSize(int(math.Round(float64(tokens)/float64(n))), n)
	}
	start, end, b := simulate.RowBucket(r, n, time.Hour)
	b.Model = g.Key
	if end.Sub(r.Start) >= 23*time.Hour {
		src.Daily = true
	}
	if src.From.IsZero() || r.Start.Before(src.From) {
		src.From = r.Start
	}
	if end.After(src.To) {
		src.To = end
	}
	row := trafficRow{start: start, end: end, file: r.File, line: r.Line}
	if !rd.any || start.Before(rd.first.start) {
		rd.first = row
	}
	if !rd.any || end.After(rd.last.end) {
		rd.last = row
	}
	rd.any = true
	if n == 1 && end.Sub(start) <= time.Minute {
		rd.t.Log.Add(b.Model, float64(start.UnixNano())/1e9, b.PromptTokens, b.OutputTokens)
		return nil
	}
	row.b = b
	rd.rows = append(rd.rows, row)
	return nil
}

func (rd *trafficReader) source(r *usage.Record) *UsageSource {
	s := rd.sources[r.File]
	if s == nil {
		s = &UsageSource{File: r.File, Format: r.Format, RequestsKnown: true}
		rd.sources[r.File] = s
		rd.order = append(rd.order, s)
	}
	return s
}

// assumptions says what the plan assumes where the exports are silent.
func (rd *trafficReader) assumptions() []string {
	var out []string
	var noCount, daily []string
	for _, s := range rd.order {
		if !s.RequestsKnown {
			noCount = append(noCount, filepath.Base(s.File))
		}
		if s.Daily {
			daily = append(daily, filepath.Base(s.File))
		}
	}
	if len(noCount) > 0 {
		out = append(out, fmt.Sprintf("requests: %s count no requests; each row is taken as its tokens / %d (a typical request), and its rows do not size the context",
			strings.Join(noCount, ", "), AssumedTokensPerRequest))
	}
	if len(daily) > 0 {
		out = append(out, fmt.Sprintf("time of day: %s count whole days; each day's requests are spread over the hours by an office-hours profile (UTC, peaks 9:00-17:00 at 2.4x the mean), not evenly", strings.Join(daily, ", ")))
	}
	if d := periodNote(rd.order); d != "" {
		rd.t.PeriodNote = d
		out = append(out, d)
	}
	return out
}

// periodNote names the periods of sources that cover different lengths of
// time, each of which is averaged over its own period.
func periodNote(srcs []*UsageSource) string {
	if len(srcs) < 2 {
		return ""
	}
	lo, hi := math.Inf(1), 0.0
	var parts []string
	for _, s := range srcs {
		d := s.To.Sub(s.From).Hours() / 24
		lo, hi = math.Min(lo, d), math.Max(hi, d)
		parts = append(parts, fmt.Sprintf("%s %.0f days", filepath.Base(s.File), d))
	}
	if hi <= lo*1.1 {
		return ""
	}
	return "periods: the exports cover different periods (" + strings.Join(parts, ", ") + "); each is turned into a monthly figure over its own period"
}

// wholeDays widens a span to whole UTC days.
func wholeDays(from, to time.Time) (time.Time, time.Time) {
	from = from.UTC().Truncate(24 * time.Hour)
	end := to.UTC().Truncate(24 * time.Hour)
	if end.Before(to) || !end.After(from) {
		end = end.Add(24 * time.Hour)
	}
	return from, end
}

// appendBuckets adds a row's bucket, spread over the hours of its days by the
// office profile when it covers a day or more.
func appendBuckets(out []simulate.Bucket, b simulate.Bucket, start, end float64) []simulate.Bucket {
	const day = 86400
	if end-start < 23*3600 {
		b.Start, b.End = start, end
		return append(out, b)
	}
	hours := int(math.Round((end - start) / 3600))
	weights := simulate.NormalizeHourly(simulate.DailyProfiles["office"])
	first := int(math.Mod(start, day) / 3600)
	w := make([]float64, hours)
	for h := range w {
		w[h] = weights[(first+h)%24]
	}
	for h, n := range apportion(b.Requests, w) {
		if n == 0 {
			continue
		}
		c := b
		c.Requests = n
		c.Start, c.End = start+float64(h)*3600, start+float64(h+1)*3600
		out = append(out, c)
	}
	return out
}

// apportion splits n into whole parts proportional to w, by largest
// remainder, so the parts add up to n.
func apportion(n int64, w []float64) []int64 {
	sum := 0.0
	for _, v := range w {
		sum += v
	}
	out := make([]int64, len(w))
	type rem struct {
		i int
		r float64
	}
	rems := make([]rem, len(w))
	var given int64
	for i, v := range w {
		x := float64(n) * v / sum
		out[i] = int64(math.Floor(x))
		given += out[i]
		rems[i] = rem{i, x - math.Floor(x)}
	}
	sort.SliceStable(rems, func(a, b int) bool { return rems[a].r > rems[b].r })
	for k := 0; given < n; k++ {
		out[rems[k%len(rems)].i]++
		given++
	}
	return out
}

// group finds or makes the record's group, adds the record to it and
// returns the record's cost (0 when its model has no price).
func (t *Traffic) group(groups map[string]*Group, r *usage.Record, pricer spend.Pricer, n int64) (g *Group, cost float64) {
	p, ok := pricer.Price(r)
	model := p.Model
	if model == "" {
		model = r.Model
	}
	key := model + "\x00" + r.Project + "\x00" + r.APIKey
	g = groups[key]
	if g == nil {
		g = &Group{Key: key, Model: model, Provider: r.Provider, Project: r.Project, APIKey: r.APIKey, Priced: true}
		groups[key] = g
	}
	g.Requests += n
	g.InputTokens += r.InputTokens()
	g.OutputTokens += r.Output
	if !ok {
		g.Priced = false
		t.Unpriced += n
		return g, 0
	}
	g.SpendUSD += p.CostUSD
	return g, p.CostUSD
}

func (t *Traffic) span(start, end time.Time) {
	if t.From.IsZero() || start.Before(t.From) {
		t.From = start
	}
	if end.After(t.To) {
		t.To = end
	}
}

func (t *Traffic) sortGroups(groups map[string]*Group) {
	for _, g := range groups {
		t.Groups = append(t.Groups, g)
	}
	sort.Slice(t.Groups, func(i, j int) bool {
		a, b := t.Groups[i], t.Groups[j]
		if a.SpendUSD != b.SpendUSD {
			return a.SpendUSD > b.SpendUSD
		}
		return a.Key < b.Key
	})
}

// sized reports whether any row gave the size of its requests.
func (t *Traffic) sized() bool {
	for _, g := range t.Groups {
		if len(g.sizes) > 0 {
			return true
		}
	}
	return false
}

// RequestPercentile is the p-th percentile (0 to 1) of the tokens per
// request over all the traffic (see Group.ContextPercentile).
func RequestPercentile(t *Traffic, p float64) int {
	all := &Group{}
	for _, g := range t.Groups {
		all.sizes = append(all.sizes, g.sizes...)
	}
	return all.ContextPercentile(p)
}
