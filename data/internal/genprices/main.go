// Command genprices writes the embedded price table: the OpenAI, Anthropic and
// Google chat models of a LiteLLM model_prices_and_context_window.json, with
// their price and context fields only, and the provenance file beside it.
//
//	go run ./internal/genprices -in FILE -updated 2026-07-24T18:23:43Z -out prices
//
// The values are copied as written upstream (numbers keep their decimal text);
// entries and fields are sorted by name so that a new upstream file gives a
// readable diff.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// providers are the litellm_provider values served by OpenAI, Anthropic or
// Google themselves. "vertex_ai" also holds other makers' models; only its
// Gemini entries are taken.
var providers = map[string]bool{
	"openai":                     true,
	"anthropic":                  true,
	"gemini":                     true,
	"palm":                       true,
	"vertex_ai-language-models":  true,
	"vertex_ai-anthropic_models": true,
	"vertex_ai-openai_models":    true,
}

// modes are the entry modes of chat models.
var modes = map[string]bool{"chat": true, "responses": true}

// keptFields are the non-price fields kept; every field whose name holds
// "cost" or "multiplier" is kept too.
var keptFields = map[string]bool{
	"litellm_provider":        true,
	"mode":                    true,
	"max_input_tokens":        true,
	"max_output_tokens":       true,
	"max_tokens":              true,
	"deprecation_date":        true,
	"source":                  true,
	"provider_specific_entry": true,
}

// Provenance is written to provenance.json beside the table.
type Provenance struct {
	Source    string `json:"source"`
	URL       string `json:"url"`
	Date      string `json:"date"`
	Selection string `json:"selection"`
	Entries   int    `json:"entries"`
}

func main() {
	in := flag.String("in", "", "the LiteLLM price `FILE` to read")
	out := flag.String("out", "prices", "the `DIR` to write litellm_prices.json and provenance.json to")
	updated := flag.String("updated", "", "the upstream last_updated `TIME` of the file (RFC 3339)")
	flag.Parse()
	if err := run(*in, *out, *updated); err != nil {
		fmt.Fprintln(os.Stderr, "genprices:", err)
		os.Exit(1)
	}
}

func run(in, out, updated string) error {
	if in == "" || updated == "" {
		return fmt.Errorf("-in and -updated are required")
	}
	raw, err := os.ReadFile(in)
	if err != nil {
		return err
	}
	var all map[string]json.RawMessage
	if err := json.Unmarshal(raw, &all); err != nil {
		return fmt.Errorf("%s: %w", in, err)
	}
	table, n, err := selectEntries(all)
	if err != nil {
		return fmt.Errorf("%s: %w", in, err)
	}
	if err := os.WriteFile(filepath.Join(out, "litellm_prices.json"), table, 0o644); err != nil {
		return err
	}
	p := Provenance{
		Source: "BerriAI/litellm model_prices_and_context_window.json",
		URL:    "https://github.com/BerriAI/litellm/blob/main/model_prices_and_context_window.json",
		Date:   updated,
		Selection: "chat and responses models of the providers openai, anthropic, gemini, palm, " +
			"vertex_ai-language-models, vertex_ai-anthropic_models, vertex_ai-openai_models, and the Gemini " +
			"models of vertex_ai; price, context and deprecation fields only",
		Entries: n,
	}
	pj, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(out, "provenance.json"), append(pj, '\n'), 0o644)
}

// selectEntries returns the chosen entries as indented JSON, and how many there are.
func selectEntries(all map[string]json.RawMessage) ([]byte, int, error) {
	var b bytes.Buffer
	b.WriteString("{\n")
	n := 0
	for _, key := range slices.Sorted(maps.Keys(all)) {
		var entry map[string]json.RawMessage
		if json.Unmarshal(all[key], &entry) != nil || !chosen(key, entry) {
			continue
		}
		if n > 0 {
			b.WriteString(",\n")
		}
		if err := writeEntry(&b, key, entry); err != nil {
			return nil, 0, fmt.Errorf("entry %q: %w", key, err)
		}
		n++
	}
	b.WriteString("\n}\n")
	return b.Bytes(), n, nil
}

func chosen(key string, entry map[string]json.RawMessage) bool {
	var provider, mode string
	json.Unmarshal(entry["litellm_provider"], &provider)
	json.Unmarshal(entry["mode"], &mode)
	if !modes[mode] {
		return false
	}
	return providers[provider] || (provider == "vertex_ai" && strings.HasPrefix(key, "vertex_ai/gemini-"))
}

func writeEntry(b *bytes.Buffer, key string, entry map[string]json.RawMessage) error {
	k, _ := json.Marshal(key)
	fmt.Fprintf(b, "    %s: {\n", k)
	first := true
	for _, field := range slices.Sorted(maps.Keys(entry)) {
		if !keptFields[field] && !strings.Contains(field, "cost") && !strings.Contains(field, "multiplier") {
			continue
		}
		var v bytes.Buffer
		if err := json.Compact(&v, entry[field]); err != nil {
			return err
		}
		if !first {
			b.WriteString(",\n")
		}
		first = false
		f, _ := json.Marshal(field)
		fmt.Fprintf(b, "        %s: %s", f, v.Bytes())
	}
	b.WriteString("\n    }")
	return nil
}
