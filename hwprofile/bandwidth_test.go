package hwprofile

import (
	"context"
	"strings"
	"testing"
	"time"
)

func TestMeasureBandwidth(t *testing.T) {
	b, err := MeasureBandwidth(context.Background(), BandwidthOptions{Threads: 2, BufferBytes: 4 << 20, Budget: 50 * time.Millisecond})
	if err != nil {
		t.Fatalf("MeasureBandwidth() error = %v", err)
	}
	if b.GBPerS <= 0 || b.Passes < minPasses || b.Passes > maxPasses || b.Threads != 2 || b.BufferBytes != 4<<20 {
		t.Errorf("MeasureBandwidth() = %+v; want a positive figure from 2 goroutines and %d to %d passes", b, minPasses, maxPasses)
	}
	if want := "copy: bytes read + written per second, 2 goroutines × 2 buffers of 4 MiB, best of"; !strings.HasPrefix(b.Method(), want) {
		t.Errorf("Method() = %q; want it to start with %q", b.Method(), want)
	}
}

func TestMeasureBandwidthErrors(t *testing.T) {
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name    string
		ctx     context.Context
		opts    BandwidthOptions
		wantErr string
	}{
		{"cancelled", cancelled, BandwidthOptions{Threads: 1, BufferBytes: 1 << 20}, "measuring bandwidth: context canceled"},
		{"too large", context.Background(), BandwidthOptions{Threads: 1, BufferBytes: 1 << 40}, "2 buffers of 1099511627776 bytes are too many"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := MeasureBandwidth(tt.ctx, tt.opts)
			checkErr(t, err, tt.wantErr)
		})
	}
}

func TestBandwidthDefaults(t *testing.T) {
	tests := []struct {
		threads  int
		wantSize int
	}{
		{1, 256 << 20},
		{2, 128 << 20},
		{128, 8 << 20},
	}
	for _, tt := range tests {
		o := BandwidthOptions{Threads: tt.threads}.withDefaults()
		// The available memory may shrink the buffers, never grow them.
		if o.BufferBytes > tt.wantSize || o.BufferBytes <= 0 || o.Budget != 1500*time.Millisecond {
			t.Errorf("defaults for %d threads = %+v; want buffers of at most %d bytes and 1.5 s", tt.threads, o, tt.wantSize)
		}
	}
}

func TestFill(t *testing.T) {
	for _, n := range []int{0, 1, 4095, 4096, 10000} {
		b := make([]byte, n)
		fill(b)
		for i, v := range b {
			if v != byte(i%4096*7+1) {
				t.Fatalf("fill(%d bytes): byte %d = %d", n, i, v)
			}
		}
	}
}
