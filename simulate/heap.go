package simulate

// completion is the moment a request in service on a replica finishes.
type completion struct {
	t       float64 // seconds
	replica int
}

// before orders completions by time, then by replica, so that runs are
// deterministic when two replicas finish at the same moment.
func (c completion) before(d completion) bool {
	return c.t < d.t || (c.t == d.t && c.replica < d.replica)
}

// completionHeap is a binary min-heap of completions on a slice; it
// allocates only when it grows.
type completionHeap []completion

func (h *completionHeap) push(c completion) {
	*h = append(*h, c)
	s := *h
	i := len(s) - 1
	for i > 0 {
		p := (i - 1) / 2
		if !s[i].before(s[p]) {
			break
		}
		s[p], s[i] = s[i], s[p]
		i = p
	}
}

// pop removes and returns the earliest completion; the heap must not be
// empty.
func (h *completionHeap) pop() completion {
	s := *h
	top := s[0]
	n := len(s) - 1
	s[0] = s[n]
	s = s[:n]
	for i := 0; ; {
		c := 2*i + 1
		if c >= n {
			break
		}
		if c+1 < n && s[c+1].before(s[c]) {
			c++
		}
		if !s[c].before(s[i]) {
			break
		}
		s[i], s[c] = s[c], s[i]
		i = c
	}
	*h = s
	return top
}

// ring is a FIFO queue of requests in a circular buffer that doubles when
// full.
type ring struct {
	buf  []Request
	head int
	n    int
}

func (q *ring) len() int { return q.n }

func (q *ring) push(r Request) {
	if q.n == len(q.buf) {
		q.grow()
	}
	q.buf[(q.head+q.n)%len(q.buf)] = r
	q.n++
}

// pop removes and returns the oldest request; the queue must not be empty.
func (q *ring) pop() Request {
	r := q.buf[q.head]
	q.buf[q.head] = Request{}
	q.head = (q.head + 1) % len(q.buf)
	q.n--
	return r
}

func (q *ring) grow() {
	buf := make([]Request, max(16, 2*len(q.buf)))
	for i := range q.n {
		buf[i] = q.buf[(q.head+i)%len(q.buf)]
	}
	q.buf, q.head = buf, 0
}
