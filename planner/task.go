package planner

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/plan-cli/plan/pricing"
)

// TaskClass is the kind of work a piece of cloud traffic does. Frontier
// classes stay in the cloud whatever the local model scores; the others
// move when a local model is good enough (see Adequate).
type TaskClass string

// The task classes. General is what traffic no mapping rule names gets; it
// is not frontier, so the quality comparison decides for it.
const (
	TaskSummarize        TaskClass = "summarize"
	TaskClassify         TaskClass = "classify"
	TaskExtract          TaskClass = "extract"
	TaskDraft            TaskClass = "draft"
	TaskRefactor         TaskClass = "refactor"
	TaskTestGeneration   TaskClass = "test-generation"
	TaskToolSelection    TaskClass = "tool-selection"
	TaskRouting          TaskClass = "routing"
	TaskComplexReasoning TaskClass = "complex-reasoning"
	TaskLargeCodebase    TaskClass = "large-codebase-analysis"
	TaskNovelAlgorithm   TaskClass = "novel-algorithm-design"
	TaskGeneral          TaskClass = "general"
)

// TaskClasses lists every class: the local-adequate ones, the frontier ones,
// then general.
var TaskClasses = []TaskClass{
	TaskSummarize, TaskClassify, TaskExtract, TaskDraft, TaskRefactor, TaskTestGeneration,
	TaskToolSelection, TaskRouting, TaskComplexReasoning, TaskLargeCodebase, TaskNovelAlgorithm, TaskGeneral,
}

// DefaultFrontier is the classes that stay in the cloud unless a mapping
// file says otherwise.
var DefaultFrontier = []TaskClass{TaskComplexReasoning, TaskLargeCodebase, TaskNovelAlgorithm}

// ParseTaskClass reads a class name, case and surrounding space aside;
// "test generation" and "test_generation" are test-generation. An unknown
// name is an error listing the known ones.
func ParseTaskClass(s string) (TaskClass, error) {
	n := strings.ToLower(strings.TrimSpace(s))
	n = strings.NewReplacer(" ", "-", "_", "-").Replace(n)
	for _, c := range TaskClasses {
		if string(c) == n {
			return c, nil
		}
	}
	return "", fmt.Errorf("unknown task class %q (known: %s)", s, knownTaskClasses())
}

func knownTaskClasses() string {
	names := make([]string, len(TaskClasses))
	for i, c := range TaskClasses {
		names[i] = string(c)
	}
	return strings.Join(names, ", ")
}

// TaskMap assigns task classes to traffic by API key, project and model.
// Build it with ParseTaskMap; the zero value gives every request
// DefaultClass general and DefaultFrontier.
type TaskMap struct {
	File     string // where it was read from, for messages
	Default  TaskClass
	Frontier []TaskClass
	APIKeys  []TaskRule
	Projects []TaskRule
	Models   []TaskRule
}

// TaskRule gives traffic whose field matches Pattern the class Class.
type TaskRule struct {
	Pattern string
	Class   TaskClass
	Where   string // the rule's place in the file, such as api_keys[2]
}

// TaskMatch is the class Classify found and the rule that gave it ("" for
// the default).
type TaskMatch struct {
	Class TaskClass
	Rule  string
}

// taskMapFile is the JSON form of a mapping file.
type taskMapFile struct {
	Default  string         `json:"default"`
	Frontier []string       `json:"frontier"`
	APIKeys  []taskRuleFile `json:"api_keys"`
	Projects []taskRuleFile `json:"projects"`
	Models   []taskRuleFile `json:"models"`
}

type taskRuleFile struct {
	Match string `json:"match"`
	Class string `json:"class"`
}

// ParseTaskMap reads a task-class mapping file (JSON) named file, for
// messages. For example:
//
//	{
//	  "default": "general",
//	  "frontier": ["complex-reasoning", "large-codebase-analysis", "novel-algorithm-design"],
//	  "api_keys": [{"match": "key-support-*", "class": "summarize"}],
//	  "projects": [{"match": "research*", "class": "complex-reasoning"}],
//	  "models":   [{"match": "gpt-4o-mini", "class": "classify"}]
//	}
//
// Every field may be left out: default is general, frontier the default
// frontier classes. Unknown fields and unknown classes are errors naming
// the file and the line or the key.
func ParseTaskMap(raw []byte, file string) (TaskMap, error) {
	var f taskMapFile
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return TaskMap{}, jsonError(raw, file, dec, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		line := lineAt(raw, dec.InputOffset())
		return TaskMap{}, fmt.Errorf("%s:%d: more than one JSON value; the mapping file is one object", file, line)
	}
	m := TaskMap{File: file, Default: TaskGeneral, Frontier: DefaultFrontier}
	var err error
	if f.Default != "" {
		if m.Default, err = ParseTaskClass(f.Default); err != nil {
			return TaskMap{}, fmt.Errorf("%s: default: %w", file, err)
		}
	}
	if f.Frontier != nil {
		if m.Frontier, err = parseClassList(f.Frontier, file); err != nil {
			return TaskMap{}, err
		}
	}
	for _, part := range []struct {
		key  string
		in   []taskRuleFile
		rule *[]TaskRule
	}{{"api_keys", f.APIKeys, &m.APIKeys}, {"projects", f.Projects, &m.Projects}, {"models", f.Models, &m.Models}} {
		if *part.rule, err = parseRules(part.in, part.key, file); err != nil {
			return TaskMap{}, err
		}
	}
	return m, nil
}

func parseClassList(names []string, file string) ([]TaskClass, error) {
	out := make([]TaskClass, 0, len(names))
	for i, n := range names {
		c, err := ParseTaskClass(n)
		if err != nil {
			return nil, fmt.Errorf("%s: frontier[%d]: %w", file, i, err)
		}
		out = append(out, c)
	}
	return out, nil
}

func parseRules(in []taskRuleFile, key, file string) ([]TaskRule, error) {
	out := make([]TaskRule, 0, len(in))
	for i, r := range in {
		where := fmt.Sprintf("%s[%d]", key, i)
		if strings.TrimSpace(r.Match) == "" {
			return nil, fmt.Errorf("%s: %s.match is empty; give a name or a pattern such as \"support-*\"", file, where)
		}
		c, err := ParseTaskClass(r.Class)
		if err != nil {
			return nil, fmt.Errorf("%s: %s.class: %w", file, where, err)
		}
		out = append(out, TaskRule{Pattern: strings.TrimSpace(r.Match), Class: c, Where: where})
	}
	return out, nil
}

// jsonError turns a decoding error into one line with the file and line.
func jsonError(raw []byte, file string, dec *json.Decoder, err error) error {
	offset := dec.InputOffset()
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		offset = syntax.Offset
	case errors.As(err, &typ):
		offset = typ.Offset
	case errors.Is(err, io.EOF):
		return fmt.Errorf("%s: empty mapping file; it holds one JSON object", file)
	}
	msg := strings.TrimPrefix(err.Error(), "json: ")
	if field, ok := strings.CutPrefix(msg, "unknown field "); ok {
		// The decoder has read the whole object by then; find the key.
		if i := keyOffset(raw, field); i >= 0 {
			offset = int64(i)
		}
	}
	return fmt.Errorf("%s:%d: %s (the mapping file holds default, frontier, api_keys, projects and models)",
		file, lineAt(raw, offset), msg)
}

// keyOffset finds quoted (a JSON string as the decoder quotes it) used as
// an object key in raw, or -1.
func keyOffset(raw []byte, quoted string) int {
	for from := 0; ; {
		i := bytes.Index(raw[from:], []byte(quoted))
		if i < 0 {
			return -1
		}
		at := from + i
		rest := bytes.TrimLeft(raw[at+len(quoted):], " \t\r\n")
		if len(rest) > 0 && rest[0] == ':' {
			return at
		}
		from = at + len(quoted)
	}
}

// lineAt is the 1-based line of a byte offset.
func lineAt(raw []byte, offset int64) int {
	offset = min(max(offset, 0), int64(len(raw)))
	return bytes.Count(raw[:offset], []byte("\n")) + 1
}

// IsFrontier reports whether traffic of class c stays in the cloud.
func (m TaskMap) IsFrontier(c TaskClass) bool {
	frontier := m.Frontier
	if frontier == nil {
		frontier = DefaultFrontier
	}
	for _, f := range frontier {
		if f == c {
			return true
		}
	}
	return false
}

// Classify gives the class of traffic with an API key, a project and a
// model. Rules are tried in a fixed order, the first match wins: the API key
// rules, then the project rules, then the model rules, each in file order.
// A model rule matches the model as exported or its canonical name
// (pricing.Canonical: gpt-4o for openai/gpt-4o-2024-08-06). Patterns match
// the whole value, case aside; * stands for any run of characters and ? for
// one. An empty value matches nothing. Traffic no rule matches gets
// Default (general when unset).
func (m TaskMap) Classify(apiKey, project, model string) TaskMatch {
	for _, r := range m.APIKeys {
		if globMatch(r.Pattern, apiKey) {
			return TaskMatch{Class: r.Class, Rule: m.ruleName(r)}
		}
	}
	for _, r := range m.Projects {
		if globMatch(r.Pattern, project) {
			return TaskMatch{Class: r.Class, Rule: m.ruleName(r)}
		}
	}
	canonical := pricing.Canonical(model)
	for _, r := range m.Models {
		if globMatch(r.Pattern, model) || globMatch(r.Pattern, canonical) {
			return TaskMatch{Class: r.Class, Rule: m.ruleName(r)}
		}
	}
	if m.Default == "" {
		return TaskMatch{Class: TaskGeneral}
	}
	return TaskMatch{Class: m.Default}
}

func (m TaskMap) ruleName(r TaskRule) string {
	s := fmt.Sprintf("%s %q", r.Where, r.Pattern)
	if m.File != "" {
		s = m.File + " " + s
	}
	return s
}

// globMatch matches a whole value against a pattern, case aside: * is any
// run of characters (slashes too), ? is one character. An empty value
// never matches.
func globMatch(pattern, value string) bool {
	if value == "" {
		return false
	}
	p := []rune(strings.ToLower(pattern))
	v := []rune(strings.ToLower(value))
	// pi, vi walk pattern and value; star and mark remember the last * and
	// the value position it matched up to, to backtrack.
	pi, vi, star, mark := 0, 0, -1, 0
	for vi < len(v) {
		switch {
		case pi < len(p) && (p[pi] == '?' || p[pi] == v[vi]):
			pi++
			vi++
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, vi
			pi++
		case star >= 0:
			mark++
			pi, vi = star+1, mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}
