package planner

import (
	"context"
	"fmt"
	"math"
	"sort"
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
	Groups   []*Group // by spend, largest first
	// Buckets are the arrivals of every group, in seconds since From, with
	// Bucket.Model set to the group's Key, for replays.
	Buckets []simulate.Bucket
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

	sizes []sizeCount // each row's mean request size, with its request count
}

type sizeCount struct {
	tokens int // prompt + output of the row's mean request
	n      int64
}

// Months is the span of the traffic in months, at least one day.
func (t *Traffic) Months() float64 {
	days := t.To.Sub(t.From).Hours() / 24
	return math.Max(days, 1) / DaysPerMonth
}

// ContextPercentile is the p-th percentile (0 to 1) of the tokens per
// request (prompt + output), weighting each export row's mean request by
// its number of requests. Rows that aggregate many requests hide their
// spread, so this understates long requests in daily exports and is exact
// for per-request logs.
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

// ReadTraffic reads usage exports into Traffic, pricing each row with
// pricer. Rows without a request count count as one request; cost
// exports are skipped (their amounts have no tokens).
func ReadTraffic(ctx context.Context, files []string, opts usage.Options, pricer spend.Pricer) (*Traffic, error) {
	t := &Traffic{}
	groups := map[string]*Group{}
	type row struct {
		start, end time.Time
		b          simulate.Bucket
	}
	var rows []row
	stats, err := usage.Read(ctx, files, opts, func(r *usage.Record) error {
		if r.Kind != usage.KindUsage {
			return nil
		}
		n := r.Requests
		if !r.RequestsKnown || n <= 0 {
			n = 1
		}
		g := t.group(groups, r, pricer, n)
		size := int(math.Round(float64(r.InputTokens()+r.Output) / float64(n)))
		g.sizes = append(g.sizes, sizeCount{tokens: size, n: n})
		end := r.End
		if !end.After(r.Start) && n > 1 {
			end = r.Start.Add(time.Hour)
		}
		rows = append(rows, row{start: r.Start, end: end, b: simulate.Bucket{
			Requests: n, Model: g.Key,
			PromptTokens: int(math.Round(float64(r.InputTokens()) / float64(n))),
			OutputTokens: int(math.Round(float64(r.Output) / float64(n))),
		}})
		t.span(r.Start, end)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("no usage rows with tokens in %d files: give the usage (token) exports, not only cost exports", len(files))
	}
	t.Stats = stats
	for _, r := range rows {
		b := r.b
		b.Start, b.End = r.start.Sub(t.From).Seconds(), r.end.Sub(t.From).Seconds()
		t.Buckets = append(t.Buckets, b)
	}
	t.sortGroups(groups)
	return t, nil
}

// group finds or makes the record's group and adds the record to it.
func (t *Traffic) group(groups map[string]*Group, r *usage.Record, pricer spend.Pricer, n int64) *Group {
	p, ok := pricer.Price(r)
	model := p.Model
	if model == "" {
		model = r.Model
	}
	key := model + "\x00" + r.Project + "\x00" + r.APIKey
	g := groups[key]
	if g == nil {
		g = &Group{Key: key, Model: model, Provider: r.Provider, Project: r.Project, APIKey: r.APIKey, Priced: true}
		groups[key] = g
	}
	g.Requests += n
	g.InputTokens += r.InputTokens()
	g.OutputTokens += r.Output
	if ok {
		g.SpendUSD += p.CostUSD
	} else {
		g.Priced = false
		t.Unpriced += n
	}
	return g
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

// RequestPercentile is the p-th percentile (0 to 1) of the tokens per
// request over all the traffic (see Group.ContextPercentile).
func RequestPercentile(t *Traffic, p float64) int {
	all := &Group{}
	for _, g := range t.Groups {
		all.sizes = append(all.sizes, g.sizes...)
	}
	return all.ContextPercentile(p)
}
