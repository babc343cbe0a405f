package report

import (
	"cmp"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/plan-cli/plan/internal/show"
	"github.com/plan-cli/plan/planner"
)

// The router configuration and server environment that implement a plan:
// a LiteLLM proxy config and the Ollama settings. Both are written by hand
// (no YAML dependency) and quote every string.

// ollamaBaseEnv is where the LiteLLM config reads the Ollama server's
// address when the plan names none (--host).
const ollamaBaseEnv = "os.environ/OLLAMA_API_BASE"

// defaultE2ETimeout caps a local response when the plan has no end-to-end
// target, so that a stuck server falls back to the cloud.
const defaultE2ETimeout = 600

// cloudGroup is the routes of one cloud model, in the order of the report.
type cloudGroup struct {
	name   string
	routes []planner.Route
}

// groupRoutes groups the routes by cloud model, in order of first
// appearance.
func groupRoutes(routes []planner.Route) []cloudGroup {
	var groups []cloudGroup
	for _, rt := range routes {
		i := slices.IndexFunc(groups, func(g cloudGroup) bool { return g.name == rt.CloudModel })
		if i < 0 {
			groups = append(groups, cloudGroup{name: rt.CloudModel})
			i = len(groups) - 1
		}
		groups[i].routes = append(groups[i].routes, rt)
	}
	return groups
}

// moving returns the route of the group that moves the most requests
// local, and false when none moves any.
func (g cloudGroup) moving() (planner.Route, bool) {
	var best planner.Route
	for _, rt := range g.routes {
		if rt.LocalModel != "" && rt.RequestsLocal > best.RequestsLocal {
			best = rt
		}
	}
	return best, best.RequestsLocal > 0
}

// WriteLiteLLMConfig writes a LiteLLM proxy config that implements the
// routing of r as closely as LiteLLM allows (see the README's "Router
// configuration"). Clients keep the cloud model names they use: each cloud
// model with traffic that moves is served under its own name by the local
// model through Ollama (ollama_chat/<tag>, the chat endpoint LiteLLM
// recommends, with the library tag of the planned quantization), and falls
// back to the cloud model, named "cloud/<name>", at once when the local
// server has no free slot (max_parallel_requests with a queue of 0), when
// the first token is later than the latency target (stream_timeout), when
// the call fails, and when the prompt is longer than the local context
// (context_window_fallbacks); retries are off so that a fallback is not
// delayed. Cloud models with nothing to move are passed through. Traffic
// that stays for its task class or quality cannot be told apart by the
// proxy: clients send it to "cloud/<name>".
func WriteLiteLLMConfig(w io.Writer, r *planner.Report) error {
	ew := &errWriter{w: w}
	writeLiteLLMHeader(ew, r)
	groups := groupRoutes(r.Routes)
	ew.printf("model_list:\n")
	var moved []string
	for _, g := range groups {
		if rt, ok := g.moving(); ok {
			writeLocalDeployment(ew, r, g, rt)
			moved = append(moved, g.name)
			continue
		}
		ew.printf("  # %s stays in the cloud: %s.\n", show.Clean(g.name), groupStaysText(g))
		writeCloudDeployment(ew, g.name, g.name)
	}
	if len(groups) == 0 {
		ew.printf("  []\n")
	}
	ew.printf("router_settings:\n  enable_pre_call_checks: true\n  num_retries: 0\n")
	ew.printf("  retry_policy:\n    RateLimitErrorRetries: 0\n    TimeoutErrorRetries: 0\n")
	writeFallbacks(ew, "fallbacks", moved)
	writeFallbacks(ew, "context_window_fallbacks", moved)
	return ew.err
}

func writeLiteLLMHeader(ew *errWriter, r *planner.Report) {
	ew.printf("# LiteLLM proxy config from plan report (%s, %s).\n", planLabel(r), show.Day(r.Generated))
	if r.ExampleData {
		ew.printf("# %s\n", exampleDataWarning)
	}
	lines := []string{
		"# Start it with: litellm --config litellm.yaml (one worker: the slot limit is per process).",
		"# Clients keep the model names they use. A model plan moves is served by Ollama",
		"# under its own name and goes to \"cloud/<name>\" at once, not into a queue, when",
		"# Ollama's slots are all busy (max_parallel_requests, with",
		"# max_parallel_requests_queue_size 0, which needs a LiteLLM that knows it; an older",
		"# one queues instead), when the first token takes longer than the latency target",
		"# (stream_timeout), when the call fails, or when the prompt is longer than the",
		"# local context. Send traffic that must stay in the cloud (its task class or",
		"# quality) to \"cloud/<name>\". Cloud model names are as your usage exports give",
		"# them: check them against your provider's model ids, and set the API keys in",
		"# the environment.",
	}
	if r.OllamaURL == "" {
		lines = append(lines, "# Set OLLAMA_API_BASE to the Ollama server (http://127.0.0.1:11434 when it runs",
			"# beside the proxy) before starting LiteLLM.")
	}
	ew.printf("%s\n", strings.Join(lines, "\n"))
}

// writeLocalDeployment writes the local deployment of a cloud model and
// its cloud fallback.
func writeLocalDeployment(ew *errWriter, r *planner.Report, g cloudGroup, rt planner.Route) {
	var req, local int64
	var spend, spendLocal float64
	for _, x := range g.routes {
		req, local, spend, spendLocal = req+x.Requests, local+x.RequestsLocal, spend+x.SpendUSD, spendLocal+x.SpendLocalUSD
	}
	ew.printf("  # %s -> %s: %s of the requests, %s of %s a month.\n", show.Clean(g.name), show.Clean(rt.LocalModel), show.Share(local, req), show.USD(spendLocal), show.USD(spend))
	if stays := groupStaysText(g); stays != "nothing" {
		ew.printf("  # Stays in the cloud: %s.\n", stays)
	}
	ew.printf("  - model_name: %s\n    litellm_params:\n", yamlString(g.name))
	rec, ok := recommendationFor(r, rt.LocalModel)
	tag := ollamaTag(rt.LocalModel, rec, ok)
	if tag == "" {
		ew.printf("      # the Ollama library has no %s tag of %s: create one with ollama create --quantize\n", rec.Quantization, show.Clean(rec.Model))
		tag = rec.Model
	}
	base := cmp.Or(r.OllamaURL, ollamaBaseEnv)
	ew.printf("      model: %s\n      api_base: %s\n", yamlString("ollama_chat/"+tag), yamlString(base))
	if ok && rec.Ollama.NumParallel > 0 {
		ew.printf("      max_parallel_requests: %d\n      max_parallel_requests_queue_size: 0\n", rec.Ollama.NumParallel)
	}
	if r.SLOTTFTSeconds > 0 {
		ew.printf("      stream_timeout: %s\n", strconv.FormatFloat(r.SLOTTFTSeconds, 'f', -1, 64))
	}
	ew.printf("      timeout: %s\n", strconv.FormatFloat(cmp.Or(r.SLOE2ESeconds, defaultE2ETimeout), 'f', -1, 64))
	if ok && rec.ContextTokens > 0 {
		ew.printf("    model_info:\n      max_input_tokens: %d\n", rec.ContextTokens)
	}
	writeCloudDeployment(ew, "cloud/"+g.name, g.name)
}

// writeCloudDeployment writes a deployment of cloud model under name.
func writeCloudDeployment(ew *errWriter, name, model string) {
	provider, key := cloudProvider(model)
	ew.printf("  - model_name: %s\n    litellm_params:\n", yamlString(name))
	if provider == "" {
		ew.printf("      # unknown provider: prefix the model with its LiteLLM provider and set api_key\n")
		ew.printf("      model: %s\n", yamlString(model))
		return
	}
	ew.printf("      model: %s\n      api_key: %s\n", yamlString(provider+"/"+model), yamlString("os.environ/"+key))
}

// writeFallbacks writes a fallback list of router_settings: each moved
// model falls back to its cloud deployment.
func writeFallbacks(ew *errWriter, key string, moved []string) {
	if len(moved) == 0 {
		ew.printf("  %s: []\n", key)
		return
	}
	ew.printf("  %s:\n", key)
	for _, m := range moved {
		key := yamlString(m)
		if len(key) > 1000 {
			// YAML bounds an implicit key at 1,024 characters: say it is a key.
			ew.printf("    - ? %s\n      : [%s]\n", key, yamlString("cloud/"+m))
			continue
		}
		ew.printf("    - %s: [%s]\n", key, yamlString("cloud/"+m))
	}
}

// groupStaysText sums up why a cloud model's traffic stays: "context 3,100
// requests, capacity 2,100 requests", or "nothing".
func groupStaysText(g cloudGroup) string {
	var parts []string
	for _, s := range stayTotals(g.routes) {
		parts = append(parts, fmt.Sprintf("%s %s requests", s.Reason, show.Count(s.Requests)))
	}
	if len(parts) == 0 {
		return "nothing"
	}
	return strings.Join(parts, ", ")
}

// recommendationFor returns the recommendation of a route's local model,
// named by its tag ("gemma3:12b") or its tag and quantization ("gemma3:12b
// Q8_0"): the chosen one when the tag is listed at several quantizations.
func recommendationFor(r *planner.Report, local string) (planner.Recommendation, bool) {
	names := func(rec planner.Recommendation) bool {
		return rec.Model == local || rec.Model+" "+rec.Quantization == local
	}
	i := slices.IndexFunc(r.Recommendations, func(rec planner.Recommendation) bool { return names(rec) && rec.Chosen })
	if i < 0 {
		i = slices.IndexFunc(r.Recommendations, names)
	}
	if i < 0 {
		return planner.Recommendation{}, false
	}
	return r.Recommendations[i], true
}

// ollamaTag is the Ollama tag of a route's local model: its
// recommendation's tag of the planned quantization ("" when the library has
// none), or the local model's name up to a space.
func ollamaTag(local string, rec planner.Recommendation, ok bool) string {
	if ok {
		return rec.OllamaTag
	}
	tag, _, _ := strings.Cut(local, " ")
	return tag
}

// openAIModel matches OpenAI's model names: gpt-*, chatgpt-*, o1, o3-mini...
var openAIModel = regexp.MustCompile(`^(gpt-|chatgpt-|ft:gpt-|o\d(-|$))`)

// cloudProvider returns the LiteLLM provider prefix of a cloud model and
// the environment variable of its API key, or "" when the name does not
// say.
func cloudProvider(model string) (provider, keyVar string) {
	switch {
	case openAIModel.MatchString(model):
		return "openai", "OPENAI_API_KEY"
	case strings.HasPrefix(model, "claude"):
		return "anthropic", "ANTHROPIC_API_KEY"
	case strings.HasPrefix(model, "gemini"):
		return "gemini", "GEMINI_API_KEY"
	case strings.HasPrefix(model, "deepseek"):
		return "deepseek", "DEEPSEEK_API_KEY"
	case strings.HasPrefix(model, "grok"):
		return "xai", "XAI_API_KEY"
	}
	for _, p := range []string{"mistral", "codestral", "magistral", "ministral", "pixtral", "open-mistral"} {
		if strings.HasPrefix(model, p) {
			return "mistral", "MISTRAL_API_KEY"
		}
	}
	return "", ""
}

// yamlString quotes s as a YAML double-quoted scalar: quotes and
// backslashes escaped, and every character YAML does not allow in a
// document (control characters, C1 controls, surrogates, U+FEFF, U+FFFE,
// U+FFFF, and invalid UTF-8 as U+FFFD) written as a \u escape.
func yamlString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case yamlPrintable(r):
			b.WriteRune(r)
		default:
			fmt.Fprintf(&b, "\\u%04X", r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// yamlPrintable reports whether YAML 1.2 allows r as it is in a document.
func yamlPrintable(r rune) bool {
	switch {
	case r == 0xFEFF || r == 0xFFFE || r == 0xFFFF:
		return false
	case r >= 0x20 && r <= 0x7E, r >= 0xA0 && r <= 0xD7FF, r >= 0xE000 && r <= 0x10FFFF:
		return true
	}
	return false
}

// WriteOllamaEnv writes the environment of the Ollama server that
// implements the plan, as NAME=value lines with no quotes: a file that
// systemd (EnvironmentFile=), docker (--env-file) and a shell (set -a; .
// FILE) all read. It has the settings of the recommendations whose models
// take traffic (or of the chosen one, or the top one, when none does). The
// server settings are shared by its models, so the largest context and
// parallel slots are used, the KV cache type of the best-ranked model, and
// at least as many loaded models as models take traffic. Settings left at
// the server's own default are not written: flash attention is set only
// when a quantized KV cache needs it, since current Ollama turns it on by
// itself where the hardware has it.
func WriteOllamaEnv(w io.Writer, r *planner.Report) error {
	ew := &errWriter{w: w}
	ew.printf("# Ollama server settings from plan report (%s, %s).\n", planLabel(r), show.Day(r.Generated))
	if r.ExampleData {
		ew.printf("# %s\n", exampleDataWarning)
	}
	for _, l := range ollamaEnvLines(r) {
		ew.printf("%s\n", l)
	}
	return ew.err
}

// ollamaEnvLines are the lines of writeOllamaEnv after its header: which
// models, how to use the file, the settings and the models to pull.
func ollamaEnvLines(r *planner.Report) []string {
	recs := planRecommendations(r)
	if len(recs) == 0 {
		return []string{"# No model fits this hardware: there is nothing to set."}
	}
	if len(r.Routes) > 0 && !planner.AnyLocal(r.Routes) {
		return []string{"# No traffic moves to a local model in this plan: there is nothing to install or set."}
	}
	names := make([]string, len(recs))
	for i, rec := range recs {
		names[i] = show.Clean(rec.Model) + " (" + rec.Quantization + ")"
	}
	s := serverSettings(recs)
	lines := []string{
		fmt.Sprintf("# For %s on Ollama %s. As a file (plan report --ollama-env FILE), use it with", show.JoinAnd(names), show.Clean(r.OllamaVersion)),
		"#   systemd: systemctl edit ollama, add [Service] EnvironmentFile=/path/to/this/file",
		"#   docker:  docker run --env-file this-file ... ollama/ollama",
		"#   a shell: set -a; . ./this-file; set +a; ollama serve",
		"# and restart the server.",
	}
	for _, a := range r.Usage.Assumptions {
		if strings.HasPrefix(a, "context:") {
			lines = append(lines, "# "+show.Clean(a))
		}
	}
	lines = append(lines,
		fmt.Sprintf("OLLAMA_CONTEXT_LENGTH=%d", s.ContextLength),
		fmt.Sprintf("OLLAMA_NUM_PARALLEL=%d", s.NumParallel))
	if s.KVCacheType != "" && s.KVCacheType != "f16" {
		lines = append(lines, "OLLAMA_KV_CACHE_TYPE="+envValue(s.KVCacheType), "OLLAMA_FLASH_ATTENTION=1")
	}
	lines = append(lines, fmt.Sprintf("OLLAMA_MAX_LOADED_MODELS=%d", s.MaxLoadedModels))
	for _, rec := range recs {
		if rec.OllamaTag == "" {
			lines = append(lines, fmt.Sprintf("# the Ollama library has no %s tag of %s: create one with ollama create --quantize", rec.Quantization, show.Clean(rec.Model)))
			continue
		}
		lines = append(lines, "# ollama pull "+show.Clean(rec.OllamaTag))
	}
	return lines
}

// planRecommendations returns the recommendations whose models take
// traffic, best rank first; when none does, the chosen one, or else the
// first.
func planRecommendations(r *planner.Report) []planner.Recommendation {
	var recs []planner.Recommendation
	for _, rt := range r.Routes {
		if rt.LocalModel == "" || rt.RequestsLocal == 0 {
			continue
		}
		rec, ok := recommendationFor(r, rt.LocalModel)
		if ok && !slices.ContainsFunc(recs, func(x planner.Recommendation) bool { return x.Rank == rec.Rank }) {
			recs = append(recs, rec)
		}
	}
	if i := slices.IndexFunc(r.Recommendations, func(x planner.Recommendation) bool { return x.Chosen }); len(recs) == 0 && i >= 0 {
		recs = r.Recommendations[i : i+1]
	}
	if len(recs) == 0 && len(r.Recommendations) > 0 {
		recs = r.Recommendations[:1]
	}
	slices.SortStableFunc(recs, func(a, b planner.Recommendation) int { return a.Rank - b.Rank })
	return recs
}

// serverSettings combines the settings of recs, best rank first, into one
// server's.
func serverSettings(recs []planner.Recommendation) planner.OllamaSettings {
	s := recs[0].Ollama
	for _, rec := range recs[1:] {
		o := rec.Ollama
		s.ContextLength = max(s.ContextLength, o.ContextLength)
		s.NumParallel = max(s.NumParallel, o.NumParallel)
		s.FlashAttention = s.FlashAttention || o.FlashAttention
		s.MaxLoadedModels = max(s.MaxLoadedModels, o.MaxLoadedModels)
	}
	s.MaxLoadedModels = max(s.MaxLoadedModels, len(recs))
	return s
}

// safeWord matches values that every env-file reader (systemd, docker, a
// POSIX shell) reads the same without quotes.
var safeWord = regexp.MustCompile(`^[A-Za-z0-9_.:/+-]+$`)

// envValue is s when every env-file reader reads it as it is, else "".
func envValue(s string) string {
	if safeWord.MatchString(s) {
		return s
	}
	return ""
}
