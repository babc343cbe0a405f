package usage

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"strings"
)

// MaxColumns bounds the columns of a CSV export's header. The widest
// known export (LiteLLM's spend logs) has about 40.
const MaxColumns = 1024

// readCSV reads one CSV export: the header picks the format, then each row
// becomes a record.
func (rd *reader) readCSV(name string, r *bufio.Reader) error {
	sc := &csvScanner{r: r} // reads r in blocks: no second buffer
	hb := newBatch()
	sc.fill(hb, 1)
	switch {
	case hb.n == 0:
		return nil
	case hb.errs[0] != nil:
		return fmt.Errorf("%s: reading the header: %w", name, hb.errs[0])
	}
	hb.seal()
	first := make([]string, hb.fields(0).n())
	for i := range first {
		first[i] = strings.Clone(hb.fields(0).at(i)) // the header outlives the batch
	}
	if len(first) > MaxColumns {
		return fmt.Errorf("%s:1: the header has %d columns, more than the %d any export has: not a usage export", name, len(first), MaxColumns)
	}
	h := newHeader(first)
	f, err := detectCSV(h, rd.opts.Format)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	rd.stats.ByFormat[f.Name]++
	return rd.readRows(name, sc, h, f)
}

// readRows reads the data rows of a CSV export. Splitting the text into
// fields runs on a goroutine of its own (see rowSplitter), so that it and the
// parsing, pricing and counting that follow use two cores.
func (rd *reader) readRows(name string, sc *csvScanner, h header, f *csvFormat) error {
	p := f.bind(h)
	rw := &row{cols: h.names, in: rd.in, recent: make([]*[recentLabels]string, len(h.names))}
	rows := newRowSplitter(sc)
	defer rows.stop()
	for b := range rows.batches {
		for i := range b.n {
			if err := rd.handleRow(name, p, rw, f, b, i); err != nil {
				return err
			}
		}
		rows.recycle(b)
	}
	return nil
}

func (rd *reader) handleRow(name string, p rowParser, rw *row, f *csvFormat, b *splitBatch, i int) error {
	rd.stats.Rows++
	if err := rd.checkCancel(); err != nil {
		return err
	}
	if b.errs[i] != nil {
		return rd.csvError(name, b.errs[i])
	}
	rw.vals = b.fields(i)
	if n := rw.vals.n(); n != len(rw.cols) {
		return rd.bad(name, b.lines[i], fmt.Sprintf("%d fields, the header has %d", n, len(rw.cols)))
	}
	return rd.parseRow(p, rw, f.Name, name, b.lines[i])
}

// parseRow turns one row into the record and passes it on, or reports why not.
func (rd *reader) parseRow(p rowParser, rw *row, format, file string, line int) error {
	rw.err = nil
	err := p.parse(rw, rd.startRecord(format, file, line))
	if err == nil {
		err = checkSpan(&rd.rec)
	}
	switch {
	case err == errNoUsage:
		rd.stats.Ignored++
		return nil
	case err != nil:
		return rd.bad(file, line, err.Error())
	}
	return rd.emit()
}

// csvError sorts a CSV reading error: a malformed row is a bad row, anything
// else (a read error, truncated gzip) stops the read.
func (rd *reader) csvError(name string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return rd.bad(name, pe.StartLine, pe.Err.Error())
	}
	return fmt.Errorf("%s: %w", name, err)
}
