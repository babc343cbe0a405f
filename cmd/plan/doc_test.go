package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// readmeCommands returns the `plan ...` command lines of the README's code blocks.
func readmeCommands(t *testing.T) []string {
	f, err := os.Open("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var cmds []string
	inCode := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "```") {
			inCode = !inCode
			continue
		}
		if inCode && strings.HasPrefix(line, "plan ") {
			if i := strings.Index(line, "  #"); i > 0 {
				line = strings.TrimSpace(line[:i])
			}
			cmds = append(cmds, line)
		}
	}
	return cmds
}

// splitArgs splits a shell line on spaces, keeping double-quoted words together.
func splitArgs(line string) []string {
	var args []string
	var cur strings.Builder
	quoted := false
	for _, r := range line {
		switch {
		case r == '"':
			quoted = !quoted
		case r == ' ' && !quoted:
			if cur.Len() > 0 {
				args = append(args, cur.String())
				cur.Reset()
			}
		default:
			cur.WriteRune(r)
		}
	}
	if cur.Len() > 0 {
		args = append(args, cur.String())
	}
	return args
}

// TestReadmeCommandsParse checks that every command shown in the README is a
// real command with real flags: each is run with --help added, which parses
// the flags and prints the command's help without doing the work.
func TestReadmeCommandsParse(t *testing.T) {
	cmds := readmeCommands(t)
	if len(cmds) < 8 {
		t.Fatalf("found %d plan commands in README.md; want the examples", len(cmds))
	}
	for _, line := range cmds {
		args := append(splitArgs(line)[1:], "--help")
		code, stdout, stderr := runPlan(t, context.Background(), nil, args...)
		if code != 0 || !strings.Contains(stdout, "Usage:") {
			t.Errorf("README command %q: exit %d, stderr %q", line, code, stderr)
		}
	}
}

// TestHelpExamplesParse does the same for the examples in every command's --help.
func TestHelpExamplesParse(t *testing.T) {
	root := newRootCmd(&env{getenv: func(string) string { return "" }})
	for _, c := range append(root.Commands(), root) {
		for _, line := range strings.Split(c.Example, "\n") {
			line = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line), "$"))
			if !strings.HasPrefix(line, "plan ") {
				continue
			}
			args := append(splitArgs(line)[1:], "--help")
			if code, _, stderr := runPlan(t, context.Background(), nil, args...); code != 0 {
				t.Errorf("example %q of %q: exit %d, stderr %q", line, c.Name(), code, stderr)
			}
		}
	}
}

// TestReadmeCommandsRun runs the README's commands as written, in a folder
// holding the files they name (copies of the test exports, a price table,
// a profile, benchmark results), with shell globs expanded as a shell
// would. plan benchmark, which needs a model server serving the named
// models, is left to its own tests.
func TestReadmeCommandsRun(t *testing.T) {
	dir := readmeFolder(t)
	wd, _ := os.Getwd()
	readme := filepath.Join(wd, "../../README.md")
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	defer os.Chdir(wd)
	lines := readmeLines(t, readme)
	for _, line := range lines {
		if strings.HasPrefix(line, "plan benchmark") {
			continue
		}
		args := shellWords(t, line)[1:]
		code, _, stderr := runPlan(t, context.Background(), nil, args...)
		if code != 0 {
			t.Errorf("README command %q: exit %d, stderr %q", line, code, stderr)
		}
	}
}

// readmeLines are the README's command lines, "go run ./cmd/plan" written
// as "plan".
func readmeLines(t *testing.T, path string) []string {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	inCode := false
	for _, l := range strings.Split(string(b), "\n") {
		l = strings.TrimSpace(l)
		if strings.HasPrefix(l, "```") {
			inCode = !inCode
			continue
		}
		l = strings.Replace(l, "go run ./cmd/plan ", "plan ", 1)
		if !inCode || !strings.HasPrefix(l, "plan ") {
			continue
		}
		if i := strings.Index(l, "  #"); i > 0 {
			l = strings.TrimSpace(l[:i])
		}
		out = append(out, l)
	}
	return out
}

// shellWords splits a command line as a shell does for these examples:
// double quotes group, unquoted globs expand.
func shellWords(t *testing.T, line string) []string {
	var out []string
	for i, w := range strings.Split(line, "\"") {
		if i%2 == 1 {
			out = append(out, w)
			continue
		}
		for _, f := range strings.Fields(w) {
			if strings.Contains(f, "*") {
				m, _ := filepath.Glob(f)
				if len(m) == 0 {
					t.Fatalf("%q matches no file", f)
				}
				out = append(out, m...)
				continue
			}
			out = append(out, f)
		}
	}
	return out
}

// readmeFolder makes a folder with the files the README's commands name.
func readmeFolder(t *testing.T) string {
	dir := t.TempDir()
	cp := func(from, to string) {
		b, err := os.ReadFile(from)
		if err != nil {
			t.Fatal(err)
		}
		os.MkdirAll(filepath.Dir(filepath.Join(dir, to)), 0o755)
		if err := os.WriteFile(filepath.Join(dir, to), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	openai := "testdata/usage/completions_usage_sample_2025-10-05_2025-10-12.csv"
	for _, to := range []string{"completions_usage_2026-10.csv", "completions_usage_2025-10-01_2025-10-31.csv", "completions_usage.csv",
		"exports/completions_usage_2025-10-05_2025-10-12.csv"} {
		cp(openai, to)
	}
	cp("testdata/usage/console_usage_export_sample.csv", "exports/console_usage_export.csv")
	cp("testdata/usage/cost_sample_2025-10-05_2025-10-12.csv", "cost.csv")
	cp("../../pricing/usage/testdata/litellm/spend_logs.csv", "spend_logs.csv")
	cp("../../data/prices/litellm_prices.json", "my-prices.json")
	cp("../../data/prices/litellm_prices.json", "model_prices_and_context_window.json")
	cp("../../data/examples/tasks.json", "tasks.json")
	cp("testdata/profile-workstation.golden.json", "workstation.json")
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	b, _ := os.ReadFile("../../pricing/usage/testdata/openrouter/activity_export.csv")
	zw.Write(b)
	zw.Close()
	os.WriteFile(filepath.Join(dir, "openrouter_activity.csv.gz"), gz.Bytes(), 0o644)
	results := `{"kind":"summary","model":"llama3.1:8b","concurrency":1,"prompt_tokens":512,"max_tokens":128,"decode_tokens_per_second":50,"prefill_tokens_per_second":1000,"aggregate_tokens_per_second":41}
{"kind":"summary","model":"llama3.1:8b","concurrency":4,"prompt_tokens":512,"max_tokens":128,"decode_tokens_per_second":30,"prefill_tokens_per_second":1200,"aggregate_tokens_per_second":100}
`
	os.WriteFile(filepath.Join(dir, "results.jsonl"), []byte(results), 0o644)
	gpt4 := "timestamp,provider,model,requests,input_tokens,output_tokens\n"
	for d := 1; d <= 30; d++ {
		gpt4 += fmt.Sprintf("2026-10-%02d,openai,gpt-4,1000,300000,33000\n", d)
	}
	os.WriteFile(filepath.Join(dir, "gpt4_usage.csv"), []byte(gpt4), 0o644)
	return dir
}
