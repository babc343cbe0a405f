package planner

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func readTaskMap(t *testing.T, name string) (TaskMap, error) {
	t.Helper()
	path := filepath.Join("testdata", "tasks", name)
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return ParseTaskMap(raw, path)
}

func TestParseTaskClass(t *testing.T) {
	for in, want := range map[string]TaskClass{
		"summarize": TaskSummarize, " Classify ": TaskClassify, "test generation": TaskTestGeneration,
		"test_generation": TaskTestGeneration, "Tool-Selection": TaskToolSelection,
		"large codebase analysis": TaskLargeCodebase, "novel-algorithm-design": TaskNovelAlgorithm, "general": TaskGeneral,
	} {
		if got, err := ParseTaskClass(in); err != nil || got != want {
			t.Errorf("ParseTaskClass(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	_, err := ParseTaskClass("sumarize")
	if err == nil || !strings.Contains(err.Error(), `"sumarize"`) || !strings.Contains(err.Error(), "known: summarize, classify, extract, draft, refactor, test-generation, tool-selection, routing, complex-reasoning, large-codebase-analysis, novel-algorithm-design, general") {
		t.Errorf("unknown class: %v", err)
	}
}

func TestTaskMapClassify(t *testing.T) {
	m, err := readTaskMap(t, "example.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		key, project, model string
		want                TaskClass
		rule                string
	}{
		// The API key wins over the project and the model.
		{"key-support-eu", "research-x", "o3", TaskSummarize, `api_keys[0] "key-support-*"`},
		{"KEY-CI", "", "", TaskTestGeneration, `api_keys[1] "key-ci"`},
		{"key-ci-2", "support", "o3", TaskClassify, `projects[1] "support"`}, // whole-value match: key-ci-2 is not key-ci
		{"", "research", "gpt-4o-mini", TaskComplexReasoning, `projects[0] "research*"`},
		{"", "", "o3-2025-04-16", TaskComplexReasoning, `models[0] "o3*"`},
		// The canonical name matches too.
		{"", "", "openai/gpt-4o-mini-2024-07-18", TaskExtract, `models[1] "gpt-4o-mini"`},
		// * crosses the slash of a provider prefix.
		{"", "", "anthropic/claude-3.5-sonnet", TaskDraft, `models[2] "*/claude-*"`},
		{"", "", "gpt-4o", TaskGeneral, ""},
		{"", "", "", TaskGeneral, ""},
	} {
		got := m.Classify(c.key, c.project, c.model)
		if got.Class != c.want || !strings.HasSuffix(got.Rule, c.rule) || (c.rule != "" && !strings.HasPrefix(got.Rule, m.File)) {
			t.Errorf("Classify(%q, %q, %q) = %+v; want %s by %q", c.key, c.project, c.model, got, c.want, c.rule)
		}
	}
	if !m.IsFrontier(TaskComplexReasoning) || m.IsFrontier(TaskSummarize) || m.IsFrontier(TaskGeneral) {
		t.Error("frontier classes as the file says")
	}
}

func TestTaskMapDefaults(t *testing.T) {
	var zero TaskMap
	if got := zero.Classify("k", "p", "gpt-4o"); got.Class != TaskGeneral || got.Rule != "" {
		t.Errorf("zero map: %+v", got)
	}
	for _, c := range TaskClasses {
		frontier := c == TaskComplexReasoning || c == TaskLargeCodebase || c == TaskNovelAlgorithm
		if zero.IsFrontier(c) != frontier {
			t.Errorf("%s: frontier %v by default, want %v", c, zero.IsFrontier(c), frontier)
		}
	}
	m, err := ParseTaskMap([]byte(`{"default": "draft", "frontier": ["refactor"]}`), "x.json")
	if err != nil {
		t.Fatal(err)
	}
	if m.Classify("", "", "gpt-4o").Class != TaskDraft || !m.IsFrontier(TaskRefactor) || m.IsFrontier(TaskComplexReasoning) {
		t.Errorf("default and frontier from the file: %+v", m)
	}
	m, err = ParseTaskMap([]byte(`{"frontier": []}`), "x.json")
	if err != nil || m.IsFrontier(TaskComplexReasoning) {
		t.Errorf("an empty frontier list makes no class frontier: %+v, %v", m, err)
	}
}

func TestTaskMapErrors(t *testing.T) {
	for name, says := range map[string]string{
		"syntax.json":        "syntax.json:4: invalid character '\"' after object key:value pair",
		"unknown-field.json": `unknown-field.json:5: unknown field "model"`,
		"unknown-class.json": `unknown-class.json: models[1].class: unknown task class "sumarize" (known: summarize,`,
		"type.json":          "type.json:3: cannot unmarshal number into Go struct field",
	} {
		_, err := readTaskMap(t, name)
		if err == nil || !strings.Contains(err.Error(), says) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: %v; want one line with %q", name, err, says)
		}
	}
	for raw, says := range map[string]string{
		``:                            "x.json: empty mapping file",
		`{} {}`:                       "x.json:1: more than one JSON value",
		`[]`:                          "x.json:1: cannot unmarshal array",
		`{"default": "frontier"}`:     `x.json: default: unknown task class "frontier"`,
		`{"frontier": ["reasoning"]}`: `x.json: frontier[0]: unknown task class "reasoning"`,
		`{"projects": [{"match": " ", "class": "draft"}]}`: "x.json: projects[0].match is empty",
		`{"models": [{"match": "x"}]}`:                     `x.json: models[0].class: unknown task class ""`,
	} {
		_, err := ParseTaskMap([]byte(raw), "x.json")
		if err == nil || !strings.Contains(err.Error(), says) {
			t.Errorf("%q: %v; want %q", raw, err, says)
		}
	}
}

func TestGlobMatch(t *testing.T) {
	for _, c := range []struct {
		pattern, value string
		want           bool
	}{
		{"gpt-4o", "gpt-4o", true},
		{"gpt-4o", "GPT-4O", true},
		{"gpt-4o", "gpt-4o-mini", false},
		{"gpt-4o*", "gpt-4o-mini", true},
		{"*mini", "gpt-4o-mini", true},
		{"*mini", "gpt-4o-mini-2024", false},
		{"*", "anything/at all", true},
		{"*", "", false},
		{"a*b*c", "a-x-b-y-c", true},
		{"a*b*c", "a-x-c-y-b", false},
		{"*/claude-*", "anthropic/claude-3.5-sonnet", true},
		{"key-??", "key-01", true},
		{"key-??", "key-1", false},
		{"**x", "yx", true},
		{"ü*", "Übersicht", true},
	} {
		if got := globMatch(c.pattern, c.value); got != c.want {
			t.Errorf("globMatch(%q, %q) = %v, want %v", c.pattern, c.value, got, c.want)
		}
	}
}
