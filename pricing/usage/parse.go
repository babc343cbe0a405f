package usage

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// maxCount is the largest token or request count one row may hold; more is a
// broken export, not usage.
const maxCount = 1e12

// maxUSD is the largest amount of money one row may hold.
const maxUSD = 1e9

// parseCount reads a token or request count: a whole number, possibly
// written as a float ("59200.0"), never negative. An empty cell is 0.
func parseCount(s string) (int64, error) {
	var n int64
	i := 0
	for ; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			break
		}
		n = n*10 + int64(c-'0')
		if n > maxCount {
			return 0, fmt.Errorf("%q is more than %g", s, float64(maxCount))
		}
	}
	if i == len(s) || (i > 0 && s[i] == '.' && zeros(s[i+1:])) {
		return n, nil
	}
	return parseCountSlow(s)
}

// zeros reports whether s holds only '0' digits.
func zeros(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] != '0' {
			return false
		}
	}
	return true
}

// parseCountSlow handles what the fast path does not: spaces, exponents,
// signs, and the errors.
func parseCountSlow(s string) (int64, error) {
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	switch {
	case err != nil || math.IsNaN(v) || math.IsInf(v, 0):
		return 0, fmt.Errorf("%q is not a number", s)
	case v < 0:
		return 0, fmt.Errorf("%q is negative", s)
	case v != math.Trunc(v):
		return 0, fmt.Errorf("%q is not a whole number", s)
	case v > maxCount:
		return 0, fmt.Errorf("%q is more than %g", s, float64(maxCount))
	}
	return int64(v), nil
}

// parseUSD reads an amount of US dollars. Negative amounts (credits,
// refunds) are allowed only when signed is true.
func parseUSD(s string, signed bool) (float64, error) {
	v, ok := plainDecimal(s)
	var err error
	if !ok {
		v, err = strconv.ParseFloat(s, 64)
	}
	if err != nil {
		v, err = strconv.ParseFloat(strings.TrimSpace(s), 64)
	}
	switch {
	case err != nil || math.IsNaN(v) || math.IsInf(v, 0):
		return 0, fmt.Errorf("%q is not an amount", s)
	case v < 0 && !signed:
		return 0, fmt.Errorf("%q is negative", s)
	case math.Abs(v) > maxUSD:
		return 0, fmt.Errorf("%q is more than %g dollars", s, float64(maxUSD))
	}
	return v, nil
}

// pow10 are the powers of ten a float64 holds exactly.
var pow10 = [...]float64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15}

// plainDecimal reads digits with at most one point and 15 digits in all
// ("0.0012345"), the common case, without strconv: the digits as an integer
// and the power of ten are both exact, so their quotient is the correctly
// rounded value, as ParseFloat gives. It reports false for anything else.
func plainDecimal(s string) (float64, bool) {
	var m uint64
	digits, frac, point := 0, 0, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			m = m*10 + uint64(c-'0')
			digits++
			if point {
				frac++
			}
		case c == '.' && !point:
			point = true
		default:
			return 0, false
		}
	}
	if digits == 0 || digits > 15 {
		return 0, false
	}
	return float64(m) / pow10[frac], true
}

// parseBool reads TRUE/FALSE as spreadsheets, Python and JSON write them.
func parseBool(s string) (bool, error) {
	switch s {
	case "", "FALSE", "false", "False", "0", "f", "F", "no", "No":
		return false, nil
	case "TRUE", "true", "True", "1", "t", "T", "yes", "Yes":
		return true, nil
	}
	return false, fmt.Errorf("%q is not true or false", s)
}

// Years outside this range are a broken timestamp, not usage.
const (
	minYear = 2000
	maxYear = 2200
)

// timeLayouts says which timestamps are understood.
const timeLayouts = "want RFC 3339, YYYY-MM-DD, YYYY-MM-DD HH:MM:SS[.fff][zone] or unix seconds"

// parseTime reads the timestamps the exports write, always as UTC:
// unix seconds ("1759622400", "1759622400.0"), a date ("2026-03-22", the
// day's start), and a date with a time, 'T' or ' ' between, optional seconds
// and fraction and an optional zone ("Z", "UTC", "+00", "+0000", "+00:00";
// none means UTC): "2026-06-28 03:46:57.713", "2025-10-05T00:00:00+00:00".
func parseTime(s string) (time.Time, error) {
	sec, ns, ok := parseUnix(s)
	if !ok {
		sec, ns, ok = parseDateTime(s)
	}
	if !ok {
		return time.Time{}, fmt.Errorf("%q is not a time (%s)", s, timeLayouts)
	}
	if sec < minUnix || sec >= maxUnix {
		return time.Time{}, fmt.Errorf("%q is outside the years %d-%d", s, minYear, maxYear)
	}
	return time.Unix(sec, ns).UTC(), nil
}

// The unix seconds of minYear and maxYear+1.
var (
	minUnix = unixDays(minYear, 1, 1) * secondsPerDay
	maxUnix = unixDays(maxYear+1, 1, 1) * secondsPerDay
)

const secondsPerDay = 24 * 60 * 60

// isDate reports whether s is a bare date, which stands for a whole day.
func isDate(s string) bool {
	return len(s) == len("2006-01-02") && s[4] == '-' && s[7] == '-'
}

// parseUnix reads unix seconds, possibly written as a float with a zero
// fraction.
func parseUnix(s string) (sec int64, ns int64, ok bool) {
	if i := strings.IndexByte(s, '.'); i >= 0 && zeros(s[i+1:]) {
		s = s[:i]
	}
	if len(s) > 12 {
		return 0, 0, false
	}
	n, ok := digits(s)
	return int64(n), 0, ok
}

// digits reads an unsigned decimal number made of digits only.
func digits(s string) (int, bool) {
	if s == "" {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// parseDateTime reads "YYYY-MM-DD" with an optional time and zone, as unix
// seconds and nanoseconds.
func parseDateTime(s string) (sec int64, ns int64, ok bool) {
	if len(s) < 10 || s[4] != '-' || s[7] != '-' {
		return 0, 0, false
	}
	y, ok1 := digits(s[0:4])
	mo, ok2 := digits(s[5:7])
	d, ok3 := digits(s[8:10])
	if !ok1 || !ok2 || !ok3 || mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo) {
		return 0, 0, false
	}
	day := unixDays(y, mo, d) * secondsPerDay
	rest := s[10:]
	if rest == "" {
		return day, 0, true
	}
	if c := rest[0]; c != 'T' && c != 't' && c != ' ' {
		return 0, 0, false
	}
	clock, rest, ok := parseClock(rest[1:])
	if !ok {
		return 0, 0, false
	}
	offset, ok := parseZone(rest)
	if !ok {
		return 0, 0, false
	}
	clock -= offset
	return day + int64(clock/time.Second), int64(clock % time.Second), true
}

// unixDays is the number of days from 1970-01-01 to a date of the proleptic
// Gregorian calendar (the days_from_civil algorithm).
func unixDays(y, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int64(era*146097 + doe - 719468)
}

// daysIn is the number of days of a month.
func daysIn(year, month int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// parseClock reads "HH:MM[:SS[.fff]]" (or "H:MM...") from the start of s
// and returns the time of day and what follows.
func parseClock(s string) (time.Duration, string, bool) {
	if len(s) >= 2 && s[1] == ':' {
		s = "0" + s // a one-digit hour, as time.Parse allows
	}
	if len(s) < 5 || s[2] != ':' {
		return 0, s, false
	}
	h, ok1 := digits(s[0:2])
	m, ok2 := digits(s[3:5])
	if !ok1 || !ok2 || h > 23 || m > 59 {
		return 0, s, false
	}
	clock := time.Duration(h)*time.Hour + time.Duration(m)*time.Minute
	s = s[5:]
	if len(s) >= 3 && s[0] == ':' {
		sec, ok := digits(s[1:3])
		if !ok || sec > 59 {
			return 0, s, false
		}
		clock += time.Duration(sec) * time.Second
		s = s[3:]
		if len(s) >= 2 && (s[0] == '.' || s[0] == ',') {
			frac, rest, ok := parseFraction(s[1:])
			if !ok {
				return 0, s, false
			}
			clock += frac
			s = rest
		}
	}
	return clock, s, true
}

// parseFraction reads the digits of a fraction of a second (any number of
// them; past nanoseconds they are ignored).
func parseFraction(s string) (time.Duration, string, bool) {
	var ns, scale int64 = 0, int64(time.Second)
	i := 0
	for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		if scale > 1 {
			scale /= 10
			ns += int64(s[i]-'0') * scale
		}
	}
	return time.Duration(ns), s[i:], i > 0
}

// parseZone reads a time zone suffix: nothing, "Z", "UTC", "+HH", "+HHMM" or
// "+HH:MM", optionally after a space, and returns its offset from UTC.
func parseZone(s string) (time.Duration, bool) {
	if s != "" && s[0] == ' ' {
		s = s[1:]
	}
	switch s {
	case "", "Z", "z", "UTC":
		return 0, true
	}
	sign := time.Duration(1)
	switch s[0] {
	case '+':
	case '-':
		sign = -1
	default:
		return 0, false
	}
	s = s[1:]
	if len(s) == 5 && s[2] == ':' {
		s = s[:2] + s[3:]
	}
	if len(s) != 2 && len(s) != 4 {
		return 0, false
	}
	h, ok := digits(s[:2])
	m := 0
	if len(s) == 4 {
		m, ok = digits(s[2:])
	}
	if !ok || h > 23 || m > 59 {
		return 0, false
	}
	return sign * (time.Duration(h)*time.Hour + time.Duration(m)*time.Minute), true
}

// longContext reads a context-window label: Anthropic's console writes
// "≤ 200k" and "> 200k", its API "0-200k" and "200k-1M". Anything above the
// first tier is long context.
func longContext(s string) bool {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return false
	case s[0] == '>':
		return true
	case strings.HasPrefix(s, "≤"), s[0] == '<':
		return false
	}
	lo, _, found := strings.Cut(s, "-")
	return found && strings.TrimSpace(lo) != "0"
}

// slugProvider is the provider part of a "provider/model" slug, or "".
func slugProvider(slug string) string {
	p, _, found := strings.Cut(slug, "/")
	if !found {
		return ""
	}
	return strings.TrimPrefix(p, "~")
}

// isBatch reports whether a usage type or service tier names the batch API.
func isBatch(s string) bool {
	return strings.Contains(strings.ToLower(s), "batch")
}
