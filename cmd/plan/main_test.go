package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/plan-cli/plan/internal/ollamatest"
)

func TestMain(m *testing.M) { ollamatest.Main(m) }

// runPlan runs the command line as main would, with no terminal and the given environment.
func runPlan(t *testing.T, ctx context.Context, environ map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	e := &env{
		stdin:  strings.NewReader(""),
		stdout: &out,
		stderr: &errOut,
		getenv: func(k string) string { return environ[k] },
	}
	code = run(ctx, args, e)
	return code, out.String(), errOut.String()
}
