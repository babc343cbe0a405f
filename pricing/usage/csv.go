package usage

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
)

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
	h := newHeader(slices.Clone(first))
	f, err := detectCSV(h, rd.opts.Format)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	rd.stats.ByFormat[f.Name]++
	return rd.readRows(name, cr, h, f)
}

// readRows reads the data rows of a CSV export.
func (rd *reader) readRows(name string, cr *csv.Reader, h header, f *csvFormat) error {
	p := f.bind(h)
	rw := &row{cols: h.names, in: rd.in, last: make([]string, len(h.names))}
	for {
		vals, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		rd.stats.Rows++
		if err := rd.checkCancel(); err != nil {
			return err
		}
		if err != nil {
			if err := rd.csvError(name, err); err != nil {
				return err
			}
			continue
		}
		line, _ := cr.FieldPos(0)
		if len(vals) != len(h.names) {
			reason := fmt.Sprintf("%d fields, the header has %d", len(vals), len(h.names))
			if err := rd.bad(name, line, reason); err != nil {
				return err
			}
			continue
		}
		if err := rd.parseRow(p, rw, vals, f.Name, name, line); err != nil {
			return err
		}
	}
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
