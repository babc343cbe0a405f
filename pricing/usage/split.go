package usage

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"encoding/csv"
	"errors"
	"io"
	"math/bits"
	"slices"
	"unsafe"
)

// csvScanner splits CSV text into rows exactly as encoding/csv does with a
// comma, no comment character, strict quotes and any number of fields per
// row: the same fields, the same errors at the same lines and columns. It is
// faster because it reads the input a block at a time into a buffer it
// reuses, and cuts the fields of a row without quotes out of that buffer
// where they lie, finding the commas eight bytes at a time. A row with
// quotes is unquoted into the space after the block.
type csvScanner struct {
	r     io.Reader
	line  int    // lines read so far
	carry []byte // input read but not yet split: the start of a row
	rerr  error  // what ended the input (io.EOF at its end), once seen
	crlf  []byte // a line that ends in \r\n, ending in \n instead
	block int    // input to read at a time (splitBytes when 0)
}

// block is the input text of one batch, walked line by line.
type block struct {
	raw []byte
	pos int
	eof bool // nothing follows raw
}

// errIncomplete says a row goes on past the text read so far.
var errIncomplete = errors.New("incomplete row")

// readLine returns the next line of the block as encoding/csv reads it:
// \r\n becomes \n, and a \r just before the end of the input is dropped.
// It also returns where in raw the line starts.
func (s *csvScanner) readLine(k *block) ([]byte, int, error) {
	at, rest := k.pos, k.raw[k.pos:]
	var line []byte
	if i := bytes.IndexByte(rest, '\n'); i >= 0 {
		line = rest[:i+1]
		k.pos += i + 1
	} else {
		switch {
		case !k.eof:
			return nil, at, errIncomplete
		case s.rerr != io.EOF:
			return nil, at, s.rerr // the input failed within the line
		case len(rest) == 0:
			return nil, at, io.EOF
		}
		line = rest
		k.pos += len(rest)
		if line[len(line)-1] == '\r' {
			line = line[:len(line)-1]
		}
	}
	s.line++
	if n := len(line); n >= 2 && line[n-2] == '\r' && line[n-1] == '\n' {
		s.crlf = append(append(s.crlf[:0], line[:n-2]...), '\n')
		line = s.crlf
	}
	return line, at, nil
}

func lengthNL(b []byte) int {
	if len(b) > 0 && b[len(b)-1] == '\n' {
		return 1
	}
	return 0
}

// next adds the next row's fields to b and returns the line it starts on
// and where its text starts. At the end of the input it returns io.EOF,
// and errIncomplete when the row goes on past the block; a malformed row is
// a *csv.ParseError and adds no fields; any other error is the input's.
func (s *csvScanner) next(b *splitBatch, k *block) (line int, at int, err error) {
	var text []byte
	for {
		text, at, err = s.readLine(k)
		if err != nil {
			return 0, 0, err
		}
		if len(text) != lengthNL(text) {
			break // not an empty line
		}
	}
	line = s.line
	size, fields := len(b.text), len(b.ends)
	if bytes.IndexByte(text, '"') < 0 {
		b.plainFields(at, len(text)-lengthNL(text))
	} else {
		at = len(b.text)
		err = s.quotedFields(b, k, text, line)
	}
	if err == nil && len(b.text) > maxBatchText {
		err = errors.New("a row of over 1 GiB: not a usage export")
	}
	if err != nil {
		b.text, b.ends = b.text[:size], b.ends[:fields]
	}
	return line, at, err
}

// plainFields cuts a line without quotes, the n bytes of b.text from at,
// at its commas, eight bytes at a time.
func (b *splitBatch) plainFields(at, n int) {
	line := b.text[at : at+n]
	i := 0
	for ; i+8 <= n; i += 8 {
		for m := commas(binary.LittleEndian.Uint64(line[i:])); m != 0; m &= m - 1 {
			b.ends = append(b.ends, int32(at+i+bits.TrailingZeros64(m)>>3))
		}
	}
	for ; i < n; i++ {
		if line[i] == ',' {
			b.ends = append(b.ends, int32(at+i))
		}
	}
	b.ends = append(b.ends, int32(at+n))
}

// commas marks with its top bit each byte of x that is a comma.
func commas(x uint64) uint64 {
	const low7, comma = 0x7f7f7f7f7f7f7f7f, 0x2c2c2c2c2c2c2c2c
	x ^= comma // a comma becomes zero
	return ^((x&low7 + low7) | x | low7)
}

// quotedFields parses a line that has a quote in it, reading on past its
// end while a quoted field stays open: encoding/csv's rules, step by step.
func (s *csvScanner) quotedFields(b *splitBatch, k *block, line []byte, start int) error {
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
		line, col, row, done, err = s.quoted(b, k, line[1:], col+1, row, start)
		if done || err != nil {
			return err
		}
	}
}

// quoted reads one quoted field, from just past its opening quote. It
// reports done when the row ends with it.
func (s *csvScanner) quoted(b *splitBatch, k *block, line []byte, col, row, start int) ([]byte, int, int, bool, error) {
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
			col += len(line)
			var err error
			line, _, err = s.readLine(k)
			switch {
			case err == io.EOF:
			case err != nil:
				return nil, 0, 0, true, err // incomplete, or the input failed
			case len(line) > 0:
				row++
				col = 1
			}
		default:
			return nil, 0, 0, true, &csv.ParseError{StartLine: start, Line: row, Column: col, Err: csv.ErrQuote}
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
	// What the parsing goroutines make of the rows: row i's record, or the
	// error parsing it; parsed receives when they are done.
	recs   []Record
	perr   []error
	parsed chan struct{}
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
	return &splitBatch{rows: []int{0}, parsed: make(chan struct{}, 1)}
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

// end closes the row just scanned, whose text starts at.
func (b *splitBatch) end(at, line int, err error) {
	b.start = append(b.start, int32(at))
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
	splitRows    = 4096    // rows in a batch, at most
	splitBytes   = 1 << 16 // input in a block
)

// rowSplitter reads CSV rows on its own goroutine and hands them over in
// batches, in order. The batches end with the input, or with a read error
// that is not about one row (which is delivered as the last row's error).
type rowSplitter struct {
	batches chan *splitBatch // in order
	work    chan *splitBatch // the same, for the parsing goroutines
	free    chan *splitBatch
	done    chan struct{}
}

func newRowSplitter(s *csvScanner) *rowSplitter {
	rs := &rowSplitter{batches: make(chan *splitBatch, 8), work: make(chan *splitBatch, 8),
		free: make(chan *splitBatch, 8), done: make(chan struct{})}
	for range 8 {
		rs.free <- newBatch()
	}
	go rs.run(s)
	return rs
}

func (rs *rowSplitter) run(s *csvScanner) {
	defer close(rs.batches)
	defer close(rs.work)
	for {
		b, ok := rs.take()
		if !ok {
			return
		}
		last := s.fill(b, splitRows)
		b.seal()
		rs.work <- b // never blocks: it holds every batch there is
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

// fill reads up to rows rows into b, from one block of input (more when a
// row is longer); it reports whether the input ended.
func (s *csvScanner) fill(b *splitBatch, rows int) (last bool) {
	b.text = append(b.text, s.carry...)
	s.carry = s.carry[:0]
	s.read(b)
	k := block{raw: b.text, eof: s.rerr != nil}
	for b.n < rows {
		pos, lines, size, fields := k.pos, s.line, len(b.text), len(b.ends)
		line, at, err := s.next(b, &k)
		switch {
		case err == nil:
			b.end(at, line, nil)
		case err == errIncomplete:
			k.pos, s.line, b.text, b.ends = pos, lines, b.text[:size], b.ends[:fields]
			if b.n > 0 {
				s.carry = append(s.carry, k.raw[k.pos:]...)
				return false
			}
			s.read(b) // one row longer than a block: the batch holds only input so far
			k.raw, k.eof = b.text, s.rerr != nil
		case err == io.EOF:
			return true
		case isParseError(err):
			b.end(0, line, err) // a bad row: reported, and reading goes on
		default:
			b.end(0, 0, err) // the input itself failed: the last row
			return true
		}
	}
	s.carry = append(s.carry, k.raw[k.pos:]...)
	return false
}

// read appends a block of input to b.text, or less where the input ends.
func (s *csvScanner) read(b *splitBatch) {
	size := cmp.Or(s.block, splitBytes)
	want := len(b.text) + size
	b.text = slices.Grow(b.text, size)
	for idle := 0; len(b.text) < want && s.rerr == nil; idle++ {
		n, err := s.r.Read(b.text[len(b.text):want])
		b.text = b.text[:len(b.text)+n]
		switch {
		case err != nil:
			s.rerr = err
		case n > 0:
			idle = 0
		case idle > 100:
			s.rerr = io.ErrNoProgress
		}
	}
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
