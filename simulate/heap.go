package simulate

import "math"

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

// eventHeap holds the time of each replica's next event, +Inf when it has
// none, in a binary min-heap of replicas ordered by that time, then by
// replica, so that runs are deterministic when two replicas have events at
// the same moment. It allocates only when it is made.
type eventHeap struct {
	at    []float64 // by replica
	order []int     // the heap of replicas
	pos   []int     // by replica, its index in order
}

func newEventHeap(n int) eventHeap {
	h := eventHeap{at: make([]float64, n), order: make([]int, n), pos: make([]int, n)}
	for i := range n {
		h.at[i] = math.Inf(1)
		h.order[i], h.pos[i] = i, i
	}
	return h
}

// top returns the replica with the earliest next event, and its time.
func (h *eventHeap) top() (replica int, t float64) {
	i := h.order[0]
	return i, h.at[i]
}

// set makes t the time of replica i's next event.
func (h *eventHeap) set(i int, t float64) {
	old := h.at[i]
	h.at[i] = t
	if t < old {
		h.up(h.pos[i])
	} else if t > old {
		h.down(h.pos[i])
	}
}

func (h *eventHeap) less(a, b int) bool {
	ra, rb := h.order[a], h.order[b]
	return h.at[ra] < h.at[rb] || (h.at[ra] == h.at[rb] && ra < rb)
}

func (h *eventHeap) swap(a, b int) {
	h.order[a], h.order[b] = h.order[b], h.order[a]
	h.pos[h.order[a]], h.pos[h.order[b]] = a, b
}

func (h *eventHeap) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !h.less(i, p) {
			return
		}
		h.swap(i, p)
		i = p
	}
}

func (h *eventHeap) down(i int) {
	n := len(h.order)
	for {
		c := 2*i + 1
		if c >= n {
			return
		}
		if c+1 < n && h.less(c+1, c) {
			c++
		}
		if !h.less(c, i) {
			return
		}
		h.swap(i, c)
		i = c
	}
}
