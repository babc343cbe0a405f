package planner

import (
	"errors"
	"strings"
	"testing"

	"github.com/plan-cli/plan/data"
)

func catalog(t *testing.T) *QualityCatalog {
	t.Helper()
	c, err := Qualities()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestQualityCatalogEmbedded(t *testing.T) {
	c := catalog(t)
	prov, err := data.QualityProvenance()
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, r := range c.Rows {
		kinds[r.Kind]++
		if r.Rated() && (r.Arena < 1000 || r.Arena > 1600 || r.ArenaSnapshot == "") {
			t.Errorf("%s: LMArena %v (snapshot %q) is off the scale", r.ID, r.Arena, r.ArenaSnapshot)
		}
		if r.Kind == "open" && r.ActiveParamsB <= 0 {
			t.Errorf("%s: open model without its size", r.ID)
		}
	}
	if len(c.Rows) != prov.Entries || kinds["cloud"] != 45 || kinds["open"] != 41 {
		t.Errorf("%d rows (%d cloud, %d open), provenance says %d", len(c.Rows), kinds["cloud"], kinds["open"], prov.Entries)
	}
	r, err := c.Cloud("gpt-4o")
	if err != nil || r.Arena != 1335 || r.ArenaCI95 != 4 || r.AAIndex != 9.6 || r.AAMMLUPro != 0 {
		t.Errorf("gpt-4o = %+v, %v", r, err)
	}
}

func TestCloudQualityExportNames(t *testing.T) {
	for name, want := range map[string]string{
		"gpt-4o-2024-08-06":                          "gpt-4o",
		"openai/gpt-4o-mini":                         "gpt-4o-mini",
		"gpt-4o-mini-2024-07-18":                     "gpt-4o-mini",
		"GPT-4.1 mini":                               "gpt-4.1-mini",
		"gpt-4.1-nano-2025-04-14":                    "gpt-4.1-nano",
		"o3-2025-04-16":                              "o3",
		"gpt-5-mini-2025-08-07":                      "gpt-5-mini",
		"claude-3-5-sonnet-20241022":                 "claude-3.5-sonnet",
		"anthropic/claude-3.5-sonnet":                "claude-3.5-sonnet",
		"claude-3-5-haiku-latest":                    "claude-3.5-haiku",
		"claude-sonnet-4-5":                          "claude-sonnet-4.5",
		"claude-sonnet-4-5-20250929":                 "claude-sonnet-4.5",
		"Claude Haiku 4.5":                           "claude-haiku-4.5",
		"claude-sonnet-4-20250514":                   "claude-sonnet-4",
		"claude-opus-4-1-20250805":                   "claude-opus-4.1",
		"anthropic.claude-3-5-sonnet-20241022-v2:0":  "claude-3.5-sonnet",
		"vertex_ai/claude-3-5-sonnet@20241022":       "claude-3.5-sonnet",
		"gemini-2.5-flash-001":                       "gemini-2.5-flash",
		"gemini/gemini-2.0-flash-001":                "gemini-2.0-flash",
		"models/gemini-2.5-pro":                      "gemini-2.5-pro",
		"google/gemini-2.5-flash-lite":               "gemini-2.5-flash-lite",
		"openrouter/anthropic/claude-opus-4":         "claude-opus-4",
		"  GPT-4o  ":                                 "gpt-4o",
		"azure/gpt-4.1":                              "gpt-4.1",
		"openai/o4-mini":                             "o4-mini",
		"Gemini 2.5 Flash":                           "gemini-2.5-flash",
		"anthropic/claude-haiku-4.5":                 "claude-haiku-4.5",
		"claude-3-5-sonnet-20241022:thinking":        "claude-3.5-sonnet",
		"us.anthropic.claude-sonnet-4-20250514-v1:0": "claude-sonnet-4",
		// Open models served by cloud APIs find their open rows.
		"meta-llama/llama-3.3-70b-instruct":     "llama3.3:70b",
		"meta-llama/llama-3.1-8b-instruct:free": "llama3.1:8b",
		"qwen/qwen-2.5-72b-instruct":            "qwen2.5:72b",
		"qwen/qwen2.5-coder-32b-instruct":       "qwen2.5-coder:32b",
		"google/gemma-3-27b-it":                 "gemma3:27b",
		"openai/gpt-oss-120b":                   "gpt-oss:120b",
		"qwen/qwen3-235b-a22b-instruct-2507":    "qwen3:235b-a22b-instruct-2507",
		"together_ai/Qwen/Qwen3-30B-A3B":        "qwen3:30b-a3b",
	} {
		r, err := CloudQuality(name)
		if err != nil || r.ID != want {
			t.Errorf("CloudQuality(%q) = %q, %v; want %q", name, r.ID, err, want)
		}
	}
}

// The older models still in people's exports are rated, whatever snapshot
// or spelling the export names.
func TestCloudQualityOlderModels(t *testing.T) {
	for name, want := range map[string]float64{
		"gpt-4": 1277, "gpt-4-0613": 1277, "gpt-4-turbo-2024-04-09": 1324, "gpt-3.5-turbo-0125": 1224,
		"claude-3-opus-20240229": 1323, "claude-3-sonnet-20240229": 1282, "claude-3-haiku-20240307": 1262,
		"gemini-1.5-pro-002": 1351, "gemini-1.5-flash": 1310, "openai/gpt-4": 1277, "Claude 3 Opus": 1323,
		"chatgpt-4o-latest": 1439, "claude-3-7-sonnet-20250219": 1370,
	} {
		r, err := CloudQuality(name)
		if err != nil || r.Arena != want {
			t.Errorf("CloudQuality(%q) = %v, %v; want %v", name, r.Arena, err, want)
		}
	}
}

func TestCloudQualityUnknown(t *testing.T) {
	for _, name := range []string{"o1-preview", "gpt-3.5-turbo-16k", "claude-opus-4-7", "",
		"meta-llama/llama-3.1-405b-instruct", "mistralai/mistral-small-24b-instruct-2501", "deepseek/deepseek-r1-distill-qwen-32b", "gpt-4o-mini-tts"} {
		r, err := CloudQuality(name)
		if !errors.Is(err, ErrUnknownModel) {
			t.Errorf("CloudQuality(%q) = %q, %v; want unknown", name, r.ID, err)
			continue
		}
		if strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), "quality:") {
			t.Errorf("error is not one line naming what failed: %q", err)
		}
	}
	_, err := CloudQuality("o1-preview")
	if !strings.Contains(err.Error(), `"o1-preview"`) || !strings.Contains(err.Error(), "gpt-4o-mini") {
		t.Errorf("the error should name the model and what is rated: %v", err)
	}
}

func TestOpenQualityTags(t *testing.T) {
	for _, c := range []struct{ tag, id, quant string }{
		{"qwen2.5:7b", "qwen2.5:7b", ""},
		{"qwen2.5:7b-instruct-q4_K_M", "qwen2.5:7b", "Q4_K_M"},
		{"QWEN2.5:14B-INSTRUCT-Q8_0", "qwen2.5:14b", "Q8_0"},
		{"qwen2.5-coder:32b-instruct-q5_K_M", "qwen2.5-coder:32b", "Q5_K_M"},
		{"llama3.1:70b-instruct-fp16", "llama3.1:70b", "F16"},
		{"gemma2:9b-instruct-q2_K", "gemma2:9b", "Q2_K"},
		{"qwen3:30b-a3b", "qwen3:30b-a3b", ""},
		{"qwen3:30b-a3b-q8_0", "qwen3:30b-a3b", "Q8_0"},
		{"qwen3:30b-a3b-instruct-2507-q4_K_M", "qwen3:30b-a3b-instruct-2507", "Q4_K_M"},
		{"qwen3:235b-a22b-instruct-2507", "qwen3:235b-a22b-instruct-2507", ""},
		{"phi4", "phi4:14b", ""},
		{"phi4:latest", "phi4:14b", ""},
		{"gpt-oss:20b", "gpt-oss:20b", ""},
		{"mixtral:8x7b-instruct-v0.1-q3_K_M", "mixtral:8x7b", "Q3_K_M"},
	} {
		r, q, err := OpenQuality(c.tag)
		if err != nil || r.ID != c.id || q != c.quant {
			t.Errorf("OpenQuality(%q) = %q, %q, %v; want %q, %q", c.tag, r.ID, q, err, c.id, c.quant)
		}
	}
}

func TestOpenQualityUnknown(t *testing.T) {
	for tag, says := range map[string]string{
		"nosuch:7b":                  "not in the quality catalog",
		"llama3.1:8bx":               "not in the quality catalog",
		"llama3.1:405b":              "not in the quality catalog",
		"gpt-4o":                     "not in the quality catalog",
		"qwen2.5":                    "qwen2.5:7b, qwen2.5:14b, qwen2.5:32b, qwen2.5:72b; name one",
		"qwen2.5:latest":             "names no size",
		"qwen2.5:7b-instruct-q9_K_M": `unknown quantization type "Q9_K_M"`,
	} {
		_, _, err := OpenQuality(tag)
		if err == nil || !strings.Contains(err.Error(), says) || !strings.Contains(err.Error(), tag) {
			t.Errorf("OpenQuality(%q) error = %v; want one naming the tag and saying %q", tag, err, says)
		}
	}
}

func TestParseQualityErrors(t *testing.T) {
	header := "id,kind,provider,ollama_tag,params_total_b,params_active_b,lmarena_score\n"
	for in, says := range map[string]string{
		"":                                  "reading the header",
		"id,kind\n":                         `no "lmarena_score" column`,
		header:                              "no rows",
		header + "a,cloud,x,,,,13x5\n":      `line 2: lmarena_score "13x5" is not a number`,
		header + "# note\na,local,x,,,,1\n": `line 3: kind "local"`,
		header + ",cloud,x,,,,1\n":          "line 2: empty id",
	} {
		_, err := ParseQuality(strings.NewReader(in))
		if err == nil || !strings.Contains(err.Error(), says) {
			t.Errorf("ParseQuality(%q) error = %v; want %q", in, err, says)
		}
	}
}
