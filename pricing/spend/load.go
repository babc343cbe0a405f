package spend

import (
	"sort"
	"time"

	"github.com/plan-cli/plan/pricing/usage"
)

// count is requests and tokens (input + output) in a period.
type count struct {
	requests, tokens int64
}

// loadShape collects hourly and daily counts as records arrive.
type loadShape struct {
	hours map[int64]*count // unix hour → counts, from buckets of an hour or less
	days  map[int64]*count // unix day → counts
	last  [2]struct {      // the previous record's hour and day, tried first
		key int64
		c   *count
	}
	widest   time.Duration // longest bucket seen
	narrow   time.Duration // shortest bucket seen
	reqKnown bool
}

func newLoadShape() *loadShape {
	return &loadShape{hours: map[int64]*count{}, days: map[int64]*count{}, narrow: -1, reqKnown: true}
}

func (l *loadShape) add(r *usage.Record) {
	width := r.End.Sub(r.Start)
	if width < 0 || perRequest(r.Format) {
		width = 0 // one request per row: End-Start is its latency, not a bucket
	}
	l.widest = max(l.widest, width)
	if l.narrow < 0 || width < l.narrow {
		l.narrow = width
	}
	l.reqKnown = l.reqKnown && r.RequestsKnown
	c := count{r.Requests, r.InputTokens() + r.Output}
	sec := r.Start.Unix()
	l.bump(1, l.days, floorDiv(sec, 86400), c)
	if width <= time.Hour {
		l.bump(0, l.hours, floorDiv(sec, 3600), c)
	}
}

// perRequest tells the formats whose rows are single requests.
func perRequest(format string) bool {
	return format == usage.FormatOpenRouterCSV || format == usage.FormatLiteLLMSpendCSV
}

// bump adds c to m[k]; slot names the cache of the previous key of m.
func (l *loadShape) bump(slot int, m map[int64]*count, k int64, c count) {
	last := &l.last[slot]
	x := last.c
	if x == nil || last.key != k {
		x = m[k]
		if x == nil {
			x = &count{}
			m[k] = x
		}
		last.key, last.c = k, x
	}
	x.requests += c.requests
	x.tokens += c.tokens
}

// LoadShape is when the traffic came, at the finest granularity the export allows.
type LoadShape struct {
	// Granularity is the export's bucket size: "per request", "1m", "1h", "1d"
	// (the widest bucket seen decides what can be shown).
	Granularity   string `json:"granularity"`
	RequestsKnown bool   `json:"requests_known"`
	// BusiestHour is nil when the export's buckets are wider than an hour.
	BusiestHour *Peak `json:"busiest_hour,omitempty"`
	BusiestDay  *Peak `json:"busiest_day,omitempty"`
	// HourOfWeek holds 168 means (Monday 00:00 UTC first) of requests and
	// tokens per hour, over the weeks the export covers; empty when the
	// buckets are wider than an hour.
	HourOfWeek []HourOfWeek `json:"hour_of_week,omitempty"`
}

// Peak is the busiest period: by requests when the export counts them, else by tokens.
type Peak struct {
	Start    time.Time `json:"start"`
	Requests int64     `json:"requests"`
	Tokens   int64     `json:"tokens"`
}

// HourOfWeek is the mean load of one hour of the week.
type HourOfWeek struct {
	Day          string  `json:"day"` // "Mon" ... "Sun"
	Hour         int     `json:"hour"`
	MeanRequests float64 `json:"mean_requests"`
	MeanTokens   float64 `json:"mean_tokens"`
}

func (l *loadShape) summary() LoadShape {
	s := LoadShape{Granularity: granularity(l.narrow, l.widest), RequestsKnown: l.reqKnown}
	if len(l.days) == 0 {
		return s
	}
	s.BusiestDay = busiest(l.days, 86400, l.reqKnown)
	if l.widest <= time.Hour && len(l.hours) > 0 {
		s.BusiestHour = busiest(l.hours, 3600, l.reqKnown)
		s.HourOfWeek = hourOfWeek(l.hours)
	}
	return s
}

func granularity(narrow, widest time.Duration) string {
	name := func(d time.Duration) string {
		switch {
		case d < time.Minute:
			return "per request"
		case d <= time.Minute:
			return "1m"
		case d <= time.Hour:
			return "1h"
		case d <= 24*time.Hour:
			return "1d"
		default:
			return d.String()
		}
	}
	if name(narrow) == name(widest) {
		return name(widest)
	}
	return "mixed: " + name(narrow) + " to " + name(widest)
}

func busiest(m map[int64]*count, unit int64, byRequests bool) *Peak {
	keys := make([]int64, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	best := keys[0]
	for _, k := range keys[1:] {
		if load(m[k], byRequests) > load(m[best], byRequests) {
			best = k
		}
	}
	return &Peak{Start: time.Unix(best*unit, 0).UTC(), Requests: m[best].requests, Tokens: m[best].tokens}
}

func load(c *count, byRequests bool) int64 {
	if byRequests {
		return c.requests
	}
	return c.tokens
}

var weekdays = []string{"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"}

// hourOfWeek averages each hour of the week over the hours the export covers
// (from its first to its last hour, idle hours counting as zero).
func hourOfWeek(hours map[int64]*count) []HourOfWeek {
	first, last := int64(-1), int64(-1)
	for h := range hours {
		if first < 0 || h < first {
			first = h
		}
		last = max(last, h)
	}
	var sumReq, sumTok, seen [168]float64
	for h := first; h <= last; h++ {
		i := weekHour(h)
		seen[i]++
		if c := hours[h]; c != nil {
			sumReq[i] += float64(c.requests)
			sumTok[i] += float64(c.tokens)
		}
	}
	out := make([]HourOfWeek, 168)
	for i := range out {
		out[i] = HourOfWeek{Day: weekdays[i/24], Hour: i % 24}
		if seen[i] > 0 {
			out[i].MeanRequests, out[i].MeanTokens = sumReq[i]/seen[i], sumTok[i]/seen[i]
		}
	}
	return out
}

// weekHour is the hour of the week (Monday 00:00 UTC = 0) of a unix hour.
func weekHour(h int64) int {
	// The Unix epoch was a Thursday: hour 0 is Thursday 00:00, i.e. 72 hours into the week.
	return int((h + 72) % 168)
}
