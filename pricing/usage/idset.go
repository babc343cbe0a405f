package usage

import (
	"math"
	"math/bits"
)

// idSet is a set of 64-bit hashes in one open-addressed table, 8 bytes a
// slot, kept at most half full: a third of what a Go map of them takes, and
// no pointers for the collector to scan. Zero marks an empty slot.
type idSet struct {
	slots []uint64
	n     int
}

// find returns h's slot, or the empty slot where it would go.
func (s *idSet) find(h uint64) int {
	mask := uint64(len(s.slots) - 1)
	i := h & mask
	for s.slots[i] != 0 && s.slots[i] != h {
		i = (i + 1) & mask
	}
	return int(i)
}

func (s *idSet) has(h uint64) bool {
	return len(s.slots) > 0 && s.slots[s.find(max(h, 1))] != 0
}

// add puts h in the set; it reports whether h was there already.
func (s *idSet) add(h uint64) (had bool) {
	h = max(h, 1)
	if len(s.slots) == 0 {
		s.slots = make([]uint64, 64)
	}
	i := s.find(h)
	if s.slots[i] != 0 {
		return true
	}
	s.slots[i] = h
	s.n++
	if 2*s.n > len(s.slots) {
		s.resize(2 * len(s.slots))
	}
	return false
}

func (s *idSet) resize(size int) {
	old := s.slots
	s.slots = make([]uint64, size)
	for _, h := range old {
		if h != 0 {
			s.slots[s.find(h)] = h
		}
	}
}

// idsByHour keeps request ids in one set per hour of their time. A request
// read twice has the same time both times, so it is found in its own hour's
// set; as exports run in time order, the set in use is small enough to stay
// in the processor's cache. Past limit ids, the earliest hours are dropped:
// exports that overlap share their latest hours with the next one.
type idsByHour struct {
	sets  map[int64]*idSet
	hour  int64
	cur   *idSet
	first int64 // the earliest hour kept
	n     int   // ids kept, in all sets
	limit int
}

func (s *idsByHour) has(hour int64, h uint64) bool {
	set := s.sets[hour]
	return set != nil && set.has(h)
}

// add keeps the id hash h read at that hour; it reports whether it was
// there already. Once the limit is reached, an id earlier than every hour
// kept is looked for but not kept.
func (s *idsByHour) add(hour int64, h uint64) bool {
	if s.n >= s.limit && hour <= s.first {
		return s.has(hour, h)
	}
	if s.cur == nil || hour != s.hour {
		s.use(hour)
	}
	if s.cur.add(h) {
		return true
	}
	s.n++
	if s.n > s.limit {
		s.dropFirst()
	}
	return false
}

// use makes the hour's set the current one, made at the size the last
// hour's needed (traffic is alike hour to hour), so it seldom grows.
func (s *idsByHour) use(hour int64) {
	if s.sets == nil {
		s.sets = map[int64]*idSet{}
	}
	set := s.sets[hour]
	if set == nil {
		set = &idSet{}
		if s.cur != nil {
			set.slots = make([]uint64, 1<<bits.Len(uint(max(2*s.cur.n, 63))))
		}
		if len(s.sets) == 0 || hour < s.first {
			s.first = hour
		}
		s.sets[hour] = set
	}
	s.hour, s.cur = hour, set
}

// dropFirst forgets the earliest hour's ids.
func (s *idsByHour) dropFirst() {
	s.n -= s.sets[s.first].n
	delete(s.sets, s.first)
	if s.first == s.hour {
		s.cur = nil
	}
	s.first = math.MaxInt64
	for h := range s.sets {
		s.first = min(s.first, h)
	}
}
