package hwprofile

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/plan-cli/plan/hwprofile/hwtest"
	"github.com/plan-cli/plan/internal/golden"
)

// checkGolden compares got with testdata/name, or rewrites it with -update.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	golden.Check(t, name, got)
}

// buildRoot makes a fake filesystem root from testdata/roots/name.txt.
func buildRoot(t *testing.T, name string) string {
	t.Helper()
	return hwtest.BuildRoot(t, filepath.Join("testdata", "roots", name+".txt"))
}

// tool is the recorded behaviour of an external program.
type tool struct {
	file string // output, from testdata
	err  error  // error to return with it
}

// fakeTools is a Runner replaying recorded outputs; programs not listed are
// not installed.
type fakeTools map[string]tool

func (f fakeTools) run(ctx context.Context, name string, args ...string) ([]byte, error) {
	tools := hwtest.Tools{}
	for n, t := range f {
		file := ""
		if t.file != "" {
			file = filepath.Join("testdata", t.file)
		}
		tools[n] = hwtest.Tool{File: file, Err: t.err}
	}
	return tools.Run(ctx, name, args...)
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
