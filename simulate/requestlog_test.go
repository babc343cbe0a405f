package simulate

import (
	"math"
	"testing"
)

// The log gives back every request once, in time order, within the minute
// it arrived in, with its tokens within 1%, and the same arrivals for the same
// seed; a window gives the requests inside it, moved back to its start.
func TestRequestLog(t *testing.T) {
	var log RequestLog
	var want, wantTokens int64
	at := func(i int) float64 { return 86400*3 + float64(i)*37.3 } // over about five days
	for i := range 12000 {
		p, o := 100+i%5000, 10+i%700
		log.Add([]string{"a", "b"}[i%2], at(i), p, o)
		want++
		wantTokens += int64(p + o)
	}
	if log.Requests() != want || log.Len() > 2*6 {
		t.Fatalf("holds %d requests in %d model-days; want %d in at most 12", log.Requests(), log.Len(), want)
	}
	read := func(seed uint64, lo, hi float64) (n, tokens int64, first Request) {
		src := log.Source(seed, lo, hi, nil)
		last := -1.0
		for r, ok := src.Next(); ok; r, ok = src.Next() {
			if n == 0 {
				first = r
			}
			if r.Arrival < last || r.Arrival < 0 || r.Arrival >= hi-lo {
				t.Fatalf("arrival %v after %v, window %v..%v", r.Arrival, last, lo, hi)
			}
			last = r.Arrival
			n++
			tokens += int64(r.PromptTokens + r.OutputTokens)
		}
		return n, tokens, first
	}
	n, tokens, first := read(1, 0, math.Inf(1))
	if n != want || math.Abs(float64(tokens)/float64(wantTokens)-1) > 0.01 {
		t.Errorf("gave %d requests of %d tokens; want %d of %d, within 1%% (each request the middle of its classes)", n, tokens, want, wantTokens)
	}
	if math.Floor(first.Arrival/60) != math.Floor(at(0)/60) {
		t.Errorf("the first request at %v, not in the minute of %v", first.Arrival, at(0))
	}
	if _, _, again := read(1, 0, math.Inf(1)); again != first {
		t.Errorf("the same seed gave %+v, then %+v", first, again)
	}
	if _, _, other := read(2, 0, math.Inf(1)); other == first {
		t.Errorf("another seed gave the same first request %+v", other)
	}
	// One hour of the second day: its requests, within a minute's edge.
	lo := 86400*4 + 3600*10.0
	n, _, first = read(1, lo, lo+3600)
	if math.Abs(float64(n)-3600/37.3) > 2 || first.Arrival > 60 {
		t.Errorf("the hour gave %d requests, the first at %v; want about %.0f", n, first.Arrival, 3600/37.3)
	}
	keep := func(model string, p, o int) bool { return model == "a" }
	src := log.Source(1, 0, math.Inf(1), keep)
	for r, ok := src.Next(); ok; r, ok = src.Next() {
		if r.Model != "a" {
			t.Fatalf("kept %+v", r)
		}
	}
}

// A minute's count past what it holds spills into the next minute of the
// hour.
func TestRequestLogFullMinute(t *testing.T) {
	var log RequestLog
	for range 70000 {
		log.Add("m", 30, 10, 10)
	}
	d := log.days[0]
	if d.minutes[0] != math.MaxUint16 || d.minutes[1] != 70000-math.MaxUint16 || log.Requests() != 70000 {
		t.Errorf("minutes %d, %d; %d requests", d.minutes[0], d.minutes[1], log.Requests())
	}
}

func TestMerge(t *testing.T) {
	a := NewSliceSource([]Request{{Arrival: 1}, {Arrival: 3}})
	b := NewSliceSource([]Request{{Arrival: 2}, {Arrival: 3, Model: "b"}, {Arrival: 4}})
	m := Merge(a, b)
	var got []float64
	for r, ok := m.Next(); ok; r, ok = m.Next() {
		got = append(got, r.Arrival)
		if r.Arrival == 3 && len(got) == 3 && r.Model == "b" {
			t.Error("b's request came first on a tie")
		}
	}
	if len(got) != 5 || got[0] != 1 || got[4] != 4 {
		t.Errorf("merged %v", got)
	}
}

// A size comes back as the middle of its class: within 4.4%, and none as
// none.
func TestSizeClassMiddle(t *testing.T) {
	for _, n := range []int{0, 1, 2, 7, 100, 1234, 99_999, 1_000_000} {
		got := classMiddle(SizeClass(n))
		if n == 0 && got != 0 || n > 0 && math.Abs(float64(got)/float64(n)-1) > 0.045 && math.Abs(float64(got-n)) > 0.5 {
			t.Errorf("%d tokens come back as %d", n, got)
		}
	}
	if p, o := classTokens(sizeClasses(1200, 0)); math.Abs(float64(p)/1200-1) > 0.045 || o != 0 {
		t.Errorf("1200 and 0 tokens come back as %d and %d", p, o)
	}
}
