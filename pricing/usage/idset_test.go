package usage

import (
	"math/rand/v2"
	"testing"
)

func TestIDSetMatchesMap(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var s idSet
	want := map[uint64]bool{}
	for range 50_000 {
		h := rng.Uint64N(40_000) + 2 // repeats, and never the reserved 0 or 1
		if had := s.add(h); had != want[h] {
			t.Fatalf("add(%d) = %v, want %v", h, had, want[h])
		}
		want[h] = true
	}
	if s.n != len(want) || 2*s.n > len(s.slots) {
		t.Fatalf("%d ids in %d slots, want %d at most half full", s.n, len(s.slots), len(want))
	}
	for h := range uint64(40_002) {
		if s.has(h) != want[h] {
			t.Fatalf("has(%d) = %v", h, s.has(h))
		}
	}
}

// Past the limit the earliest hours are forgotten, the latest kept.
func TestIDsByHourDropEarliest(t *testing.T) {
	s := idsByHour{limit: 25}
	for hour := range int64(5) {
		for i := range uint64(10) {
			s.add(10-hour, 100*uint64(hour)+i+2) // the hours come latest first
		}
	}
	if s.n > 25 || s.n < 16 {
		t.Fatalf("%d ids kept, limit 25", s.n)
	}
	if !s.has(10, 2) || !s.has(9, 102) || s.has(6, 402) || s.has(7, 302) {
		t.Fatalf("kept hours %v, want the latest", s.sets)
	}
	if !s.add(10, 5) || s.add(10, 999) {
		t.Fatal("a kept id was not found, or a new one was")
	}
}

func TestIDsByHourAscending(t *testing.T) {
	s := idsByHour{limit: 25}
	for hour := range int64(5) {
		for i := range uint64(10) {
			s.add(hour, 100*uint64(hour)+i+2)
		}
	}
	if s.n > 25 || !s.has(4, 402) || !s.has(3, 302) || s.has(0, 2) || s.has(1, 102) {
		t.Fatalf("%d ids in hours %v, want the latest", s.n, s.sets)
	}
}
