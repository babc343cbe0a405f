package pricing

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/plan-cli/plan/data"
)

// referenceFile is BerriAI/litellm's model_prices_and_context_window.json as
// of its last_updated 2026-07-24T18:23:43Z, whole.
const referenceFile = "testdata/litellm_model_prices_2026-07-24.json"

var embeddedTable = sync.OnceValues(Embedded)

// embedded returns the embedded table, read once; tests must not change it.
func embedded(t testing.TB) *Table {
	t.Helper()
	tb, err := embeddedTable()
	if err != nil {
		t.Fatal(err)
	}
	return tb
}

func mustParse(t testing.TB, text string) *Table {
	t.Helper()
	tb, err := Parse([]byte(text), Source{Name: "test.json"})
	if err != nil {
		t.Fatal(err)
	}
	return tb
}

func TestLoadReferenceFile(t *testing.T) {
	tb, err := Load(referenceFile)
	if err != nil {
		t.Fatalf("Load(%s) error = %v", referenceFile, err)
	}
	src := tb.Sources[0]
	// 2,982 model entries, less one that differs from another only in case
	// (together_ai/BAAI/bge-base-en-v1.5) and one whose name holds no model
	// (fireworks_ai/accounts/fireworks/models/); sample_spec and
	// fallback_generalizations are not models.
	if src.Entries != 2980 || src.Name != referenceFile {
		t.Errorf("source = %+v; want 2980 entries named %s", src, referenceFile)
	}
	if src.Priced < 2400 || src.Priced != tb.Len() {
		t.Errorf("priced = %d, Len() = %d; want the same, over 2400", src.Priced, tb.Len())
	}
	if _, ok := tb.Entry("sample_spec"); ok {
		t.Error("sample_spec was read as a model")
	}
	p, canonical, ok := tb.Lookup("openrouter/openai/gpt-4o")
	if !ok || p.Model != "openrouter/openai/gpt-4o" || canonical != "gpt-4o" {
		t.Errorf("Lookup(openrouter/openai/gpt-4o) = %v, %q, %v; want its own entry", p, canonical, ok)
	}
}

// referenceChatModels returns the entries of the reference file that the
// embedded table must hold: the chat and responses models of OpenAI,
// Anthropic and Google (their own APIs, and Vertex AI).
func referenceChatModels(t *testing.T) map[string]map[string]json.RawMessage {
	b, err := os.ReadFile(referenceFile)
	if err != nil {
		t.Fatal(err)
	}
	var all map[string]map[string]json.RawMessage
	if err := json.Unmarshal(b, &all); err != nil {
		t.Fatal(err)
	}
	providers := []string{"openai", "anthropic", "gemini", "palm", "vertex_ai-language-models",
		"vertex_ai-anthropic_models", "vertex_ai-openai_models"}
	chosen := make(map[string]map[string]json.RawMessage)
	for key, e := range all {
		var provider, mode string
		json.Unmarshal(e["litellm_provider"], &provider)
		json.Unmarshal(e["mode"], &mode)
		gemini := provider == "vertex_ai" && strings.HasPrefix(key, "vertex_ai/gemini")
		if (mode == "chat" || mode == "responses") && (slices.Contains(providers, provider) || gemini) {
			chosen[key] = e
		}
	}
	return chosen
}

func TestEmbeddedCoversReference(t *testing.T) {
	want := referenceChatModels(t)
	var got map[string]map[string]json.RawMessage
	if err := json.Unmarshal(data.PricesJSON(), &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Errorf("embedded table has %d entries; want the reference's %d chat models", len(got), len(want))
	}
	for key, e := range want {
		g, ok := got[key]
		if !ok {
			t.Errorf("embedded table lacks %s", key)
			continue
		}
		for field, v := range e {
			_, isPrice := parseFieldName(field)
			if isPrice || field == "max_input_tokens" || field == "litellm_provider" || field == "mode" {
				if string(g[field]) != string(v) {
					t.Errorf("%s.%s = %s; want %s as in the reference", key, field, g[field], v)
				}
			}
		}
		if _, ok := g["supports_vision"]; ok {
			t.Errorf("%s keeps supports_vision; want price and context fields only", key)
		}
	}
	tb := embedded(t)
	for key := range want {
		p, ok := tb.Entry(key)
		if !ok {
			t.Errorf("embedded Table lacks %s", key)
		} else if p.Priced() != hasTokenPrice(want[key]) {
			t.Errorf("%s: Priced() = %v; want %v", key, p.Priced(), !p.Priced())
		}
	}
}

func hasTokenPrice(e map[string]json.RawMessage) bool {
	_, in := e["input_cost_per_token"]
	_, out := e["output_cost_per_token"]
	return in || out
}

func TestEmbeddedProvenance(t *testing.T) {
	tb := embedded(t)
	src := tb.Sources[0]
	if src.Date != "2026-07-24T18:23:43Z" || !src.Embedded ||
		src.Name != "BerriAI/litellm model_prices_and_context_window.json" {
		t.Errorf("embedded source = %+v; want BerriAI/litellm of 2026-07-24T18:23:43Z", src)
	}
	prov, err := data.PricesProvenance()
	if err != nil || prov.Entries != src.Entries {
		t.Errorf("provenance = %+v, %v; want %d entries", prov, err, src.Entries)
	}
}

func TestParseRates(t *testing.T) {
	tb := mustParse(t, `{
		"sample_spec": {"input_cost_per_token": 0.0, "max_input_tokens": "max input tokens, if the provider specifies it"},
		"m": {
			"litellm_provider": "openai", "mode": "chat", "max_input_tokens": 1050000, "max_output_tokens": 128000.0,
			"input_cost_per_token": 2.5e-06, "output_cost_per_token": 1.5e-05,
			"cache_read_input_token_cost": 2.5e-07,
			"cache_creation_input_token_cost": 3.75e-06,
			"cache_creation_input_token_cost_above_1hr": 6e-06,
			"cache_creation_input_token_cost_above_1hr_above_200k_tokens": 1.2e-05,
			"input_cost_per_token_above_272k_tokens": 5e-06,
			"output_cost_per_token_above_272k_tokens_priority": 4.5e-05,
			"input_cost_per_token_batches": 1.25e-06,
			"cache_read_input_token_cost_flex": 1.3e-07,
			"output_cost_per_reasoning_token": 3e-05,
			"input_cost_per_audio_token": 1e-05,
			"input_cost_per_token_above_1x_tokens": 1,
			"search_context_cost_per_query": {"search_context_size_low": 0.01},
			"supports_vision": true,
			"deprecation_date": "2026-05-14"
		},
		"fallback_generalizations": {"rules": [{"name": "x", "model_info": {"litellm_provider": "anthropic"}}]},
		"not an entry": 5
	}`)
	p, ok := tb.Entry("M")
	if !ok {
		t.Fatal(`Entry("M") not found; want entries found in any case`)
	}
	if p.Provider != "openai" || p.Mode != "chat" || p.MaxInputTokens != 1050000 || p.MaxOutputTokens != 128000 ||
		p.DeprecationDate != "2026-05-14" || p.Source != "test.json" {
		t.Errorf("entry = %+v; want its provider, mode, context sizes, date and source", p)
	}
	rates := []struct {
		c     Component
		above int64
		tier  Tier
		want  float64
	}{
		{Input, 0, Standard, 2.5e-06},
		{Output, 0, Standard, 1.5e-05},
		{CacheRead, 0, Standard, 2.5e-07},
		{CacheWrite5m, 0, Standard, 3.75e-06},
		{CacheWrite1h, 0, Standard, 6e-06},
		{CacheWrite1h, 200000, Standard, 1.2e-05},
		{Input, 272000, Standard, 5e-06},
		{Output, 272000, Priority, 4.5e-05},
		{Input, 0, Batch, 1.25e-06},
		{CacheRead, 0, Flex, 1.3e-07},
		{Reasoning, 0, Standard, 3e-05},
	}
	for _, r := range rates {
		if got, ok := p.Rate(r.c, r.above, r.tier); !ok || got != r.want {
			t.Errorf("Rate(%v, %d, %v) = %v, %v; want %v", r.c, r.above, r.tier, got, ok, r.want)
		}
	}
	if _, ok := p.Rate(Output, 0, Batch); ok {
		t.Error("Rate(output, 0, batch) found; want none")
	}
	if got := p.Thresholds(); !slices.Equal(got, []int64{200000, 272000}) {
		t.Errorf("Thresholds() = %v; want [200000 272000]", got)
	}
	if len(tb.entries) != 1 || tb.Sources[0].Entries != 1 || tb.Sources[0].Priced != 1 {
		t.Errorf("table holds %d entries, source %+v; want only m", len(tb.entries), tb.Sources[0])
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ name, text, want string }{
		{"empty", ``, "test.json:1:1: unexpected end of file (want a LiteLLM price file"},
		{"array", `[1, 2]`, `test.json:1:1: found "[" where "{" was expected (want a LiteLLM`},
		{"syntax", "{\n  \"gpt-4o\": {\"input_cost_per_token\": 2.5e-06,}\n}",
			"test.json:2:46: entry \"gpt-4o\": invalid character '}' looking for beginning of object key string"},
		{"truncated", `{"gpt-4o": {"input_cost_per_token": 2.5e-06}`, "test.json:1:45: unexpected end of file"},
		{"trailing data", `{} {}`, "test.json:1:4: invalid character '{' after top-level value"},
		{"price as text", "{\n\"a\": {},\n\"gpt-4o\": {\"input_cost_per_token\": \"2.5e-06\"}}",
			`test.json:3: entry "gpt-4o": input_cost_per_token: found "2.5e-06"; want a number of USD per token, such as 2.5e-06 for $2.50 per 1M tokens`},
		{"negative price", `{"m": {"output_cost_per_token": -1e-06}}`,
			`test.json:1: entry "m": output_cost_per_token: found -1e-06, not a price; want a number`},
		{"huge price", `{"m": {"output_cost_per_token": 1e999}}`, `entry "m": output_cost_per_token: found 1e999`},
		{"object price", `{"m": {"cache_read_input_token_cost_flex": {"a": 1}}}`, `cache_read_input_token_cost_flex: found {"a": 1}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.text), Source{Name: "test.json"})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Parse() error = %v; want one containing %q", err, tt.want)
			}
		})
	}
}

func TestParseNullPriceIsAbsent(t *testing.T) {
	tb := mustParse(t, `{"m": {"input_cost_per_token": 1e-06, "cache_read_input_token_cost": null}}`)
	p, _ := tb.Entry("m")
	if _, ok := p.Rate(CacheRead, 0, Standard); ok {
		t.Error("a null cache-read price was read as a price; want it absent")
	}
}

func TestLoadMissingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "missing.json")
	_, err := Load(path)
	if err == nil || !strings.Contains(err.Error(), "reading price file: open "+path) {
		t.Errorf("Load(missing) error = %v; want one naming the file", err)
	}
}

func TestMerge(t *testing.T) {
	base := mustParse(t, `{
		"gpt-4o": {"litellm_provider": "openai", "mode": "chat", "max_input_tokens": 128000,
			"input_cost_per_token": 2.5e-06, "output_cost_per_token": 1e-05, "cache_read_input_token_cost": 1.25e-06},
		"old-model": {"input_cost_per_token": 1e-06, "output_cost_per_token": 2e-06}
	}`)
	over, err := Parse([]byte(`{
		"GPT-4o": {"input_cost_per_token": 2e-06, "input_cost_per_token_above_128k_tokens": 4e-06},
		"my-model": {"litellm_provider": "local", "input_cost_per_token": 1e-07, "output_cost_per_token": 2e-07},
		"cache-only": {"cache_read_input_token_cost": 1e-07}
	}`), Source{Name: "over.json"})
	if err != nil {
		t.Fatal(err)
	}
	base.Merge(over)

	p, _, ok := base.Lookup("gpt-4o")
	if !ok {
		t.Fatal("gpt-4o lost in the merge")
	}
	checks := []struct {
		c     Component
		above int64
		want  float64
	}{
		{Input, 0, 2e-06},        // replaced
		{Output, 0, 1e-05},       // kept
		{CacheRead, 0, 1.25e-06}, // kept
		{Input, 128000, 4e-06},   // added
	}
	for _, c := range checks {
		if got, ok := p.Rate(c.c, c.above, Standard); !ok || got != c.want {
			t.Errorf("merged gpt-4o Rate(%v, %d) = %v, %v; want %v", c.c, c.above, got, ok, c.want)
		}
	}
	if p.Model != "gpt-4o" || p.Provider != "openai" || p.MaxInputTokens != 128000 || p.Source != "over.json" {
		t.Errorf("merged gpt-4o = %+v; want the base name, provider and context, source over.json", p)
	}
	if _, _, ok := base.Lookup("my-model"); !ok {
		t.Error("my-model not added")
	}
	if _, _, ok := base.Lookup("old-model"); !ok {
		t.Error("old-model lost")
	}
	if _, _, ok := base.Lookup("cache-only"); ok {
		t.Error("cache-only found; want entries with no input or output price left out of lookups")
	}
	names := []string{base.Sources[0].Name, base.Sources[1].Name}
	if !slices.Equal(names, []string{"test.json", "over.json"}) || base.Sources[1].Entries != 3 || base.Sources[1].Priced != 2 {
		t.Errorf("sources = %+v; want test.json then over.json with 3 entries, 2 priced", base.Sources)
	}
	// The override table is unchanged and shares nothing with the result.
	o, _ := over.Entry("gpt-4o")
	if _, ok := o.Rate(Output, 0, Standard); ok {
		t.Error("Merge changed the table merged in")
	}
}

func TestMergeFullReferenceOverEmbedded(t *testing.T) {
	tb, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	full, err := Load(referenceFile)
	if err != nil {
		t.Fatal(err)
	}
	tb.Merge(full)
	if tb.Len() != full.Len() {
		t.Errorf("embedded + reference has %d priced entries; want the reference's %d (it holds the embedded ones)", tb.Len(), full.Len())
	}
	p, _, _ := tb.Lookup("gpt-4o")
	want, _, _ := embedded(t).Lookup("gpt-4o")
	if !reflect.DeepEqual(p.fields, want.fields) {
		t.Errorf("gpt-4o after merging the same upstream file = %v; want %v", p.fields, want.fields)
	}
}

func TestSearch(t *testing.T) {
	tb := embedded(t)
	tests := []struct {
		pattern string
		want    []string // all of these, and only names that contain wantAll
		wantAll string
	}{
		{"gpt-4o-mini-2024", []string{"gpt-4o-mini-2024-07-18", "ft:gpt-4o-mini-2024-07-18"}, "gpt-4o-mini-2024"},
		{"GPT-4O-MINI-2024", []string{"gpt-4o-mini-2024-07-18"}, "gpt-4o-mini-2024"},
		{"gemini/*pro*", []string{"gemini/gemini-2.5-pro", "gemini/gemini-3-pro-preview"}, "gemini/"},
		{"o?-mini", []string{"o3-mini", "o4-mini"}, "-mini"},
		{"Claude Sonnet 4", []string{"claude-sonnet-4-20250514", "claude-4-sonnet-20250514", "claude-sonnet-4-5"}, ""},
	}
	for _, tt := range tests {
		var got []string
		for _, p := range tb.Search(tt.pattern) {
			got = append(got, p.Model)
			if !strings.Contains(p.Model, tt.wantAll) {
				t.Errorf("Search(%q) found %s", tt.pattern, p.Model)
			}
		}
		for _, w := range tt.want {
			if !slices.Contains(got, w) {
				t.Errorf("Search(%q) = %v; want %s among them", tt.pattern, got, w)
			}
		}
	}
	if got := tb.Search("no-such-model-anywhere"); len(got) != 0 {
		t.Errorf("Search(no-such-model-anywhere) = %d entries; want none", len(got))
	}
	if got := tb.Search(""); len(got) != tb.Len() {
		t.Errorf("Search(\"\") = %d entries; want all %d", len(got), tb.Len())
	}
}

func TestLookup(t *testing.T) {
	tb := embedded(t)
	tests := []struct {
		name      string
		wantEntry string // "" when unknown
		canonical string
	}{
		{"gpt-4o-2024-08-06", "gpt-4o-2024-08-06", "gpt-4o"},
		{"openai/gpt-4o-2024-08-06", "gpt-4o-2024-08-06", "gpt-4o"},
		{"gpt-4o-2024-05-13", "gpt-4o-2024-05-13", "gpt-4o"}, // priced unlike the alias
		{"GPT-4o", "gpt-4o", "gpt-4o"},
		{"gpt-5-mini-2025-08-07", "gpt-5-mini-2025-08-07", "gpt-5-mini"},
		{"claude-sonnet-4-20250514", "claude-sonnet-4-20250514", "claude-sonnet-4"},
		{"Claude Sonnet 4", "claude-sonnet-4-20250514", "claude-sonnet-4"},
		{"anthropic/claude-4-sonnet-20250522", "claude-sonnet-4-20250514", "claude-sonnet-4"},
		{"claude-4-opus-20250514", "claude-4-opus-20250514", "claude-opus-4"},
		{"Claude Haiku 4.5", "claude-haiku-4-5", "claude-haiku-4-5"},
		{"claude-3-5-haiku-20241022", "vertex_ai/claude-3-5-haiku@20241022", "claude-3-5-haiku"},
		// No Anthropic API entry is left for Claude 3.5 Sonnet: Vertex AI's stands in.
		{"anthropic/claude-3.5-sonnet", "vertex_ai/claude-3-5-sonnet", "claude-3-5-sonnet"},
		{"claude-3-5-sonnet-20241022", "vertex_ai/claude-3-5-sonnet", "claude-3-5-sonnet"},
		{"gemini-2.5-pro", "gemini-2.5-pro", "gemini-2.5-pro"},
		{"google/gemini-2.5-pro", "gemini/gemini-2.5-pro", "gemini-2.5-pro"},
		{"ft:gpt-4o-mini-2024-07-18:acme::abc123", "ft:gpt-4o-mini-2024-07-18", "ft:gpt-4o-mini"},
		// Unknown: never priced from another model.
		{"ft:gpt-5-mini-2025-08-07:acme::abc123", "", "ft:gpt-5-mini"},
		{"llama-3.1-8b-instruct", "", "llama-3.1-8b-instruct"},
		{"medlm-large", "", "medlm-large"}, // priced per character, not per token
		{"", "", ""},
	}
	for _, tt := range tests {
		p, canonical, ok := tb.Lookup(tt.name)
		got := ""
		if ok {
			got = p.Model
		}
		if got != tt.wantEntry || canonical != tt.canonical || ok != (tt.wantEntry != "") {
			t.Errorf("Lookup(%q) = %q, %q, %v; want %q, %q", tt.name, got, canonical, ok, tt.wantEntry, tt.canonical)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		`{}`,
		`{"gpt-4o": {"input_cost_per_token": 2.5e-06, "output_cost_per_token": 1e-05, "litellm_provider": "openai"}}`,
		`{"sample_spec": {"max_input_tokens": "text"}, "m": {"input_cost_per_token_above_200k_tokens_priority": 1e-6}}`,
		`{"m": {"cache_creation_input_token_cost_above_1hr_above_200k_tokens": 1.2e-05, "input_cost_per_token": null}}`,
		`{"fallback_generalizations": {"rules": []}, "x": [1, {"a": "b"}]}`,
		`{"m": {"input_cost_per_token": "1"}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		tb, err := Parse(b, Source{Name: "fuzz.json"})
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.json:") {
				t.Errorf("Parse() error = %v; want it to start with the file name", err)
			}
			return
		}
		for _, p := range tb.Prices() {
			p.RequestCost(Tokens{InputUncached: 1000, CacheRead: 10, CacheWrite5m: 10, CacheWrite1h: 10, Output: 100, Reasoning: 50}, Priority)
			if _, _, ok := tb.Lookup(p.Model); !ok {
				t.Errorf("Lookup(%q) found nothing; want every priced entry found by its own name", p.Model)
			}
		}
	})
}

func TestEmbeddedWith(t *testing.T) {
	path := filepath.Join(t.TempDir(), "over.json")
	if err := os.WriteFile(path, []byte(`{"gpt-4o": {"input_cost_per_token": 2e-06}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	tb, err := EmbeddedWith(path)
	if err != nil {
		t.Fatal(err)
	}
	p, _, _ := tb.Lookup("gpt-4o")
	if in, _ := p.Rate(Input, 0, Standard); in != 2e-06 || len(tb.Sources) != 2 || tb.Sources[1].Name != path {
		t.Errorf("EmbeddedWith(%s): gpt-4o input %v, sources %+v; want 2e-06 and the file second", path, in, tb.Sources)
	}
	if tb, err := EmbeddedWith(""); err != nil || len(tb.Sources) != 1 {
		t.Errorf(`EmbeddedWith("") = %v, %v; want the embedded table alone`, tb, err)
	}
	if _, err := EmbeddedWith(path + ".missing"); err == nil {
		t.Error("EmbeddedWith(missing file) succeeded; want an error")
	}
}
