package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// -o names the output file in every command; its extension decides the
// format unless it contradicts --format or names one the command does not
// write, which are mistakes said at once.
func TestOutputFlagMistakes(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"profile", "--format", "table", "-o", filepath.Join(dir, "p.json")}, "is named as json, but --format is table"},
		{[]string{"recommend", "--gpu", "RTX 4090", "-o", filepath.Join(dir, "r.html")}, "plan recommend writes table, md, json, csv, not html"},
		{[]string{"simulate", "--rate", "1", "--decode-tps", "20", "-o", filepath.Join(dir, "s.md")}, "plan simulate writes table, json, csv, not md"},
		{[]string{"benchmark", "--model", "m", "-o", filepath.Join(dir, "runs.jsonl")}, "the JSON Lines file runs are appended to is --bench"},
		{[]string{"benchmark", "--model", "m", "--bench", filepath.Join(dir, "r.jsonl"), "-o", filepath.Join(dir, "r.jsonl")}, "-o"},
	} {
		code, stdout, stderr := runPlan(t, context.Background(), nil, c.args...)
		if code != exitUsage || stdout != "" || !strings.Contains(stderr, c.want) {
			t.Errorf("plan %s: exit %d, stdout %q, stderr %q; want 2 and %q", strings.Join(c.args, " "), code, stdout, stderr, c.want)
		}
	}
}

// No help page shows a default of -1 (a flag whose default is worked out)
// or an empty one.
func TestHelpShowsNoSentinelDefaults(t *testing.T) {
	for _, cmd := range []string{"profile", "benchmark", "usage", "prices", "simulate", "recommend", "report"} {
		_, help, _ := runPlan(t, context.Background(), nil, cmd, "--help")
		for _, bad := range []string{"(default -1)", "(default )"} {
			if strings.Contains(help, bad) {
				t.Errorf("plan %s --help shows %q", cmd, bad)
			}
		}
	}
}
