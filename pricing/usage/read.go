package usage

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"os"
	"strconv"
)

// Options control Read.
type Options struct {
	// Format names the format of every input (see Formats); empty detects
	// each file's format from its header row or JSON shape.
	Format string
	// Strict makes the first bad row an error that stops the read; without
	// it bad rows are skipped, counted and passed to Warn.
	Strict bool
	// Stdin is read for the input "-".
	Stdin io.Reader
	// Warn, when set, is called for each bad row skipped.
	Warn func(Warning)
}

// Warning is a bad row that was skipped.
type Warning struct {
	File   string `json:"file"`
	Line   int    `json:"line"` // 1-based; 0 when the problem is the whole file
	Reason string `json:"reason"`
}

// String is "file:line: reason".
func (w Warning) String() string {
	if w.Line <= 0 {
		return w.File + ": " + w.Reason
	}
	return w.File + ":" + strconv.Itoa(w.Line) + ": " + w.Reason
}

// Stats counts what Read went through.
type Stats struct {
	Files   int `json:"files"`   // files opened
	Rows    int `json:"rows"`    // data rows (CSV) or results (JSON) read
	Records int `json:"records"` // records passed to fn
	Skipped int `json:"skipped"` // bad rows skipped (each one a Warning)
	// Ignored counts rows that carry no usage and are skipped silently:
	// empty time buckets, answers from LiteLLM's own response cache, and
	// OpenAI API results of other kinds than completions and costs.
	Ignored int `json:"ignored"`
	// Duplicates counts the files left out because an earlier input had
	// the same content (the same file given twice, or a copy of it).
	Duplicates int `json:"duplicates"`
	// RepeatedRows counts the rows left out because a row with the same
	// request id was read before (see MaxRequestIDs).
	RepeatedRows int `json:"repeated_rows"`
	// ByFormat counts the files read in each format (a JSON file counts
	// under the format of its first record).
	ByFormat map[string]int `json:"by_format"`
}

// Read reads every input in turn and calls fn with each record. An input is a
// file, a directory (every file under it, recursively, in lexical order,
// skipping names that begin with a dot) or "-" for opts.Stdin; any file may be
// gzip-compressed.
//
// fn receives a pointer to a Record that Read reuses for the next row: copy
// the struct (rec := *r) to keep it. Its strings are never overwritten and
// may be kept as they are. An error from fn stops the read and is returned,
// wrapped with the file and line.
//
// Read fails on what stops it from reading a file: a missing file, an
// unknown header, a truncated gzip stream, broken JSON. A bad row is a
// Warning and is skipped, or with opts.Strict an error.
func Read(ctx context.Context, inputs []string, opts Options, fn func(*Record) error) (Stats, error) {
	rd := &reader{ctx: ctx, opts: opts, fn: fn, in: newInterner()}
	rd.ids.limit = MaxRequestIDs
	rd.stats.ByFormat = map[string]int{}
	if err := checkFormat(opts.Format); err != nil {
		return rd.stats, err
	}
	files, err := expandInputs(inputs, opts.Stdin != nil)
	if err != nil {
		return rd.stats, err
	}
	files, err = rd.dropDuplicates(files)
	if err != nil {
		return rd.stats, err
	}
	for i, f := range files {
		rd.lastInput = i == len(files)-1
		if err := rd.readInput(f); err != nil {
			return rd.stats, err
		}
	}
	return rd.stats, nil
}

// MaxRequestIDs bounds the request ids Read remembers to find rows read
// twice (an OpenRouter or LiteLLM export next to one that overlaps it): 64
// bits of each, 16 to 32 MiB for the most. Past it, the earliest hours' ids
// are forgotten first.
const MaxRequestIDs = 2_000_000

// repeated reports whether the record's request id was read before, and
// says so as a skipped row. A request is in one export once, so the ids are
// looked for in the inputs before this one, and the last input's are not
// kept.
func (rd *reader) repeated(rec *Record) bool {
	id := rec.requestID
	if id == "" || rd.lastInput && rd.ids.n == 0 {
		return false
	}
	rd.hash.Reset()
	rd.hash.WriteString(rec.Format)
	rd.hash.WriteByte(0)
	rd.hash.WriteString(id)
	key, hour := rd.hash.Sum64(), rec.Start.Unix()/3600
	if rd.lastInput && !rd.ids.has(hour, key) || !rd.lastInput && !rd.ids.add(hour, key) {
		return false
	}
	rd.stats.RepeatedRows++
	if rd.opts.Warn != nil {
		rd.opts.Warn(Warning{File: rec.File, Line: rec.Line, Reason: fmt.Sprintf("request %q was read before: counted once", id)})
	}
	return true
}

// reader holds the state of one Read call.
type reader struct {
	ids       idsByHour    // request ids read, hashed
	lastInput bool         // reading the last input, whose ids are not kept
	hash      maphash.Hash // of the request ids
	ctx       context.Context
	opts      Options
	fn        func(*Record) error
	in        *interner
	rec       Record
	stats     Stats
}

// readInput opens one input, unwraps gzip, and reads it as CSV or JSON.
func (rd *reader) readInput(f input) error {
	if err := rd.ctx.Err(); err != nil {
		return err
	}
	rc, err := f.open(rd.opts.Stdin)
	if err != nil {
		return err
	}
	defer rc.Close()
	rd.stats.Files++
	s, err := openStream(rc)
	if err != nil {
		return fmt.Errorf("%s: %w", f.name, err)
	}
	if s.empty {
		return nil
	}
	if s.json {
		return rd.readJSON(f.name, s.r)
	}
	return rd.readCSV(f.name, s.r)
}

// bad handles a bad row: a warning, or with Strict the error that stops the read.
func (rd *reader) bad(file string, line int, reason string) error {
	rd.stats.Skipped++
	w := Warning{File: file, Line: line, Reason: reason}
	if rd.opts.Strict {
		return errors.New(w.String())
	}
	if rd.opts.Warn != nil {
		rd.opts.Warn(w)
	}
	return nil
}

// emit passes the current record to fn.
func (rd *reader) emit() error { return rd.emitRecord(&rd.rec) }

// emitRecord passes a record to fn, unless its request was read before.
func (rd *reader) emitRecord(rec *Record) error {
	if rd.repeated(rec) {
		return nil
	}
	rec.requestID = "" // it points into the reader's buffer
	rd.stats.Records++
	if err := rd.fn(rec); err != nil {
		return fmt.Errorf("%s:%d: %w", rec.File, rec.Line, err)
	}
	return nil
}

// checkCancel looks at the context every few thousand rows.
func (rd *reader) checkCancel() error {
	if rd.stats.Rows&4095 == 0 {
		return rd.ctx.Err()
	}
	return nil
}

// startRecord clears the reused record for the next row.
func (rd *reader) startRecord(format, file string, line int) *Record {
	rd.rec = Record{Format: format, File: file, Line: line}
	return &rd.rec
}

// dropDuplicates leaves out the files whose content an earlier input has,
// with a warning: the same export given twice, by two names or in two
// folders, would count its usage twice. Only files of the same size are
// compared, by their SHA-256.
func (rd *reader) dropDuplicates(files []input) ([]input, error) {
	bySize := map[int64]int{}
	sizes := make([]int64, len(files))
	for i, f := range files {
		sizes[i] = -1
		if f.stdin {
			continue
		}
		if fi, err := os.Stat(f.name); err == nil && fi.Mode().IsRegular() {
			sizes[i] = fi.Size()
			bySize[fi.Size()]++
		}
	}
	seen := map[[32]byte]string{}
	out := files[:0:0]
	for i, f := range files {
		if sizes[i] < 0 || bySize[sizes[i]] < 2 {
			out = append(out, f)
			continue
		}
		sum, err := fileHash(f.name)
		if err != nil {
			return nil, err
		}
		if first, ok := seen[sum]; ok {
			rd.stats.Duplicates++
			if rd.opts.Warn != nil {
				rd.opts.Warn(Warning{File: f.name, Reason: "the same content as " + first + ": read once"})
			}
			continue
		}
		seen[sum] = f.name
		out = append(out, f)
	}
	return out, nil
}

func fileHash(name string) ([32]byte, error) {
	var sum [32]byte
	f, err := os.Open(name)
	if err != nil {
		return sum, err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return sum, fmt.Errorf("%s: %w", name, err)
	}
	copy(sum[:], h.Sum(nil))
	return sum, nil
}
