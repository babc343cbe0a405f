package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/plan-cli/plan/internal/golden"
	"github.com/plan-cli/plan/internal/output"
)

// checkGolden compares got with testdata/name, or rewrites it with -update.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	golden.Check(t, name, got)
}

func TestCheckFormat(t *testing.T) {
	tests := []struct {
		name, value string
		allowed     []string
		wantErr     string
	}{
		{"allowed", "json", []string{"table", "json"}, ""},
		{"first allowed", "table", []string{"table", "json", "csv"}, ""},
		{"unknown", "yaml", []string{"table", "json"}, `invalid --format "yaml": want table, json`},
		{"case matters", "JSON", []string{"table", "json"}, `invalid --format "JSON": want table, json`},
		{"empty", "", []string{"table"}, `invalid --format "": want table`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkFormat(tt.value, tt.allowed...)
			if tt.wantErr == "" {
				if err != nil {
					t.Errorf("checkFormat(%q) = %v; want nil", tt.value, err)
				}
				return
			}
			var u usageError
			if err == nil || err.Error() != tt.wantErr || !errors.As(err, &u) {
				t.Errorf("checkFormat(%q) = %v; want usage error %q", tt.value, err, tt.wantErr)
			}
		})
	}
}

func TestWriteTable(t *testing.T) {
	tests := []struct {
		name   string
		header []string
		rows   [][]string
		want   string
	}{
		{
			name:   "aligned columns, no trailing spaces",
			header: []string{"MODEL", "TOKENS/S", "NOTE"},
			rows:   [][]string{{"llama3.2:1b", "61.2", ""}, {"qwen2.5:7b", "9.8", "2× slower than 1b"}},
			want: "MODEL        TOKENS/S  NOTE\n" +
				"llama3.2:1b  61.2\n" +
				"qwen2.5:7b   9.8       2× slower than 1b\n",
		},
		{
			name:   "header only",
			header: []string{"ITEM", "VALUE"},
			want:   "ITEM  VALUE\n",
		},
		{
			name:   "cells kept as given",
			header: []string{"key_name", "x"},
			rows:   [][]string{{"a  b", "  c"}},
			want:   "key_name  x\na  b        c\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := output.WriteTable(&buf, tt.header, tt.rows); err != nil {
				t.Fatalf("output.WriteTable() error = %v", err)
			}
			if buf.String() != tt.want {
				t.Errorf("output.WriteTable() wrote:\n%q\nwant:\n%q", buf.String(), tt.want)
			}
		})
	}
}

func TestWriteJSON(t *testing.T) {
	var buf bytes.Buffer
	if err := output.WriteJSON(&buf, map[string]any{"b": []int{1}, "a": "x"}); err != nil {
		t.Fatal(err)
	}
	if want := "{\n  \"a\": \"x\",\n  \"b\": [\n    1\n  ]\n}\n"; buf.String() != want {
		t.Errorf("output.WriteJSON() wrote %q; want %q", buf.String(), want)
	}
	if err := output.WriteJSON(&buf, make(chan int)); err == nil || !strings.HasPrefix(err.Error(), "writing JSON: ") {
		t.Errorf("output.WriteJSON(chan) error = %v; want a JSON error", err)
	}
}

func TestWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "profile.json")
	for _, content := range []string{"first\n", "second, longer\n"} {
		if err := output.WriteFileAtomic(path, []byte(content)); err != nil {
			t.Fatalf("output.WriteFileAtomic() error = %v", err)
		}
		got, err := os.ReadFile(path)
		if err != nil || string(got) != content {
			t.Errorf("file holds %q, %v; want %q", got, err, content)
		}
	}
	if fi, err := os.Stat(path); err != nil || (runtime.GOOS != "windows" && fi.Mode().Perm() != 0o644) {
		t.Errorf("file mode = %v, %v; want 0644", fi.Mode(), err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries; want only the file, no temporary files left", len(entries))
	}
}

func TestWriteFileAtomicErrors(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "taken"), 0o755); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, path string }{
		{"missing directory", filepath.Join(dir, "missing", "profile.json")},
		{"a directory in the way", filepath.Join(dir, "taken")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := output.WriteFileAtomic(tt.path, []byte("x"))
			if err == nil || !strings.HasPrefix(err.Error(), "writing "+tt.path+": ") {
				t.Errorf("output.WriteFileAtomic(%s) error = %v; want one naming the file", tt.path, err)
			}
			entries, _ := os.ReadDir(dir)
			if len(entries) != 1 {
				t.Errorf("directory holds %d entries after the failure; want no temporary files left", len(entries))
			}
		})
	}
}
