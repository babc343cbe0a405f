package main

import (
	"bufio"
	"context"
	"os"
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
