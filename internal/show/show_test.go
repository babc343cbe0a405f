package show

import (
	"math"
	"testing"
	"time"
)

func TestMoney(t *testing.T) {
	tests := []struct {
		x                   float64
		summary, bill, diff string
	}{
		{-5, "-$5.00", "-$5.00", "-$5.00"},
		{1234.5, "$1,235", "$1,234.50", "+$1,234.50"},
		{0.56977, "$0.57", "$0.5698", "+$0.5698"},
		{-0.25, "-$0.25", "-$0.2500", "-$0.2500"},
		{0, "$0.00", "$0.00", "$0.00"},
		{-1234.4, "-$1,234", "-$1,234.40", "-$1,234.40"},
		{math.Inf(1), "$+Inf", "$+Inf", "+$+Inf"},
	}
	for _, tt := range tests {
		if got := USD(tt.x); got != tt.summary {
			t.Errorf("USD(%v) = %q; want %q", tt.x, got, tt.summary)
		}
		if got := USDExact(tt.x); got != tt.bill {
			t.Errorf("USDExact(%v) = %q; want %q", tt.x, got, tt.bill)
		}
		if got := USDChange(tt.x); got != tt.diff {
			t.Errorf("USDChange(%v) = %q; want %q", tt.x, got, tt.diff)
		}
	}
}

func TestNumbers(t *testing.T) {
	m := 8.14
	zero := 0.0
	tests := []struct{ got, want string }{
		{Count(-1234567), "-1,234,567"},
		{Count(999), "999"},
		{Tokens(412_000_000), "412.0M"},
		{Tokens(36_500), "36.5k"},
		{Tokens(9_999), "9,999"},
		{Bytes(512), "512 B"},
		{Bytes(5 << 29), "2.5 GiB"},
		{Seconds(0.12), "120ms"},
		{Seconds(1.254), "1.25s"},
		{Seconds(0), "-"},
		{Duration(1500 * time.Millisecond), "1.50s"},
		{Speed(42.34), "42.3"},
		{Speed(1234.5), "1,235"},
		{Percent(0.625), "62%"},
		{Percent1(0.625), "62.5%"},
		{Share(1, 4), "25%"},
		{Share(1, 0), "-"},
		{Months(nil), "never"},
		{Months(&zero), "from the first month"},
		{Months(&m), "8.1 months"},
		{Day(time.Date(2026, 10, 1, 23, 0, 0, 0, time.FixedZone("x", -3600))), "2026-10-02"},
		{JoinAnd([]string{"a", "b", "c"}), "a, b and c"},
		{Clean("a\x1b[2Jb\nc"), "a [2Jb c"},
		{Wrap("one two three four", 9, "  "), "one two\n  three\n  four"},
		{Requests(5, false), "n/a"},
		{Whole(1234.6), "1,235"},
	}
	for i, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("case %d = %q; want %q", i, tt.got, tt.want)
		}
	}
}
