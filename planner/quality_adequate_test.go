package planner

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// testCatalog reads the small catalogs of testdata/quality, whose figures
// are chosen to give round numbers.
func testCatalog(t *testing.T) *QualityCatalog {
	t.Helper()
	open := func(name string) *os.File {
		f, err := os.Open(filepath.Join("testdata", "quality", name))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		return f
	}
	rows, err := ParseQuality(open("quality.csv"))
	if err != nil {
		t.Fatal(err)
	}
	quants, err := ParseQuants(open("quants.csv"))
	if err != nil {
		t.Fatal(err)
	}
	return &QualityCatalog{Rows: rows, Quants: quants}
}

func TestPreferenceRate(t *testing.T) {
	for d, want := range map[float64]float64{0: 0.5, 50: 0.4285, 100: 0.3599, 400: 1.0 / 11, -400: 10.0 / 11} {
		if got := PreferenceRate(d); math.Abs(got-want) > 1e-4 {
			t.Errorf("PreferenceRate(%v) = %.4f, want %.4f", d, got, want)
		}
	}
	for _, d := range []float64{3, 39, 250} {
		if s := PreferenceRate(d) + PreferenceRate(-d); math.Abs(s-1) > 1e-12 {
			t.Errorf("P(%v) + P(-%v) = %v, want 1", d, d, s)
		}
	}
	if p := PreferenceRate(DefaultTolerance); math.Round(100*p) != 43 {
		t.Errorf("the default tolerance gives %.3f; the documentation says 43%%", p)
	}
}

func TestAdequateReason(t *testing.T) {
	c := testCatalog(t)
	v := c.Adequate("gpt-4o-2024-08-06", Candidate{Tag: "qwen2.5:14b", Quant: "q4_K_M"}, TaskSummarize, DefaultQualityRule())
	want := "quality: qwen2.5:14b Q4_K_M scores 1296 after a 9-point quantization penalty, 39 below gpt-4o's 1335 (preferred 44% of the time); tolerance 50"
	if v.Reason != want {
		t.Errorf("reason\n got %q\nwant %q", v.Reason, want)
	}
	if !v.Adequate || v.Stay != "" || !v.Known || math.Abs(v.Penalty.Elo-9) > 1e-9 || math.Abs(v.Gap-39) > 1e-9 || v.Local.Quant != "Q4_K_M" {
		t.Errorf("verdict %+v", v)
	}
}

func TestAdequateTolerance(t *testing.T) {
	c := testCatalog(t)
	local := Candidate{Tag: "qwen2.5:14b-instruct-q4_K_M"} // 1296 after the penalty, 39 below
	for tol, want := range map[float64]bool{39: true, 38.99: false, 0: false, 100: true, -10: false} {
		v := c.Adequate("gpt-4o", local, TaskExtract, QualityRule{Tolerance: tol})
		if v.Adequate != want || (v.Stay == StayQuality) == want {
			t.Errorf("tolerance %v: adequate %v, stay %q; want adequate %v", tol, v.Adequate, v.Stay, want)
		}
	}
	v := c.Adequate("gpt-4o", Candidate{Tag: "qwen2.5:14b", Quant: "F16"}, TaskDraft, QualityRule{Tolerance: 30})
	if !v.Adequate || !strings.Contains(v.Reason, "scores 1305 with no quantization penalty, 30 below") {
		t.Errorf("F16, 30 below with a tolerance of 30: %+v", v)
	}
}

func TestAdequateFrontier(t *testing.T) {
	c := testCatalog(t)
	local := Candidate{Tag: "qwen2.5:14b", Quant: "F16"}
	for _, class := range DefaultFrontier {
		v := c.Adequate("gpt-4o", local, class, QualityRule{Tolerance: 1000})
		if v.Adequate || v.Stay != StayTaskClass || !strings.Contains(v.Reason, string(class)) {
			t.Errorf("%s: %+v; want it kept in the cloud for its task class", class, v)
		}
	}
	for _, class := range []TaskClass{TaskSummarize, TaskClassify, TaskExtract, TaskDraft, TaskRefactor, TaskTestGeneration, TaskToolSelection, TaskRouting, TaskGeneral} {
		if v := c.Adequate("gpt-4o", local, class, QualityRule{Tolerance: 1000}); !v.Adequate {
			t.Errorf("%s: %+v; want the quality comparison to decide", class, v)
		}
	}
	rule := QualityRule{Tolerance: 1000, Frontier: []TaskClass{TaskRefactor}}
	if v := c.Adequate("gpt-4o", local, TaskRefactor, rule); v.Stay != StayTaskClass {
		t.Errorf("refactor made frontier: %+v", v)
	}
	if v := c.Adequate("gpt-4o", local, TaskComplexReasoning, rule); !v.Adequate {
		t.Errorf("complex-reasoning no longer frontier: %+v", v)
	}
}

func TestAdequateUnknown(t *testing.T) {
	c := testCatalog(t)
	for _, k := range []struct {
		cloud string
		local Candidate
		says  string
	}{
		{"o1-preview", Candidate{Tag: "qwen2.5:14b", Quant: "Q8_0"}, `cloud model "o1-preview"`},
		{"mystery-cloud", Candidate{Tag: "qwen2.5:14b", Quant: "Q8_0"}, "mystery-cloud has no LMArena score in the quality catalog (Artificial Analysis Intelligence Index 12.0, 2026-07-31, is on another scale)"},
		{"gpt-4o", Candidate{Tag: "nosuch:7b", Quant: "Q8_0"}, `Ollama tag "nosuch:7b"`},
		{"gpt-4o", Candidate{Tag: "qwen2.5:14b", Quant: "Q3_K_S"}, `unknown quantization type "Q3_K_S"`},
		{"gpt-4o", Candidate{Tag: "nosize:7b", Quant: "Q4_K_M"}, "needs the model's size"},
		{"gpt-4o", Candidate{Tag: "nosize:7b"}, `the quantization of "nosize:7b" is not known`},
	} {
		v := c.Adequate(k.cloud, k.local, TaskSummarize, DefaultQualityRule())
		if v.Adequate || v.Known || v.Stay != StayUnknownQuality || !strings.Contains(v.Reason, k.says) ||
			!strings.HasPrefix(v.Reason, "unknown quality: ") || !strings.HasSuffix(v.Reason, "; stays in the cloud") {
			t.Errorf("%s / %+v: %+v; want unknown quality saying %q", k.cloud, k.local, v, k.says)
		}
		allow := c.Adequate(k.cloud, k.local, TaskSummarize, QualityRule{Tolerance: 50, UnknownLocal: true})
		if !allow.Adequate || allow.Known || allow.Stay != "" || !strings.Contains(allow.Reason, "unknown quality is allowed") {
			t.Errorf("%s / %+v with unknown allowed: %+v", k.cloud, k.local, allow)
		}
	}
	v := c.Adequate("gpt-4o", Candidate{Tag: "qwen2.5:14b", Quant: "Q8_0"}, TaskSummarize, QualityRule{Tolerance: math.NaN()})
	if v.Adequate || v.Stay != StayUnknownQuality {
		t.Errorf("NaN tolerance: %+v", v)
	}
}

// TestAdequateEmbedded runs the decision on the shipped catalogs, where the
// outcome should agree with what the scores say on their face.
func TestAdequateEmbedded(t *testing.T) {
	rule := DefaultQualityRule()
	for _, c := range []struct {
		cloud string
		local Candidate
		want  bool
		says  string
	}{
		{"gpt-4o-2024-08-06", Candidate{Tag: "gemma3:27b", Quant: "Q4_K_M"}, true,
			"quality: gemma3:27b Q4_K_M scores 1352 after a 13-point quantization penalty, 17 above gpt-4o's 1335 (preferred 52% of the time); tolerance 50"},
		{"gpt-4o", Candidate{Tag: "llama3.3:70b"}, true, "llama3.3:70b Q4_K_M (the plain tag's default) scores 1308 after a 10-point"},
		{"openai/gpt-4o-mini", Candidate{Tag: "llama3.1:8b-instruct-q8_0"}, false, "llama3.1:8b Q8_0 scores 1210 after a 1-point quantization penalty, 107 below gpt-4o-mini's 1317"},
		{"gpt-4o", Candidate{Tag: "llama3.1:8b", Quant: "Q4_K_M"}, false, "after an 18-point quantization penalty"},
		{"gpt-4o", Candidate{Tag: "gpt-oss:20b"}, true, "gpt-oss:20b MXFP4 (the plain tag's default) scores 1318 with no quantization penalty (MXFP4 is its native format)"},
		{"claude-sonnet-4-5-20250929", Candidate{Tag: "qwen3:32b"}, false, "below claude-sonnet-4.5's 1453"},
		{"gpt-4o", Candidate{Tag: "qwen2.5:72b-instruct-q2_K"}, false, "qwen2.5:72b Q2_K scores 1153 after a 149-point quantization penalty"},
		{"gpt-4o", Candidate{Tag: "qwen2.5:14b"}, false, "qwen2.5:14b has no LMArena score"},
	} {
		v := Adequate(c.cloud, c.local, TaskSummarize, rule)
		if v.Adequate != c.want || !strings.Contains(v.Reason, c.says) {
			t.Errorf("%s <- %+v: adequate %v, %q; want %v and %q", c.cloud, c.local, v.Adequate, v.Reason, c.want, c.says)
		}
	}
}

func TestPenaltyWords(t *testing.T) {
	for p, want := range map[QuantPenalty]string{
		{Quant: "F16"}:                           "with no quantization penalty",
		{Quant: "Q8_0", Elo: 0.3}:                "after a quantization penalty under 1 point",
		{Quant: "Q4_K_M", Elo: 8.4}:              "after an 8-point quantization penalty",
		{Quant: "IQ1_S", Elo: 400, Capped: true}: "after the maximum 400-point quantization penalty",
		{Quant: "MXFP4", Native: true}:           "with no quantization penalty (MXFP4 is its native format)",
	} {
		if got := penaltyWords(p); got != want {
			t.Errorf("penaltyWords(%+v) = %q, want %q", p, got, want)
		}
	}
	for n, want := range map[float64]string{8: "an", 11: "an", 18: "an", 80: "an", 89: "an", 800: "an", 1: "a", 9: "a", 13: "a", 100: "a", 180: "a"} {
		if got := article(n); got != want {
			t.Errorf("article(%v) = %q, want %q", n, got, want)
		}
	}
}

// TestAdequateReadmeExamples checks the examples the README gives.
func TestAdequateReadmeExamples(t *testing.T) {
	rule := DefaultQualityRule()
	clouds := []string{"gpt-4o", "gpt-4o-mini", "claude-3.5-sonnet"}
	for tag, want := range map[string][3]bool{
		"gemma3:27b":                  {true, true, true},
		"qwen3:32b":                   {true, true, true},
		"qwen3:30b-a3b-instruct-2507": {true, true, true},
		"llama3.3:70b":                {true, true, false},
		"gpt-oss:20b":                 {true, true, false},
		"gemma3:4b":                   {false, true, false},
		"llama3.1:8b":                 {false, false, false},
	} {
		for i, cloud := range clouds {
			if v := Adequate(cloud, Candidate{Tag: tag}, TaskSummarize, rule); v.Adequate != want[i] || !v.Known {
				t.Errorf("%s <- %s: %s; want adequate %v", cloud, tag, v.Reason, want[i])
			}
		}
	}
	for _, c := range []struct {
		cloud, tag, quant, want string
	}{
		{"gpt-4o-mini", "llama3.1:8b", "Q4_K_M", "quality: llama3.1:8b Q4_K_M scores 1193 after an 18-point quantization penalty, 124 below gpt-4o-mini's 1317 (preferred 33% of the time); tolerance 50"},
		{"gpt-4o", "qwen3:8b", "Q4_K_M", "unknown quality: qwen3:8b has no LMArena score in the quality catalog (Artificial Analysis Intelligence Index 8.3, 2026-07-31, is on another scale); stays in the cloud"},
	} {
		if v := Adequate(c.cloud, Candidate{Tag: c.tag, Quant: c.quant}, TaskSummarize, rule); v.Reason != c.want {
			t.Errorf("reason\n got %q\nwant %q", v.Reason, c.want)
		}
	}
	if v := Adequate("gpt-4o", Candidate{Tag: "gemma3:27b"}, TaskComplexReasoning, rule); v.Reason != "task class: complex-reasoning is a frontier class and stays in the cloud" {
		t.Errorf("frontier reason %q", v.Reason)
	}
}
