package usage

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
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

// readRows reads the data rows of a CSV export on several goroutines: one
// splits the text into rows (see rowSplitter), a few parse batches of rows
// into records (see parseRows), and this one takes the batches in order,
// reports bad rows, leaves out repeated requests and passes the records on.
func (rd *reader) readRows(name string, sc *csvScanner, h header, f *csvFormat) error {
	rows := newRowSplitter(sc)
	var wg sync.WaitGroup
	defer wg.Wait()
	defer rows.stop()
	for range parseWorkers() {
		wg.Go(func() { parseRows(rows.work, name, h, f) })
	}
	for b := range rows.batches {
		<-b.parsed
		for i := range b.n {
			if err := rd.handleRow(name, len(h.names), b, i); err != nil {
				return err
			}
		}
		rows.recycle(b)
	}
	return nil
}

// parseWorkers is how many goroutines parse rows: all but one core, up to
// four, and at least one.
func parseWorkers() int {
	return max(1, min(4, runtime.GOMAXPROCS(0)))
}

// parseRows parses the rows of each batch into its records, with a parser
// and an interner of its own.
func parseRows(work <-chan *splitBatch, name string, h header, f *csvFormat) {
	p := f.bind(h)
	rw := &row{cols: h.names, in: newInterner(), recent: make([]*[recentLabels]string, len(h.names))}
	for b := range work {
		b.recs, b.perr = slices.Grow(b.recs[:0], b.n)[:b.n], slices.Grow(b.perr[:0], b.n)[:b.n]
		for i := range b.n {
			rw.vals = b.fields(i)
			if b.errs[i] != nil || rw.vals.n() != len(h.names) {
				continue // reported by handleRow
			}
			rec := &b.recs[i]
			*rec = Record{Format: f.Name, File: name, Line: b.lines[i]}
			rw.err = nil
			err := p.parse(rw, rec)
			if err == nil {
				err = checkSpan(rec)
			}
			b.perr[i] = err
		}
		b.parsed <- struct{}{}
	}
}

// handleRow takes row i of a parsed batch: a bad row is reported, an
// ignored one counted, a record passed on.
func (rd *reader) handleRow(name string, cols int, b *splitBatch, i int) error {
	rd.stats.Rows++
	if err := rd.checkCancel(); err != nil {
		return err
	}
	if b.errs[i] != nil {
		return rd.csvError(name, b.errs[i])
	}
	if n := b.fields(i).n(); n != cols {
		return rd.bad(name, b.lines[i], fmt.Sprintf("%d fields, the header has %d", n, cols))
	}
	switch err := b.perr[i]; {
	case err == errNoUsage:
		rd.stats.Ignored++
		return nil
	case err != nil:
		return rd.bad(name, b.lines[i], err.Error())
	}
	return rd.emitRecord(&b.recs[i])
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
