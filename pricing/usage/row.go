package usage

import (
	"fmt"
	"strings"
	"time"
)

// checker reads the values of one row and keeps the first error, so a row
// parser can read every field and check once at the end.
type checker struct {
	err error
}

func (c *checker) fail(field string, err error) {
	if c.err == nil {
		c.err = fmt.Errorf("%s: %v", field, err)
	}
}

// count reads a token or request count; an empty value is 0.
func (c *checker) count(field, s string) int64 {
	n, err := parseCount(s)
	if err != nil {
		c.fail(field, err)
	}
	return n
}

// usd reads an amount of money and whether there was one.
func (c *checker) usd(field, s string, signed bool) (float64, bool) {
	if s == "" {
		return 0, false
	}
	v, err := parseUSD(s, signed)
	if err != nil {
		c.fail(field, err)
		return 0, false
	}
	return v, true
}

// when reads a required timestamp.
func (c *checker) when(field, s string) time.Time {
	if s == "" {
		c.fail(field, errEmpty)
		return time.Time{}
	}
	t, err := parseTime(s)
	if err != nil {
		c.fail(field, err)
	}
	return t
}

// flag reads a boolean; an empty value is false.
func (c *checker) flag(field, s string) bool {
	b, err := parseBool(s)
	if err != nil {
		c.fail(field, err)
	}
	return b
}

// need fails when a required text value is empty.
func (c *checker) need(field, s string) string {
	if s == "" {
		c.fail(field, errEmpty)
	}
	return s
}

// splitInput sets the disjoint input counts from a total that includes the
// cache reads and writes (OpenAI's way of counting).
func (c *checker) splitInput(rec *Record, field string, input, read, write int64) {
	if read+write > input {
		if c.err == nil {
			c.err = fmt.Errorf("%s %d is less than its cached (%d) and cache-write (%d) tokens", field, input, read, write)
		}
		return
	}
	rec.InputUncached = input - read - write
	rec.CacheRead = read
	rec.CacheWrite5m = write
}

// reasoningWithin fails when the reasoning tokens exceed the output tokens
// that should include them.
func (c *checker) reasoningWithin(rec *Record, reasoning, output string) {
	if rec.Reasoning > rec.Output && c.err == nil {
		c.err = fmt.Errorf("%s %d is more than %s %d, which includes them", reasoning, rec.Reasoning, output, rec.Output)
	}
}

// checkSpan fails a record whose bucket ends before it starts.
func checkSpan(rec *Record) error {
	if rec.End.Before(rec.Start) {
		return fmt.Errorf("the end %s is before the start %s",
			rec.End.Format(time.RFC3339), rec.Start.Format(time.RFC3339))
	}
	return nil
}

// row is one CSV row with its header, read through a checker. Column
// indexes come from header.col; -1 means the column is absent, which reads
// as an empty value.
type row struct {
	checker
	cols   []string
	vals   fields
	in     *interner
	recent []*[recentLabels]string // per column, labels recently interned
}

func (r *row) str(i int) string {
	if i < 0 {
		return ""
	}
	return r.vals.at(i)
}

// name is a repeated label (model, key, project): interned, so records do not
// pin the row's memory and repeated values share one string. Each column
// keeps its recent labels in a small table indexed by a cheap hash, which
// skips the interner's map for all but the first sight of a label.
func (r *row) name(i int) string {
	if i < 0 {
		return ""
	}
	s := r.vals.at(i)
	if s == "" {
		return ""
	}
	if r.recent[i] == nil {
		r.recent[i] = new([recentLabels]string)
	}
	slot := &r.recent[i][quickHash(s)%recentLabels]
	if *slot != s {
		*slot = r.in.get(s)
	}
	return *slot
}

// recentLabels is the size of a column's table of recent labels.
const recentLabels = 64

// quickHash mixes a label's length and its first and last bytes.
func quickHash(s string) uint {
	n := len(s)
	return ((uint(n)*31+uint(s[0]))*31+uint(s[n/2]))*31 + uint(s[n-1])
}

func (r *row) count(i int) int64 {
	if i < 0 {
		return 0
	}
	return r.checker.count(r.cols[i], r.vals.at(i))
}

func (r *row) usd(i int, signed bool) (float64, bool) {
	if i < 0 {
		return 0, false
	}
	return r.checker.usd(r.cols[i], r.vals.at(i), signed)
}

func (r *row) when(i int) time.Time {
	if i < 0 {
		return time.Time{}
	}
	return r.checker.when(r.cols[i], r.vals.at(i))
}

func (r *row) flag(i int) bool {
	if i < 0 {
		return false
	}
	return r.checker.flag(r.cols[i], r.vals.at(i))
}

// need reads a required label.
func (r *row) need(i int) string {
	if i < 0 {
		return ""
	}
	r.checker.need(r.cols[i], r.vals.at(i))
	return r.name(i)
}

// day reads a bucket start and end: a bare date is the whole UTC day, any
// other timestamp an instant.
func (r *row) day(i int) (start, end time.Time) {
	start = r.when(i)
	if i >= 0 && isDate(r.vals.at(i)) {
		return start, start.Add(24 * time.Hour)
	}
	return start, start
}

// emptyExcept reports whether every value outside the given columns is empty.
func (r *row) emptyExcept(keep []int) bool {
	for i := range r.vals.n() {
		if r.vals.at(i) != "" && !contains(keep, i) {
			return false
		}
	}
	return true
}

func contains(list []int, x int) bool {
	for _, v := range list {
		if v == x {
			return true
		}
	}
	return false
}

// header maps column names to their index.
type header struct {
	names []string
	index map[string]int
}

func newHeader(names []string) header {
	h := header{names: make([]string, len(names)), index: make(map[string]int, len(names))}
	for i, n := range names {
		n = strings.TrimSpace(strings.TrimPrefix(n, "\ufeff"))
		h.names[i] = n
		if _, dup := h.index[n]; !dup {
			h.index[n] = i
		}
	}
	return h
}

// col is the index of a column, or -1 when the header lacks it.
func (h header) col(name string) int {
	if i, ok := h.index[name]; ok {
		return i
	}
	return -1
}

func (h header) has(name string) bool {
	_, ok := h.index[name]
	return ok
}

// missing lists the names the header lacks.
func (h header) missing(names []string) []string {
	var out []string
	for _, n := range names {
		if !h.has(n) {
			out = append(out, n)
		}
	}
	return out
}

// maxInterned bounds the interner: past it, labels are still copied but no
// longer shared, so a column of unique ids cannot grow memory without end.
const maxInterned = 1 << 16

// interner shares one copy of each repeated label.
type interner struct {
	m map[string]string
}

func newInterner() *interner {
	return &interner{m: make(map[string]string)}
}

func (in *interner) get(s string) string {
	if s == "" {
		return ""
	}
	if v, ok := in.m[s]; ok {
		return v
	}
	v := strings.Clone(s)
	if len(in.m) < maxInterned {
		in.m[v] = v
	}
	return v
}
