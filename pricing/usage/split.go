package usage

import (
	"encoding/csv"
	"errors"
	"io"
)

// splitBatch is a run of CSV rows split into fields, their values held in
// one flat slice so a batch can be reused without allocating.
type splitBatch struct {
	n     int
	vals  []string // row i is vals[start[i]:start[i+1]]
	start []int
	lines []int
	errs  []error
}

// splitRow is one row of a batch: its fields, or the error reading it.
type splitRow struct {
	vals []string
	line int
	err  error
}

func (b *splitBatch) row(i int) splitRow {
	return splitRow{vals: b.vals[b.start[i]:b.start[i+1]], line: b.lines[i], err: b.errs[i]}
}

func (b *splitBatch) reset() {
	b.n, b.vals, b.start, b.lines, b.errs = 0, b.vals[:0], b.start[:1], b.lines[:0], b.errs[:0]
}

// add copies one row in. The field strings themselves are not copied: the
// CSV reader makes new ones for every row, even when it reuses the slice.
func (b *splitBatch) add(vals []string, line int, err error) {
	b.vals = append(b.vals, vals...)
	b.start = append(b.start, len(b.vals))
	b.lines = append(b.lines, line)
	b.errs = append(b.errs, err)
	b.n++
}

const splitRows = 256

// rowSplitter reads CSV rows on its own goroutine and hands them over in
// batches, in order. The batches end with the input, or with a read error
// that is not about one row (which is delivered as the last row's error).
type rowSplitter struct {
	batches chan *splitBatch
	free    chan *splitBatch
	done    chan struct{}
}

func newRowSplitter(cr *csv.Reader, cols int) *rowSplitter {
	s := &rowSplitter{batches: make(chan *splitBatch, 4), free: make(chan *splitBatch, 8), done: make(chan struct{})}
	// Room for rows of up to 64 fields; wider ones grow the slice as they come.
	for range 8 {
		s.free <- &splitBatch{vals: make([]string, 0, splitRows*min(cols, 64)), start: make([]int, 1, splitRows+1)}
	}
	go s.run(cr)
	return s
}

func (s *rowSplitter) run(cr *csv.Reader) {
	defer close(s.batches)
	for {
		b, ok := s.take()
		if !ok {
			return
		}
		last := s.fill(b, cr)
		select {
		case s.batches <- b:
		case <-s.done:
			return
		}
		if last {
			return
		}
	}
}

// fill reads up to splitRows rows into b; it reports whether the input ended.
func (s *rowSplitter) fill(b *splitBatch, cr *csv.Reader) (last bool) {
	for b.n < splitRows {
		vals, err := cr.Read()
		var pe *csv.ParseError
		switch {
		case err == io.EOF:
			return true
		case errors.As(err, &pe):
			b.add(nil, pe.StartLine, err) // a bad row: reported, and reading goes on
		case err != nil:
			b.add(nil, 0, err) // the input itself failed: the last row
			return true
		default:
			line, _ := cr.FieldPos(0)
			b.add(vals, line, nil)
		}
	}
	return false
}

func (s *rowSplitter) take() (*splitBatch, bool) {
	select {
	case b := <-s.free:
		b.reset()
		return b, true
	case <-s.done:
		return nil, false
	}
}

func (s *rowSplitter) recycle(b *splitBatch) { s.free <- b }

// stop ends the reading goroutine early, when the consumer gives up.
func (s *rowSplitter) stop() {
	close(s.done)
	for range s.batches { // drain, so the goroutine can finish
	}
}
