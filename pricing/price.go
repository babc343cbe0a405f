package pricing

// Tokens is what one usage record (or a sum of them) consumed, in disjoint
// counts: InputUncached + CacheRead + CacheWrite5m + CacheWrite1h is every
// input token; Output includes Reasoning.
type Tokens struct {
	InputUncached int64
	CacheRead     int64
	CacheWrite5m  int64
	CacheWrite1h  int64
	Output        int64
	Reasoning     int64
}
