package hwprofile

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/plan-cli/plan/internal/golden"
)

// checkGolden compares got with testdata/name, or rewrites it with -update.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	golden.Check(t, name, got)
}

// buildRoot makes a fake filesystem root from testdata/roots/name.txt, whose
// lines are "path = value" (\n for newlines), "path -> symlink target" or
// "path < file to copy"; "#" starts a comment. Real sysfs paths contain
// colons, which module zips do not allow, hence a description, not a tree.
func buildRoot(t *testing.T, name string) string {
	t.Helper()
	spec := filepath.Join("testdata", "roots", name+".txt")
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

// tool is the recorded behaviour of an external program.
type tool struct {
	file string // output, from testdata
	err  error  // error to return with it
}

// fakeTools is a Runner replaying recorded outputs; programs not listed are
// not installed.
type fakeTools map[string]tool

func (f fakeTools) run(_ context.Context, name string, _ ...string) ([]byte, error) {
	t, ok := f[name]
	if !ok {
		return nil, &exec.Error{Name: name, Err: exec.ErrNotFound}
	}
	var out []byte
	if t.file != "" {
		var err error
		if out, err = os.ReadFile(filepath.Join("testdata", t.file)); err != nil {
			return nil, err
		}
	}
	return out, t.err
}

func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

const gib = 1 << 30
const mib = 1 << 20
