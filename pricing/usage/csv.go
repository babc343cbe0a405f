package usage

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
)

// MaxColumns bounds the columns of a CSV export's header. The widest
// known export (LiteLLM's spend logs) has about 40.
const MaxColumns = 1024

// readCSV reads one CSV export: the header picks the format, then each row
// becomes a record.
func (rd *reader) readCSV(name string, r *bufio.Reader) error {
	cr := csv.NewReader(r) // uses r as it is: no second buffer
	cr.ReuseRecord = true
	cr.FieldsPerRecord = -1
	first, err := cr.Read()
	if err == io.EOF {
		return nil
	}
	if err != nil {
		return fmt.Errorf("%s: reading the header: %w", name, err)
	}
	if len(first) > MaxColumns {
		return fmt.Errorf("%s:1: the header has %d columns, more than the %d any export has: not a usage export", name, len(first), MaxColumns)
	}
	h := newHeader(slices.Clone(first))
	f, err := detectCSV(h, rd.opts.Format)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	rd.stats.ByFormat[f.Name]++
	return rd.readRows(name, cr, h, f)
}

// readRows reads the data rows of a CSV export. Splitting the text into
// fields runs on a goroutine of its own (see splitRows), so that it and the
// parsing, pricing and counting that follow use two cores.
func (rd *reader) readRows(name string, cr *csv.Reader, h header, f *csvFormat) error {
	p := f.bind(h)
	rw := &row{cols: h.names, in: rd.in, last: make([]string, len(h.names))}
	rows := newRowSplitter(cr, len(h.names))
	defer rows.stop()
	for b := range rows.batches {
		for i := range b.n {
			if err := rd.handleRow(name, p, rw, f, b.row(i)); err != nil {
				return err
			}
		}
		rows.recycle(b)
	}
	return nil
}

func (rd *reader) handleRow(name string, p rowParser, rw *row, f *csvFormat, sr splitRow) error {
	rd.stats.Rows++
	if err := rd.checkCancel(); err != nil {
		return err
	}
	if sr.err != nil {
		return rd.csvError(name, sr.err)
	}
	if len(sr.vals) != len(rw.cols) {
		return rd.bad(name, sr.line, fmt.Sprintf("%d fields, the header has %d", len(sr.vals), len(rw.cols)))
	}
	return rd.parseRow(p, rw, sr.vals, f.Name, name, sr.line)
}

// parseRow turns one row into the record and passes it on, or reports why not.
func (rd *reader) parseRow(p rowParser, rw *row, vals []string, format, file string, line int) error {
	rw.vals, rw.err = vals, nil
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
