package simulate

import (
	"math"
	"strings"
	"testing"
)

func TestCurveService(t *testing.T) {
	svc, err := NewCurveService([]CurvePoint{
		{Active: 4, PrefillTokensPerSecond: 2000, DecodeTokensPerSecond: 120},
		{Active: 1, PrefillTokensPerSecond: 1000, DecodeTokensPerSecond: 60},
	})
	if err != nil {
		t.Fatal(err)
	}
	r := Request{PromptTokens: 1000, OutputTokens: 60}
	for _, tc := range []struct {
		active          int
		prefill, decode float64
	}{
		{1, 1, 1},     // 1000/1000, 60/60
		{2, 1.5, 1.5}, // aggregates 1333.3 and 80 shared by 2
		{4, 2, 2},     // 2000/4 = 500 tokens/s, 120/4 = 30
		{8, 4, 4},     // flat beyond the last point: 250 and 15 per request
		{0, 1, 1},     // below the first point: as at the first
	} {
		pre, dec := svc.Times(r, tc.active)
		if math.Abs(pre-tc.prefill) > 1e-9 || math.Abs(dec-tc.decode) > 1e-9 {
			t.Errorf("Times(%d active) = %v, %v; want %v, %v", tc.active, pre, dec, tc.prefill, tc.decode)
		}
	}
}

func TestNewCurveServiceErrors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		points []CurvePoint
		want   string
	}{
		{"empty", nil, "no points"},
		{"zero active", []CurvePoint{{Active: 0, PrefillTokensPerSecond: 1, DecodeTokensPerSecond: 1}}, "at least 1"},
		{"zero speed", []CurvePoint{{Active: 1, PrefillTokensPerSecond: 1}}, "positive"},
		{"infinite speed", []CurvePoint{{Active: 1, PrefillTokensPerSecond: 1, DecodeTokensPerSecond: math.Inf(1)}}, "positive"},
		{"duplicate", []CurvePoint{
			{Active: 2, PrefillTokensPerSecond: 1, DecodeTokensPerSecond: 1},
			{Active: 2, PrefillTokensPerSecond: 2, DecodeTokensPerSecond: 2},
		}, "two points"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewCurveService(tc.points)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("NewCurveService error = %v; want one containing %q", err, tc.want)
			}
		})
	}
}

func TestNewExponentialServiceErrors(t *testing.T) {
	for _, mean := range []float64{0, -1, math.NaN(), math.Inf(1)} {
		if _, err := NewExponentialService(mean, 1); err == nil {
			t.Errorf("NewExponentialService(%v): no error", mean)
		}
	}
}

func TestCurveServiceInRun(t *testing.T) {
	// One slot at 1 active: 100 prompt tokens at 1000/s, 50 output at 50/s.
	svc, err := NewCurveService([]CurvePoint{{Active: 1, PrefillTokensPerSecond: 1000, DecodeTokensPerSecond: 50}})
	if err != nil {
		t.Fatal(err)
	}
	res, err := Run(Config{Slots: 1, Service: svc}, NewSliceSource([]Request{{PromptTokens: 100, OutputTokens: 50}}))
	if err != nil {
		t.Fatal(err)
	}
	checkNear(t, "TTFT p50", res.TTFT.P50, 0.1)
	checkNear(t, "latency p50", res.Latency.P50, 1.1)
}
