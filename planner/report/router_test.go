package report

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/plan-cli/plan/internal/show"
)

// liteLLMConfig is the part of a LiteLLM proxy config the tests read.
type liteLLMConfig struct {
	ModelList []struct {
		ModelName     string         `yaml:"model_name"`
		LiteLLMParams map[string]any `yaml:"litellm_params"`
		ModelInfo     map[string]any `yaml:"model_info"`
	} `yaml:"model_list"`
	RouterSettings struct {
		EnablePreCallChecks    bool                  `yaml:"enable_pre_call_checks"`
		NumRetries             int                   `yaml:"num_retries"`
		RetryPolicy            map[string]int        `yaml:"retry_policy"`
		Fallbacks              []map[string][]string `yaml:"fallbacks"`
		ContextWindowFallbacks []map[string][]string `yaml:"context_window_fallbacks"`
	} `yaml:"router_settings"`
}

func parseLiteLLM(t *testing.T, b []byte) liteLLMConfig {
	t.Helper()
	var c liteLLMConfig
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil {
		t.Fatalf("the LiteLLM config does not parse: %v\n%s", err, b)
	}
	return c
}

// TestLiteLLMConfigParses reads the config as YAML and checks that it
// routes the moved models to Ollama with cloud fallbacks that exist.
func TestLiteLLMConfigParses(t *testing.T) {
	var buf bytes.Buffer
	r := sampleReport()
	r.Routes[0].CloudModel = `gpt-4o "quoted": #not a comment`
	if err := WriteLiteLLMConfig(&buf, r); err != nil {
		t.Fatal(err)
	}
	c := parseLiteLLM(t, buf.Bytes())
	names := map[string]map[string]any{}
	for _, m := range c.ModelList {
		names[m.ModelName] = m.LiteLLMParams
	}
	wantModels := map[string]string{
		r.Routes[0].CloudModel:            "ollama_chat/qwen2.5:14b",
		"cloud/" + r.Routes[0].CloudModel: "openai/" + r.Routes[0].CloudModel,
		"gpt-4o-mini":                     "ollama_chat/llama3.1:8b-instruct-q8_0",
		"cloud/gpt-4o-mini":               "openai/gpt-4o-mini",
		"claude-3-5-sonnet":               "anthropic/claude-3-5-sonnet",
	}
	for name, model := range wantModels {
		if got := names[name]["model"]; got != model {
			t.Errorf("model_name %q: model = %v; want %q", name, got, model)
		}
	}
	if len(c.ModelList) != len(wantModels) {
		t.Errorf("model_list has %d entries; want %d", len(c.ModelList), len(wantModels))
	}
	if got := names["gpt-4o-mini"]["api_base"]; got != ollamaBaseEnv {
		t.Errorf("local deployment api_base = %v; want %s", got, ollamaBaseEnv)
	}
	// Beyond the slots or the latency target, a request goes to the cloud
	// at once: no queue, no retries.
	local := names["gpt-4o-mini"]
	if local["max_parallel_requests"] != 4 || local["max_parallel_requests_queue_size"] != 0 || local["stream_timeout"] != 5 {
		t.Errorf("local deployment %v: want 4 slots, a queue of 0 and the 5 s first-token target as stream_timeout", local)
	}
	if rs := c.RouterSettings; rs.NumRetries != 0 || rs.RetryPolicy["RateLimitErrorRetries"] != 0 || len(rs.RetryPolicy) != 2 {
		t.Errorf("router settings %+v: want no retries before a fallback", rs)
	}
	if got := c.ModelList[0].ModelInfo["max_input_tokens"]; got != 16384 {
		t.Errorf("max_input_tokens = %v; want the planned context 16384", got)
	}
	if !c.RouterSettings.EnablePreCallChecks {
		t.Errorf("enable_pre_call_checks is off; the context-window fallback needs it")
	}
	for _, list := range [][]map[string][]string{c.RouterSettings.Fallbacks, c.RouterSettings.ContextWindowFallbacks} {
		if len(list) != 2 {
			t.Errorf("fallbacks = %v; want one for each of the 2 moved models", list)
		}
		for _, fb := range list {
			for from, to := range fb {
				if names[from] == nil || len(to) != 1 || names[to[0]] == nil {
					t.Errorf("fallback %q -> %v: both must be model names of model_list", from, to)
				}
			}
		}
	}
}

func TestLiteLLMConfigNothingMoves(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteLiteLLMConfig(&buf, cpuOnlyReport()); err != nil {
		t.Fatal(err)
	}
	c := parseLiteLLM(t, buf.Bytes())
	if len(c.ModelList) != 3 || len(c.RouterSettings.Fallbacks) != 0 {
		t.Errorf("config with nothing moved: %d models, fallbacks %v; want the 3 cloud models passed through and no fallbacks",
			len(c.ModelList), c.RouterSettings.Fallbacks)
	}
	for _, m := range c.ModelList {
		if strings.HasPrefix(m.LiteLLMParams["model"].(string), "ollama") {
			t.Errorf("model %q goes to Ollama though nothing moves", m.ModelName)
		}
	}
}

func TestCloudProvider(t *testing.T) {
	tests := []struct{ model, provider, key string }{
		{"gpt-4o", "openai", "OPENAI_API_KEY"},
		{"o3-mini", "openai", "OPENAI_API_KEY"},
		{"o1", "openai", "OPENAI_API_KEY"},
		{"claude-sonnet-4", "anthropic", "ANTHROPIC_API_KEY"},
		{"gemini-2.0-flash", "gemini", "GEMINI_API_KEY"},
		{"mistral-large", "mistral", "MISTRAL_API_KEY"},
		{"grok-3", "xai", "XAI_API_KEY"},
		{"deepseek-chat", "deepseek", "DEEPSEEK_API_KEY"},
		{"omni-model", "", ""},
		{"llama-3.1-70b", "", ""},
	}
	for _, tt := range tests {
		if p, k := cloudProvider(tt.model); p != tt.provider || k != tt.key {
			t.Errorf("cloudProvider(%q) = %q, %q; want %q, %q", tt.model, p, k, tt.provider, tt.key)
		}
	}
}

// TestOllamaEnvRuns sources the environment file in a POSIX shell and
// reads the variables back.
func TestOllamaEnvRuns(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh on this system")
	}
	var buf bytes.Buffer
	if err := WriteOllamaEnv(&buf, sampleReport()); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "ollama.env")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, sh, "-eu", "-c", `set -a; . "$1"; set +a; env`, "sh", path).Output()
	if err != nil {
		t.Fatalf("sourcing the environment file: %v", err)
	}
	want := []string{"OLLAMA_CONTEXT_LENGTH=16384", "OLLAMA_NUM_PARALLEL=4", "OLLAMA_KV_CACHE_TYPE=q8_0",
		"OLLAMA_FLASH_ATTENTION=1", "OLLAMA_MAX_LOADED_MODELS=2"}
	lines := strings.Split(string(out), "\n")
	for _, w := range want {
		if !slices.Contains(lines, w) {
			t.Errorf("after sourcing the file the environment has no %s", w)
		}
	}
}

// The environment file is plain NAME=value lines that docker's --env-file
// and systemd's EnvironmentFile= read as a shell does, and it leaves flash
// attention to the server unless a quantized KV cache needs it.
func TestOllamaEnvFileFormat(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteOllamaEnv(&buf, sampleReport()); err != nil {
		t.Fatal(err)
	}
	assign := regexp.MustCompile(`^[A-Z_]+=[A-Za-z0-9_.:/+-]+$`)
	for _, l := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		if !strings.HasPrefix(l, "#") && !assign.MatchString(l) {
			t.Errorf("line %q is not NAME=value without quotes", l)
		}
	}
	if !strings.Contains(buf.String(), "# ollama pull llama3.1:8b-instruct-q8_0") {
		t.Errorf("no pull line for the Q8_0 tag:\n%s", buf.String())
	}
	buf.Reset()
	WriteOllamaEnv(&buf, cpuOnlyReport())
	if strings.Contains(buf.String(), "FLASH_ATTENTION") || strings.Contains(buf.String(), "ollama pull") {
		t.Errorf("nothing moves, yet the file sets or pulls something:\n%s", buf.String())
	}
}

func TestEnvValueAndComment(t *testing.T) {
	for in, want := range map[string]string{"q8_0": "q8_0", "f16": "f16", "a b": "", "$(x)": "", "it's": ""} {
		if got := envValue(in); got != want {
			t.Errorf("envValue(%q) = %q; want %q", in, got, want)
		}
	}
	if got := show.Clean("a\nb\x1b[31mc"); strings.ContainsAny(got, "\n\x1b") {
		t.Errorf("commentSafe kept control characters: %q", got)
	}
}

// TestServerSettings checks how the settings of several models make one
// server's.
func TestServerSettings(t *testing.T) {
	recs := sampleRecommendations()
	recs[1].Ollama.KVCacheType = "f16"
	recs[1].Ollama.FlashAttention = false
	recs[0].Ollama.FlashAttention = false
	recs[1].Ollama.NumParallel = 8
	s := serverSettings(recs[:2])
	if s.ContextLength != 16384 || s.NumParallel != 8 || s.KVCacheType != "q8_0" || s.FlashAttention || s.MaxLoadedModels != 2 {
		t.Errorf("serverSettings() = %+v; want the largest context and slots, the best-ranked KV type, no flash attention, 2 models", s)
	}
}

// TestRecommendationFor checks that a route's local model is found by its
// tag or by its tag and quantization, the chosen quantization first.
func TestRecommendationFor(t *testing.T) {
	r := sampleReport()
	extra := r.Recommendations[0]
	extra.Rank, extra.Quantization, extra.Chosen, extra.OllamaTag = 4, "Q8_0", false, "qwen2.5:14b-instruct-q8_0"
	r.Recommendations = append(r.Recommendations, extra)
	tests := []struct {
		local, wantTag, wantQuant string
		found                     bool
	}{
		{"qwen2.5:14b", "qwen2.5:14b", "Q4_K_M", true},
		{"qwen2.5:14b Q8_0", "qwen2.5:14b-instruct-q8_0", "Q8_0", true},
		{"llama3.1:8b Q8_0", "llama3.1:8b-instruct-q8_0", "Q8_0", true},
		{"mistral:7b Q4_0", "mistral:7b", "", false},
	}
	for _, tt := range tests {
		rec, ok := recommendationFor(r, tt.local)
		if ok != tt.found || rec.Quantization != tt.wantQuant || ollamaTag(tt.local, rec, ok) != tt.wantTag {
			t.Errorf("recommendationFor(%q) = %s %s, %v (tag %s); want %s %s, %v", tt.local, rec.Model, rec.Quantization, ok,
				ollamaTag(tt.local, rec, ok), tt.wantTag, tt.wantQuant, tt.found)
		}
	}
}
