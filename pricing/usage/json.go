package usage

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"
)

// apiResult is one element of a usage or cost page's data[].results[]: the
// fields of OpenAI's completions usage and costs results and of Anthropic's
// usage report, which share a few names.
type apiResult struct {
	Object      string `json:"object"`
	Model       string `json:"model"`
	ProjectID   string `json:"project_id"`
	UserID      string `json:"user_id"`
	APIKeyID    string `json:"api_key_id"`
	ServiceTier string `json:"service_tier"`
	Batch       *bool  `json:"batch"`

	InputTokens           jsonNumber `json:"input_tokens"`
	InputCachedTokens     jsonNumber `json:"input_cached_tokens"`
	InputCacheWriteTokens jsonNumber `json:"input_cache_write_tokens"`
	OutputTokens          jsonNumber `json:"output_tokens"`
	NumModelRequests      jsonNumber `json:"num_model_requests"`

	Amount *struct {
		Value    jsonNumber `json:"value"`
		Currency string     `json:"currency"`
	} `json:"amount"`
	LineItem string `json:"line_item"`

	UncachedInputTokens  jsonNumber `json:"uncached_input_tokens"`
	CacheReadInputTokens jsonNumber `json:"cache_read_input_tokens"`
	CacheCreation        *struct {
		Ephemeral5m jsonNumber `json:"ephemeral_5m_input_tokens"`
		Ephemeral1h jsonNumber `json:"ephemeral_1h_input_tokens"`
	} `json:"cache_creation"`
	WorkspaceID   string `json:"workspace_id"`
	ContextWindow string `json:"context_window"`
}

// format tells which API a result comes from by its fields. It returns ""
// and true for a result of another kind (OpenAI's embeddings, images...),
// to skip, and false for a result it cannot place.
func (res *apiResult) format() (string, bool) {
	switch {
	case res.Object == "organization.costs.result" || res.Object == "" && res.Amount != nil:
		return FormatOpenAICostJSON, true
	case res.Object == "organization.usage.completions.result":
		return FormatOpenAIUsageJSON, true
	case res.Object != "":
		return "", true
	case res.UncachedInputTokens != "" || res.CacheReadInputTokens != "" || res.CacheCreation != nil:
		return FormatAnthropicUsageJSON, true
	case res.InputTokens != "" || res.NumModelRequests != "":
		return FormatOpenAIUsageJSON, true
	}
	return "", false
}

// record fills rec from the result.
func (res *apiResult) record(format string, in *interner, rec *Record) error {
	var c checker
	switch format {
	case FormatOpenAIUsageJSON:
		res.openAIUsage(&c, in, rec)
	case FormatOpenAICostJSON:
		res.openAICost(&c, in, rec)
	case FormatAnthropicUsageJSON:
		res.anthropicUsage(&c, in, rec)
	}
	return c.err
}

// jsonReader streams usage pages: {"data":[{bucket times, "results":[...]}]},
// one page, an array of pages, or pages one after another. Only one result
// is decoded at a time; the results of a bucket whose times come after them
// (a file with its keys sorted) wait in a temporary file, not in memory.
type jsonReader struct {
	*reader
	name    string
	dec     *json.Decoder
	lines   *lineCounter
	counted bool // the file is counted in ByFormat
}

// bucket is a time bucket being read.
type bucket struct {
	start, end         time.Time
	haveStart, haveEnd bool
	err                error // a bad bucket time, which spoils its results
	pending            *pendingFile
}

// pendingFile holds the raw results that came before their bucket's times,
// one after another in a temporary file, with where each starts and its line.
type pendingFile struct {
	f     *os.File
	size  int64
	ends  []int64
	lines []int
}

func (p *pendingFile) add(raw []byte, line int) error {
	if p.f == nil {
		f, err := os.CreateTemp("", "plan-usage-*.json")
		if err != nil {
			return fmt.Errorf("holding the results that come before their bucket's times: %w", err)
		}
		p.f = f
	}
	if _, err := p.f.Write(raw); err != nil {
		return fmt.Errorf("holding the results that come before their bucket's times: %w", err)
	}
	p.size += int64(len(raw))
	p.ends, p.lines = append(p.ends, p.size), append(p.lines, line)
	return nil
}

// each passes every held result to fn, in order, then removes the file.
func (p *pendingFile) each(fn func(raw []byte, line int) error) error {
	if p.f == nil {
		return nil
	}
	defer func() { p.f.Close(); os.Remove(p.f.Name()) }()
	var start int64
	var buf []byte
	for i, end := range p.ends {
		buf = slices.Grow(buf[:0], int(end-start))[:end-start]
		if _, err := p.f.ReadAt(buf, start); err != nil {
			return fmt.Errorf("reading back the held results: %w", err)
		}
		if err := fn(buf, p.lines[i]); err != nil {
			return err
		}
		start = end
	}
	return nil
}

func (rd *reader) readJSON(name string, r io.Reader) error {
	if rd.opts.Format != "" && !isJSONFormat(rd.opts.Format) {
		return fmt.Errorf("%s: this is a JSON file, not %s", name, rd.opts.Format)
	}
	lc := &lineCounter{r: &stringGuard{r: r}}
	j := &jsonReader{reader: rd, name: name, dec: json.NewDecoder(lc), lines: lc}
	j.dec.UseNumber()
	for {
		tok, err := j.dec.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return j.fatal(err)
		}
		if err := j.top(tok); err != nil {
			return err
		}
	}
}

// top reads one top-level value: a page or an array of pages.
func (j *jsonReader) top(tok json.Token) error {
	switch tok {
	case json.Delim('{'):
		return j.page()
	case json.Delim('['):
		for j.dec.More() {
			if err := j.open('{'); err != nil {
				return err
			}
			if err := j.page(); err != nil {
				return err
			}
		}
		return j.open(']')
	}
	return j.fail(fmt.Sprintf("%v is not a usage page", tok))
}

// page reads the rest of a page object.
func (j *jsonReader) page() error {
	var keys []string
	sawData := false
	for j.dec.More() {
		key, err := j.key()
		if err != nil {
			return err
		}
		keys = append(keys, key)
		if key == "data" {
			sawData = true
			err = j.buckets()
		} else {
			err = j.skip()
		}
		if err != nil {
			return err
		}
	}
	if err := j.open('}'); err != nil {
		return err
	}
	if !sawData {
		return j.fail(fmt.Sprintf("unknown JSON: an object with keys %s and no \"data\"; formats read: %s",
			seenColumns(keys), formatNames()))
	}
	return nil
}

// buckets reads a page's data array.
func (j *jsonReader) buckets() error {
	if ok, err := j.openOrNull('['); !ok || err != nil {
		return err
	}
	for j.dec.More() {
		if err := j.bucket(); err != nil {
			return err
		}
	}
	return j.open(']')
}

// bucket reads one time bucket and emits its results.
func (j *jsonReader) bucket() error {
	if err := j.open('{'); err != nil {
		return err
	}
	var b bucket
	for j.dec.More() {
		key, err := j.key()
		if err != nil {
			return err
		}
		switch key {
		case "start_time", "starting_at":
			b.start, b.haveStart, err = j.bucketTime(key, &b)
		case "end_time", "ending_at":
			b.end, b.haveEnd, err = j.bucketTime(key, &b)
		case "results":
			err = j.results(&b)
		default:
			err = j.skip()
		}
		if err != nil {
			return err
		}
	}
	if err := j.open('}'); err != nil {
		return err
	}
	return j.flush(&b)
}

// bucketTime reads a bucket's start or end: unix seconds (OpenAI) or RFC 3339
// (Anthropic). A bad time is kept in b.err for its results to report.
func (j *jsonReader) bucketTime(key string, b *bucket) (time.Time, bool, error) {
	tok, err := j.dec.Token()
	if err != nil {
		return time.Time{}, false, j.fatal(err)
	}
	var s string
	switch v := tok.(type) {
	case nil:
		return time.Time{}, false, nil
	case json.Number:
		s = v.String()
	case string:
		s = v
	case json.Delim:
		return time.Time{}, false, j.fail(fmt.Sprintf("%s: %v is not a time", key, v))
	default:
		s = fmt.Sprint(v)
	}
	t, err := parseTime(s)
	if err != nil && b.err == nil {
		b.err = fmt.Errorf("%s: %v", key, err)
	}
	return t, err == nil, nil
}

// results reads a bucket's results, emitting each one as soon as the
// bucket's times are known.
func (j *jsonReader) results(b *bucket) error {
	if ok, err := j.openOrNull('['); !ok || err != nil {
		return err
	}
	for j.dec.More() {
		line := j.line()
		j.stats.Rows++
		if err := j.checkCancel(); err != nil {
			return err
		}
		var raw json.RawMessage
		if err := j.dec.Decode(&raw); err != nil {
			if err := j.decodeError(line, err); err != nil {
				return err
			}
			continue
		}
		if !b.haveStart || !b.haveEnd {
			if b.pending == nil {
				b.pending = &pendingFile{}
			}
			if err := b.pending.add(raw, line); err != nil {
				return err
			}
			continue
		}
		if err := j.decodeResult(raw, line, b); err != nil {
			return err
		}
	}
	return j.open(']')
}

// decodeResult decodes one raw result and emits it.
func (j *jsonReader) decodeResult(raw []byte, line int, b *bucket) error {
	var res apiResult
	if err := json.Unmarshal(raw, &res); err != nil {
		return j.decodeError(line, err)
	}
	return j.result(&res, line, b)
}

// flush emits the results that came before their bucket's times.
func (j *jsonReader) flush(b *bucket) error {
	if b.pending == nil {
		return nil
	}
	err := b.pending.each(func(raw []byte, line int) error { return j.decodeResult(raw, line, b) })
	b.pending = nil
	return err
}

// result turns one result into a record and passes it on.
func (j *jsonReader) result(res *apiResult, line int, b *bucket) error {
	format, known := res.format()
	switch {
	case b.err != nil:
		return j.bad(j.name, line, b.err.Error())
	case !b.haveStart:
		return j.bad(j.name, line, "the bucket has no start time")
	case !known:
		return j.bad(j.name, line, "a result with neither OpenAI nor Anthropic usage or cost fields")
	case format == "":
		j.stats.Ignored++
		return nil
	case j.opts.Format != "" && format != j.opts.Format:
		return j.bad(j.name, line, fmt.Sprintf("a %s result, not %s", format, j.opts.Format))
	}
	rec := j.startRecord(format, j.name, line)
	rec.Start, rec.End = b.start, b.start
	if b.haveEnd {
		rec.End = b.end
	}
	err := res.record(format, j.in, rec)
	if err == nil {
		err = checkSpan(rec)
	}
	if err != nil {
		return j.bad(j.name, line, err.Error())
	}
	if !j.counted {
		j.counted = true
		j.stats.ByFormat[format]++
	}
	return j.emit()
}

// decodeError sorts an error decoding a result: broken JSON stops the read,
// a result of the wrong shape is a bad row.
func (j *jsonReader) decodeError(line int, err error) error {
	var syntax *json.SyntaxError
	if j.lines.err != nil || errors.As(err, &syntax) || errors.Is(err, io.ErrUnexpectedEOF) {
		return j.fatal(err)
	}
	var typ *json.UnmarshalTypeError
	if errors.As(err, &typ) && typ.Field != "" {
		return j.bad(j.name, line, fmt.Sprintf("%s: %s is not a %s", typ.Field, typ.Value, typ.Type))
	}
	return j.bad(j.name, line, strings.TrimPrefix(err.Error(), "json: "))
}

// key reads an object key.
func (j *jsonReader) key() (string, error) {
	tok, err := j.dec.Token()
	if err != nil {
		return "", j.fatal(err)
	}
	key, ok := tok.(string)
	if !ok {
		return "", j.fail(fmt.Sprintf("%v where a key should be", tok))
	}
	return key, nil
}

// open reads a delimiter that must come next.
func (j *jsonReader) open(want json.Delim) error {
	tok, err := j.dec.Token()
	if err != nil {
		return j.fatal(err)
	}
	if tok != want {
		return j.fail(fmt.Sprintf("%v where %v should be", tok, want))
	}
	return nil
}

// openOrNull reads a delimiter that must come next, or null.
func (j *jsonReader) openOrNull(want json.Delim) (bool, error) {
	tok, err := j.dec.Token()
	if err != nil {
		return false, j.fatal(err)
	}
	if tok == nil {
		return false, nil
	}
	if tok != want {
		return false, j.fail(fmt.Sprintf("%v where %v should be", tok, want))
	}
	return true, nil
}

// skip reads past one value, token by token.
func (j *jsonReader) skip() error {
	depth := 0
	for {
		tok, err := j.dec.Token()
		if err != nil {
			return j.fatal(err)
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
		if depth == 0 {
			return nil
		}
	}
}

// line is the line of the decoder's position, or of the next value when
// only a comma and spaces come before it (the decoder stops before the comma
// between two values).
func (j *jsonReader) line() int {
	off := j.dec.InputOffset()
	var next [256]byte
	n, _ := j.dec.Buffered().Read(next[:])
	for _, c := range next[:n] {
		if c != ',' && c != ' ' && c != '\t' && c != '\r' && c != '\n' {
			break
		}
		off++
	}
	return j.lines.lineAt(off)
}

// fail stops the read at the current position.
func (j *jsonReader) fail(reason string) error {
	return fmt.Errorf("%s:%d: %s", j.name, j.line(), reason)
}

// fatal stops the read on a reading or syntax error.
func (j *jsonReader) fatal(err error) error {
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	line := j.line()
	var syntax *json.SyntaxError
	if errors.As(err, &syntax) {
		line = j.lines.lineAt(syntax.Offset)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) && j.lines.err == nil {
		return fmt.Errorf("%s:%d: the JSON ends early: %w", j.name, line, err)
	}
	return fmt.Errorf("%s:%d: %w", j.name, line, err)
}

// lineCounter counts the lines of what the JSON decoder has read, to name
// positions by line. It keeps the bytes read since the last lookup (at most
// maxKept; past that, lookups of older offsets answer with the oldest line
// it still knows).
type lineCounter struct {
	r     io.Reader
	kept  []byte // bytes from offset base on
	base  int64
	lines int   // newlines before base
	err   error // a read error other than io.EOF
}

const maxKept = 8 << 20

func (c *lineCounter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.kept = append(c.kept, p[:n]...)
	if len(c.kept) > maxKept {
		c.advance(int64(len(c.kept) - maxKept/2))
	}
	if err != nil && err != io.EOF {
		c.err = err
	}
	return n, err
}

// advance counts the lines of the first k kept bytes and drops them.
func (c *lineCounter) advance(k int64) {
	c.lines += bytes.Count(c.kept[:k], []byte{'\n'})
	c.kept = c.kept[k:]
	c.base += k
}

// lineAt is the 1-based line of a byte offset; offsets must not go back.
func (c *lineCounter) lineAt(off int64) int {
	k := min(max(off-c.base, 0), int64(len(c.kept)))
	c.advance(k)
	return c.lines + 1
}

// jsonNumber is a number in JSON: a number, a numeric string or null,
// kept as text for parseCount and parseUSD, which judge it like a CSV cell
// and name the field when it is not a number.
type jsonNumber string

func (n *jsonNumber) UnmarshalJSON(b []byte) error {
	switch {
	case string(b) == "null":
		*n = ""
	case len(b) >= 2 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*n = jsonNumber(s)
	case len(b) > 40:
		*n = jsonNumber(b[:40]) + "..."
	default:
		*n = jsonNumber(b)
	}
	return nil
}

// maxJSONString bounds one JSON string of an export. The usage APIs' pages
// hold short names and numbers; a string this long is not usage, and the
// decoder would hold it whole. (A variable for the tests.)
var maxJSONString = 16 << 20

// stringGuard fails a read once a JSON string grows past maxJSONString
// bytes, following the quotes and backslash escapes as it goes.
type stringGuard struct {
	r       io.Reader
	in, esc bool
	run     int
}

func (g *stringGuard) Read(p []byte) (int, error) {
	n, err := g.r.Read(p)
	for _, c := range p[:n] {
		switch {
		case g.esc:
			g.esc = false
		case c == '"':
			g.in, g.run = !g.in, 0
			continue
		case g.in && c == '\\':
			g.esc = true
		}
		if g.in {
			if g.run++; g.run > maxJSONString {
				return n, fmt.Errorf("a JSON string longer than %d bytes: not a usage export", maxJSONString)
			}
		}
	}
	return n, err
}
