// Package hwtest replays recorded machines for tests: a fake filesystem
// root of /proc, /sys and /etc files, and the recorded outputs of the
// vendor tools (nvidia-smi, rocm-smi, sysctl), for hwprofile.Options.
package hwtest

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// BuildRoot makes a fake filesystem root from the description in spec,
// whose lines are "path = value" (\n for newlines), "path -> symlink
// target" or "path < file to copy" (relative to spec's folder); "#"
// starts a comment. Real sysfs paths contain colons, which module zips
// do not allow, hence a description, not a tree.
func BuildRoot(t testing.TB, spec string) string {
	t.Helper()
	f, err := os.Open(spec)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	root := t.TempDir()
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if err := addToRoot(root, filepath.Dir(spec), line); err != nil {
			t.Fatalf("%s:%d: %v", spec, n, err)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return root
}

func addToRoot(root, specDir, line string) error {
	for _, op := range []string{" = ", " -> ", " < "} {
		path, arg, ok := strings.Cut(line, op)
		if !ok {
			continue
		}
		full := filepath.Join(root, path)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return err
		}
		switch op {
		case " = ":
			return os.WriteFile(full, []byte(strings.ReplaceAll(arg, `\n`, "\n")+"\n"), 0o644)
		case " -> ":
			return os.Symlink(arg, full)
		default:
			data, err := os.ReadFile(filepath.Join(specDir, arg))
			if err != nil {
				return err
			}
			return os.WriteFile(full, data, 0o644)
		}
	}
	return os.ErrInvalid
}

// Tool is the recorded behaviour of an external program.
type Tool struct {
	File string // its output, a file path; "" for none
	Err  error  // the error it returns with it
}

// Tools replays recorded programs; a program not listed is not installed.
type Tools map[string]Tool

// Run is a hwprofile.Runner.
func (f Tools) Run(_ context.Context, name string, _ ...string) ([]byte, error) {
	t, ok := f[name]
	if !ok {
		return nil, &exec.Error{Name: name, Err: exec.ErrNotFound}
	}
	var out []byte
	if t.File != "" {
		var err error
		if out, err = os.ReadFile(t.File); err != nil {
			return nil, err
		}
	}
	return out, t.Err
}
