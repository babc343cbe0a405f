package usage

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/csv"
	"errors"
	"io"
	"math/bits"
	"unsafe"
)

// csvScanner splits CSV text into rows exactly as encoding/csv does with a
// comma, no comment character, strict quotes and any number of fields per
// row: the same fields, the same errors at the same lines and columns. It is
// faster because it writes a batch of rows' fields into one reused buffer
// that the values point into, and splits a row without quotes in one pass.
type csvScanner struct {
	r    *bufio.Reader
	line int    // lines read so far
	long []byte // a line longer than the buffer, joined
}

// readLine reads one line as encoding/csv does: \r\n becomes \n, and a
// trailing \r before the end of the input is dropped.
func (s *csvScanner) readLine() ([]byte, error) {
	line, err := s.r.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		s.long = append(s.long[:0], line...)
		for err == bufio.ErrBufferFull {
			line, err = s.r.ReadSlice('\n')
			s.long = append(s.long, line...)
		}
		line = s.long
	}
	if len(line) > 0 && err == io.EOF {
		err = nil
		if line[len(line)-1] == '\r' {
			line = line[:len(line)-1]
		}
	}
	s.line++
	if n := len(line); n >= 2 && line[n-2] == '\r' && line[n-1] == '\n' {
		line[n-2] = '\n'
		line = line[:n-1]
	}
	return line, err
}

func lengthNL(b []byte) int {
	if len(b) > 0 && b[len(b)-1] == '\n' {
		return 1
	}
	return 0
}

// next appends the next row's fields to b and returns the line it starts
// on. At the end of the input it returns io.EOF; a malformed row is a
// *csv.ParseError and adds no fields; any other error is the input's.
func (s *csvScanner) next(b *splitBatch) (int, error) {
	var line []byte
	var errRead error
	for errRead == nil {
		line, errRead = s.readLine()
		if errRead == nil && len(line) == lengthNL(line) {
			continue // an empty line
		}
		break
	}
	if errRead == io.EOF {
		return 0, io.EOF
	}
	start := s.line
	text, fields := len(b.text), len(b.ends)
	var err error
	if bytes.IndexByte(line, '"') < 0 {
		b.plainFields(line[:len(line)-lengthNL(line)])
	} else {
		err = s.quotedFields(b, line, errRead, start)
	}
	if err == nil {
		err = errRead
	}
	if err == nil && len(b.text) > maxBatchText {
		err = errors.New("a row of over 1 GiB: not a usage export")
	}
	if err != nil {
		b.text, b.ends = b.text[:text], b.ends[:fields]
	}
	return start, err
}

// plainFields splits a line without quotes at its commas, eight bytes at a
// time.
func (b *splitBatch) plainFields(line []byte) {
	base := len(b.text)
	b.text = append(b.text, line...)
	b.text = append(b.text, ',') // the last field's end
	i := 0
	for ; i+8 <= len(line); i += 8 {
		for m := commas(binary.LittleEndian.Uint64(line[i:])); m != 0; m &= m - 1 {
			b.ends = append(b.ends, int32(base+i+bits.TrailingZeros64(m)>>3))
		}
	}
	for ; i < len(line); i++ {
		if line[i] == ',' {
			b.ends = append(b.ends, int32(base+i))
		}
	}
	b.ends = append(b.ends, int32(base+len(line)))
}

// commas marks with its top bit each byte of x that is a comma.
func commas(x uint64) uint64 {
	const low7, comma = 0x7f7f7f7f7f7f7f7f, 0x2c2c2c2c2c2c2c2c
	x ^= comma // a comma becomes zero
	return ^((x&low7 + low7) | x | low7)
}

// quotedFields parses a line that has a quote in it, reading on past its
// end while a quoted field stays open: encoding/csv's rules, step by step.
func (s *csvScanner) quotedFields(b *splitBatch, line []byte, errRead error, start int) error {
	col, row := 1, start
	for {
		if len(line) == 0 || line[0] != '"' {
			i := bytes.IndexByte(line, ',')
			field := line
			if i >= 0 {
				field = field[:i]
			} else {
				field = field[:len(field)-lengthNL(field)]
			}
			if j := bytes.IndexByte(field, '"'); j >= 0 {
				return &csv.ParseError{StartLine: start, Line: s.line, Column: col + j, Err: csv.ErrBareQuote}
			}
			b.text = append(b.text, field...)
			b.endField()
			if i < 0 {
				return nil
			}
			line = line[i+1:]
			col += i + 1
			continue
		}
		var done bool
		var err error
		line, col, row, done, err = s.quoted(b, line[1:], col+1, row, errRead, start)
		if done || err != nil {
			return err
		}
	}
}

// quoted reads one quoted field, from just past its opening quote. It
// reports done when the row ends with it.
func (s *csvScanner) quoted(b *splitBatch, line []byte, col, row int, errRead error, start int) ([]byte, int, int, bool, error) {
	for {
		i := bytes.IndexByte(line, '"')
		switch {
		case i >= 0:
			b.text = append(b.text, line[:i]...)
			line = line[i+1:]
			col += i + 1
			switch {
			case len(line) > 0 && line[0] == '"':
				b.text = append(b.text, '"')
				line = line[1:]
				col++
			case len(line) > 0 && line[0] == ',':
				b.endField()
				return line[1:], col + 1, row, false, nil
			case lengthNL(line) == len(line):
				b.endField()
				return line, col, row, true, nil
			default:
				return nil, 0, 0, true, &csv.ParseError{StartLine: start, Line: s.line, Column: col - 1, Err: csv.ErrQuote}
			}
		case len(line) > 0:
			b.text = append(b.text, line...)
			if errRead != nil {
				return nil, 0, 0, true, errRead
			}
			col += len(line)
			line, errRead = s.readLine()
			if len(line) > 0 {
				row++
				col = 1
			}
			if errRead == io.EOF {
				errRead = nil
			}
		case errRead == nil:
			return nil, 0, 0, true, &csv.ParseError{StartLine: start, Line: row, Column: col, Err: csv.ErrQuote}
		default:
			b.endField()
			return nil, 0, 0, true, errRead
		}
	}
}

// splitBatch is a run of CSV rows split into fields: their text end to end
// in one buffer, reused from batch to batch, so a row costs no allocation.
// Each field is followed by one separator byte, so a field starts one past
// the end of the one before it.
type splitBatch struct {
	n     int
	text  []byte
	ends  []int32 // the end in text of each field
	rows  []int   // row i's fields end at ends[rows[i]:rows[i+1]]
	start []int32 // where in text row i starts
	lines []int
	errs  []error
	str   string // text, once sealed
}

// fields are the values of one row, cut from its batch's text when asked
// for. They share the batch's memory, which the next batch overwrites: the
// row parsers copy (intern) every value a Record keeps, so no value
// outlives its batch. Tests poison a recycled batch's text to catch one
// that does.
type fields struct {
	text  string
	ends  []int32
	start int32
}

// n is the number of fields.
func (f fields) n() int { return len(f.ends) }

// at is field i.
func (f fields) at(i int) string {
	from := f.start
	if i > 0 {
		from = f.ends[i-1] + 1
	}
	return f.text[from:f.ends[i]]
}

// fields are row i's values.
func (b *splitBatch) fields(i int) fields {
	return fields{text: b.str, ends: b.ends[b.rows[i]:b.rows[i+1]], start: b.start[i]}
}

func newBatch() *splitBatch {
	return &splitBatch{rows: []int{0}}
}

// poisonRecycled makes recycle overwrite the batch's text (set by tests).
var poisonRecycled bool

func (b *splitBatch) reset() {
	b.n, b.text, b.ends, b.rows, b.start = 0, b.text[:0], b.ends[:0], b.rows[:1], b.start[:0]
	b.lines, b.errs, b.str = b.lines[:0], b.errs[:0], ""
}

// endField ends a field at the end of the text, and writes its separator.
func (b *splitBatch) endField() {
	b.ends = append(b.ends, int32(len(b.text)))
	b.text = append(b.text, ',')
}

// begin notes where the next row starts.
func (b *splitBatch) begin() { b.start = append(b.start, int32(len(b.text))) }

// end closes the row just scanned.
func (b *splitBatch) end(line int, err error) {
	b.rows = append(b.rows, len(b.ends))
	b.lines = append(b.lines, line)
	b.errs = append(b.errs, err)
	b.n++
}

// seal makes the text a string the fields are cut from, without copying.
func (b *splitBatch) seal() {
	if len(b.text) > 0 {
		b.str = unsafe.String(&b.text[0], len(b.text))
	}
}

const (
	maxBatchText = 1 << 30 // text in a batch, beyond which an offset could overflow
	splitRows    = 256     // rows in a batch
	splitBytes   = 1 << 18 // text in a batch, past which it ends early
)

// rowSplitter reads CSV rows on its own goroutine and hands them over in
// batches, in order. The batches end with the input, or with a read error
// that is not about one row (which is delivered as the last row's error).
type rowSplitter struct {
	batches chan *splitBatch
	free    chan *splitBatch
	done    chan struct{}
}

func newRowSplitter(s *csvScanner) *rowSplitter {
	rs := &rowSplitter{batches: make(chan *splitBatch, 4), free: make(chan *splitBatch, 8), done: make(chan struct{})}
	for range 8 {
		rs.free <- newBatch()
	}
	go rs.run(s)
	return rs
}

func (rs *rowSplitter) run(s *csvScanner) {
	defer close(rs.batches)
	for {
		b, ok := rs.take()
		if !ok {
			return
		}
		last := fill(b, s)
		b.seal()
		select {
		case rs.batches <- b:
		case <-rs.done:
			return
		}
		if last {
			return
		}
	}
}

// fill reads rows into b until it is full; it reports whether the input ended.
func fill(b *splitBatch, s *csvScanner) (last bool) {
	for b.n < splitRows && len(b.text) < splitBytes {
		b.begin()
		line, err := s.next(b)
		switch {
		case err == nil:
			b.end(line, nil)
		case err == io.EOF:
			b.start = b.start[:b.n]
			return true
		case isParseError(err):
			b.end(line, err) // a bad row: reported, and reading goes on
		default:
			b.end(0, err) // the input itself failed: the last row
			return true
		}
	}
	return false
}

func isParseError(err error) bool {
	var pe *csv.ParseError
	return errors.As(err, &pe)
}

func (rs *rowSplitter) take() (*splitBatch, bool) {
	select {
	case b := <-rs.free:
		b.reset()
		return b, true
	case <-rs.done:
		return nil, false
	}
}

func (rs *rowSplitter) recycle(b *splitBatch) {
	if poisonRecycled {
		for i := range b.text {
			b.text[i] = '#'
		}
	}
	rs.free <- b
}

// stop ends the reading goroutine early, when the consumer gives up.
func (rs *rowSplitter) stop() {
	close(rs.done)
	for range rs.batches { // drain, so the goroutine can finish
	}
}
