// Package show writes numbers for people: counts, token counts, money,
// bytes, durations, speeds and shares, the same way in every command and
// every output. Machine formats (JSON, CSV) write plain numbers instead.
package show

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// Dash stands for a figure that is unknown or does not apply.
const Dash = "-"

// Count writes n with thousands separators: 1,234,567.
func Count(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// Requests is Count(n), or "n/a" when the export does not count requests.
func Requests(n int64, known bool) string {
	if !known {
		return "n/a"
	}
	return Count(n)
}

// Tokens writes a token count compactly: 412.0M, 36.5k, 900.
func Tokens(n int64) string {
	switch {
	case n >= 1e9:
		return fmt.Sprintf("%.1fB", float64(n)/1e9)
	case n >= 1e6:
		return fmt.Sprintf("%.1fM", float64(n)/1e6)
	case n >= 1e4:
		return fmt.Sprintf("%.1fk", float64(n)/1e3)
	}
	return Count(n)
}

// Whole writes x rounded to a whole number with separators, or a dash for 0.
func Whole(x float64) string {
	if x == 0 {
		return Dash
	}
	return Count(int64(math.Round(x)))
}

// USD writes an amount for a summary: whole dollars from $10 up
// ($1,234), cents below ($3.20).
func USD(x float64) string {
	if !(math.Abs(x) < 1e15) { // beyond int64 dollars (or not a number)
		return "$" + strconv.FormatFloat(x, 'g', 4, 64)
	}
	sign := ""
	if x < 0 {
		sign = "-"
	}
	if math.Abs(x) >= 10 {
		return sign + "$" + Count(int64(math.Round(math.Abs(x))))
	}
	return fmt.Sprintf("%s$%.2f", sign, math.Abs(x))
}

// USDExact writes an amount for a bill: cents with separators ($1,234.56),
// and four decimals below a dollar ($0.0042) so that small spends show.
func USDExact(x float64) string {
	sign := ""
	if x < 0 {
		sign, x = "-", -x
	}
	if x != 0 && x < 1 {
		return fmt.Sprintf("%s$%.4f", sign, x)
	}
	if !(x < 1e13) { // beyond int64 cents (or not a number): no separators
		return sign + "$" + strconv.FormatFloat(x, 'g', 4, 64)
	}
	cents := int64(x*100 + 0.5)
	return fmt.Sprintf("%s$%s.%02d", sign, Count(cents/100), cents%100)
}

// Bytes writes a size in binary units: 512 B, 1.5 KiB, 4.7 GiB.
func Bytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}

// Seconds writes a duration in seconds: 120ms below a second, 1.25s above,
// a dash for 0.
func Seconds(s float64) string {
	switch {
	case s == 0:
		return Dash
	case s < 1:
		return fmt.Sprintf("%.0fms", s*1000)
	}
	return fmt.Sprintf("%.2fs", s)
}

// Duration writes d as Seconds does.
func Duration(d time.Duration) string { return Seconds(d.Seconds()) }

// Speed writes tokens per second: one decimal below 100, whole numbers with
// separators above, a dash for 0.
func Speed(x float64) string {
	switch {
	case x == 0:
		return Dash
	case x < 100:
		return fmt.Sprintf("%.1f", x)
	}
	return Count(int64(math.Round(x)))
}

// Percent writes a fraction as a whole percentage: 0.62 is 62%.
func Percent(x float64) string { return fmt.Sprintf("%.0f%%", 100*x) }

// Percent1 writes a fraction as a percentage with one decimal: 62.5%.
func Percent1(x float64) string { return fmt.Sprintf("%.1f%%", 100*x) }

// Share writes part/whole as a whole percentage, or a dash when whole is 0.
func Share(part, whole int64) string {
	if whole == 0 {
		return Dash
	}
	return Percent(float64(part) / float64(whole))
}

// Months writes a break-even: "never" for nil, "from the first month" for
// 0, else "8.1 months".
func Months(m *float64) string {
	switch {
	case m == nil:
		return "never"
	case *m == 0:
		return "from the first month"
	}
	return fmt.Sprintf("%.1f months", *m)
}

// Day writes t's UTC date, or "?" for the zero time.
func Day(t time.Time) string {
	if t.IsZero() {
		return "?"
	}
	return t.UTC().Format("2006-01-02")
}

// OrDash is s, or a dash when s is empty.
func OrDash(s string) string {
	if s == "" {
		return Dash
	}
	return s
}

// JoinAnd joins items as prose: "a, b and c".
func JoinAnd(items []string) string {
	if len(items) <= 1 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

// Clean is s with control characters (newlines, escape sequences) written
// as spaces, so that a name from outside cannot move a terminal's cursor or
// start a new line in a comment or table.
func Clean(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
}

// Wrap breaks s into lines of at most width characters at spaces, starting
// every line after the first with indent.
func Wrap(s string, width int, indent string) string {
	var b strings.Builder
	n := 0
	for i, word := range strings.Fields(s) {
		switch {
		case i == 0:
		case n+1+len(word) > width:
			b.WriteString("\n" + indent)
			n = 0
		default:
			b.WriteByte(' ')
			n++
		}
		b.WriteString(word)
		n += len(word)
	}
	return b.String()
}

// USDChange writes a difference in money as USDExact does, with its sign:
// +$0.0420, -$1.00, $0.00 for less than a hundredth of a cent.
func USDChange(x float64) string {
	switch {
	case math.Abs(x) < 0.00005:
		return "$0.00"
	case x < 0:
		return USDExact(x)
	}
	return "+" + USDExact(x)
}
