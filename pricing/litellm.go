package pricing

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/plan-cli/plan/data"
)

// fileHint ends the errors about a file that is not a price file at all.
const fileHint = "want a LiteLLM price file: a JSON object of model entries, as BerriAI/litellm's model_prices_and_context_window.json"

// priceHint ends the errors about one price.
const priceHint = "want a number of USD per token, such as 2.5e-06 for $2.50 per 1M tokens"

// Embedded returns the price table built into plan (see package data for its
// source and date). Each call returns a new table that the caller may merge into.
func Embedded() (*Table, error) {
	prov, err := data.PricesProvenance()
	if err != nil {
		return nil, err
	}
	src := Source{Name: prov.Source, URL: prov.URL, Date: prov.Date, Embedded: true}
	t, err := Parse(data.PricesJSON(), src)
	if err != nil {
		return nil, fmt.Errorf("the embedded price table: %w", err)
	}
	return t, nil
}

// EmbeddedWith returns the embedded table with the price file at path merged
// over it (see Merge), or the embedded table alone when path is "". This is
// what plan's --prices FILE means.
func EmbeddedWith(path string) (*Table, error) {
	t, err := Embedded()
	if err != nil || path == "" {
		return t, err
	}
	over, err := Load(path)
	if err != nil {
		return nil, err
	}
	t.Merge(over)
	return t, nil
}

// Load reads a price file in the LiteLLM schema: a whole
// model_prices_and_context_window.json or a small file of overrides. What is
// not a token price or a context size (sample_spec, fallback_generalizations,
// image and audio prices, supports_* flags) is ignored.
func Load(path string) (*Table, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading price file: %w", err)
	}
	return Parse(b, Source{Name: path})
}

// Parse reads a price table in the LiteLLM schema from b. src says what b is;
// its Name starts every error message. Parse counts src.Entries and
// src.Priced itself.
func Parse(b []byte, src Source) (*Table, error) {
	t := newTable()
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := expectDelim(dec, '{'); err != nil {
		return nil, positioned(src.Name, b, err)
	}
	for dec.More() {
		if err := t.readEntry(dec, b, src.Name); err != nil {
			return nil, err
		}
	}
	if err := expectDelim(dec, '}'); err != nil {
		return nil, positioned(src.Name, b, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, positioned(src.Name, b, trailingDataError(b))
	}
	src.Entries, src.Priced = len(t.entries), 0
	for _, p := range t.entries {
		if p.Priced() {
			src.Priced++
		}
	}
	t.Sources = []Source{src}
	t.index()
	return t, nil
}

// readEntry reads the next "name": {...} pair of the top-level object into t.
func (t *Table) readEntry(dec *json.Decoder, b []byte, name string) error {
	key, raw, err := nextEntry(dec)
	if err != nil {
		return positioned(name, b, err)
	}
	p, err := parseEntry(key, raw)
	if err != nil {
		line, _ := lineCol(b, int(dec.InputOffset())-len(raw))
		return fmt.Errorf("%s:%d: entry %q: %w", name, line, key, err)
	}
	if p != nil {
		p.Source = name
		t.add(p)
	}
	return nil
}

// trailingDataError describes what follows the top-level object.
func trailingDataError(b []byte) error {
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	return errors.New("more data after the closing brace")
}

func expectDelim(dec *json.Decoder, want json.Delim) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != want {
		return fmt.Errorf("found %v where %q was expected", tokenText(tok), string(want))
	}
	return nil
}

// nextEntry reads one "name": value pair of the top-level object.
func nextEntry(dec *json.Decoder) (string, json.RawMessage, error) {
	tok, err := dec.Token()
	if err != nil {
		return "", nil, err
	}
	key, ok := tok.(string)
	if !ok {
		return "", nil, fmt.Errorf("found %v where a model name was expected", tokenText(tok))
	}
	var raw json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		return "", nil, fmt.Errorf("entry %q: %w", key, err)
	}
	return key, raw, nil
}

func tokenText(tok json.Token) string {
	if d, ok := tok.(json.Delim); ok {
		return strconv.Quote(string(d))
	}
	return fmt.Sprintf("%v", tok)
}

// positioned adds the file name, line and column to a decoding error, with a
// hint. The streaming decoder does not say where a syntax error is, so the
// position of one comes from decoding the whole file again; other errors are
// about the first token.
func positioned(name string, b []byte, err error) error {
	off := len(b) - len(bytes.TrimLeft(b, " \t\r\n"))
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		var v any
		if errors.As(json.Unmarshal(b, &v), &syn) {
			off = int(syn.Offset) - 1
		}
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || syn != nil && syn.Offset >= int64(len(b)) {
		err, off = errors.New("unexpected end of file"), len(b)
	}
	line, col := lineCol(b, off)
	return fmt.Errorf("%s:%d:%d: %w (%s)", name, line, col, err, fileHint)
}

// lineCol returns the 1-based line and column of byte offset off in b.
func lineCol(b []byte, off int) (line, col int) {
	off = min(max(off, 0), len(b))
	line = 1 + bytes.Count(b[:off], []byte("\n"))
	return line, off - bytes.LastIndexByte(b[:off], '\n')
}

// parseEntry reads one model entry. It returns nil for what is not a model
// entry: sample_spec, names that hold no model name ("", "openai/"), values
// that are not objects, and objects with no price or context field
// (fallback_generalizations).
func parseEntry(key string, raw json.RawMessage) (*Price, error) {
	if key == "sample_spec" || len(raw) == 0 || raw[0] != '{' || Canonical(key) == "" {
		return nil, nil
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		return nil, err
	}
	p := &Price{Model: key, fields: make(map[rateKey]float64)}
	known := false
	for name, v := range fields {
		ok, err := p.setField(name, v)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		known = known || ok
	}
	if hit, ok := fields["input_cost_per_token_cache_hit"]; ok {
		if err := p.setCacheHit(hit); err != nil {
			return nil, fmt.Errorf("input_cost_per_token_cache_hit: %w", err)
		}
	}
	if !known {
		return nil, nil
	}
	p.build()
	return p, nil
}

// setField reads one field of an entry; it reports whether the field is one
// that plan uses.
func (p *Price) setField(name string, v json.RawMessage) (bool, error) {
	switch name {
	case "litellm_provider":
		p.Provider = text(v)
	case "mode":
		p.Mode = text(v)
	case "max_input_tokens":
		p.MaxInputTokens = count(v)
	case "max_output_tokens":
		p.MaxOutputTokens = count(v)
	case "deprecation_date":
		p.DeprecationDate = text(v)
	default:
		k, ok := parseFieldName(name)
		if !ok {
			return false, nil
		}
		usd, present, err := usdPerToken(v)
		if err != nil || !present {
			return false, err
		}
		p.fields[k] = usd
	}
	return true, nil
}

// setCacheHit reads input_cost_per_token_cache_hit, another name some entries
// use for the cache-read price, when the entry has no cache_read_input_token_cost.
func (p *Price) setCacheHit(v json.RawMessage) error {
	k := rateKey{c: CacheRead}
	if _, ok := p.fields[k]; ok {
		return nil
	}
	usd, present, err := usdPerToken(v)
	if present {
		p.fields[k] = usd
	}
	return err
}

// text returns a JSON string's value, or "" for anything else.
func text(v json.RawMessage) string {
	var s string
	if json.Unmarshal(v, &s) != nil {
		return ""
	}
	return s
}

// count returns a JSON number as a whole count, or 0 for anything else (the
// sample_spec entry describes these fields in words).
func count(v json.RawMessage) int64 {
	f, err := strconv.ParseFloat(string(v), 64)
	if err != nil || f < 0 || f > 1e15 || math.IsNaN(f) {
		return 0
	}
	return int64(f)
}

// MaxUSDPerToken bounds a price per token: $1 a token is a thousand times
// the dearest real model's, so anything above is a typo or a hostile file
// (and would overflow the sums of a year of usage).
const MaxUSDPerToken = 1.0

// usdPerToken reads a price; present is false for null.
func usdPerToken(v json.RawMessage) (usd float64, present bool, err error) {
	s := string(v)
	if s == "null" {
		return 0, false, nil
	}
	f, perr := strconv.ParseFloat(s, 64)
	switch {
	case perr != nil || strings.HasPrefix(s, `"`):
		return 0, false, fmt.Errorf("found %s; %s", shorten(s), priceHint)
	case f < 0 || math.IsInf(f, 0):
		return 0, false, fmt.Errorf("found %s, not a price; %s", s, priceHint)
	case f > MaxUSDPerToken:
		return 0, false, fmt.Errorf("found %s USD per token, more than %v ($1,000,000 per 1M tokens): not a real price; %s", s, MaxUSDPerToken, priceHint)
	}
	return f, true, nil
}

func shorten(s string) string {
	if len(s) > 40 {
		return s[:37] + "..."
	}
	return s
}

// componentFields are the LiteLLM field names of each component, longest
// first where one is a prefix of another.
var componentFields = []struct {
	prefix string
	c      Component
}{
	{"cache_creation_input_token_cost_above_1hr", CacheWrite1h},
	{"cache_creation_input_token_cost", CacheWrite5m},
	{"cache_read_input_token_cost", CacheRead},
	{"input_cost_per_token", Input},
	{"output_cost_per_reasoning_token", Reasoning},
	{"output_cost_per_token", Output},
}

// tierSuffixes are the field suffixes of the service tiers.
var tierSuffixes = map[string]Tier{"": Standard, "_batches": Batch, "_flex": Flex, "_priority": Priority}

// parseFieldName reads a price field name: a component's name, then
// optionally _above_<N>k_tokens, then optionally a tier suffix, as in
// input_cost_per_token_above_200k_tokens_priority.
func parseFieldName(name string) (rateKey, bool) {
	for _, f := range componentFields {
		rest, ok := strings.CutPrefix(name, f.prefix)
		if !ok {
			continue
		}
		k := rateKey{c: f.c}
		if r, ok := strings.CutPrefix(rest, "_above_"); ok {
			if k.above, rest, ok = cutThreshold(r); !ok {
				return rateKey{}, false
			}
		}
		k.tier, ok = tierSuffixes[rest]
		return k, ok
	}
	return rateKey{}, false
}

// cutThreshold reads "200k_tokens..." as 200000 and the rest after "_tokens".
func cutThreshold(s string) (int64, string, bool) {
	digits := len(s) - len(strings.TrimLeft(s, "0123456789"))
	if digits == 0 || digits > 6 {
		return 0, "", false
	}
	n, _ := strconv.ParseInt(s[:digits], 10, 64)
	unit := map[string]int64{"k_tokens": 1000, "m_tokens": 1000000}
	for suffix, mult := range unit {
		if rest, ok := strings.CutPrefix(s[digits:], suffix); ok && n > 0 {
			return n * mult, rest, true
		}
	}
	return 0, "", false
}
