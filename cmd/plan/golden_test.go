package main

import (
	"bytes"
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/plan-cli/plan/hwprofile"
	"github.com/plan-cli/plan/hwprofile/hwtest"
	"github.com/plan-cli/plan/internal/golden"
	"github.com/plan-cli/plan/internal/ollamatest"
)

// commandCase is one command line whose stdout and stderr are golden files.
type commandCase struct {
	name    string
	args    []string
	columns int                                // the terminal's width; 0: not a terminal
	machine func(*testing.T) hwprofile.Options // this machine, replayed
}

// fixedWorkstation is a profile taken on another machine: the hardware of
// the report and recommend golden files, whatever machine runs the tests.
var fixedWorkstation = filepath.Join("testdata", "profile-workstation.golden.json")

// recorded replays a machine recorded in hwprofile/testdata: a filesystem
// root and the output of nvidia-smi.
func recorded(root, nvidiaSMI string) func(*testing.T) hwprofile.Options {
	return func(t *testing.T) hwprofile.Options {
		data := filepath.Join("..", "..", "hwprofile", "testdata")
		tools := hwtest.Tools{}
		if nvidiaSMI != "" {
			tools["nvidia-smi"] = hwtest.Tool{File: filepath.Join(data, "nvidia-smi", nvidiaSMI)}
		}
		return hwprofile.Options{
			Root: hwtest.BuildRoot(t, filepath.Join(data, "roots", root+".txt")), Run: tools.Run, GOOS: "linux",
			Now: func() time.Time { return time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC) },
		}
	}
}

var commandCases = []commandCase{
	{name: "help", args: []string{"--help"}},
	{name: "help-method", args: []string{"help", "method"}},
	{name: "profile-help", args: []string{"profile", "--help"}},
	{name: "benchmark-help", args: []string{"benchmark", "--help"}},
	{name: "usage-help", args: []string{"usage", "--help"}},
	{name: "prices-help", args: []string{"prices", "--help"}},
	{name: "simulate-help", args: []string{"simulate", "--help"}},
	{name: "recommend-help", args: []string{"recommend", "--help"}},
	{name: "report-help", args: []string{"report", "--help"}},
	{name: "profile-nvidia", args: []string{"profile"}, machine: recorded("epyc-vm", "one-gpu.csv")},
	{name: "profile-vm-json", args: []string{"profile", "--format", "json"}, machine: recorded("epyc-vm", "")},
	{name: "report-example", args: []string{"report", "--profile", fixedWorkstation}},
	{name: "report-example-100", args: []string{"report", "--profile", fixedWorkstation}, columns: 100},
	{name: "report-example-md", args: []string{"report", "--profile", fixedWorkstation, "--ram", "80", "--format", "md"}},
	{name: "recommend-example", args: []string{"recommend", "--profile", fixedWorkstation}},
	{name: "recommend-example-80", args: []string{"recommend", "--profile", fixedWorkstation}, columns: 80},
}

// TestCommandGolden runs each command as a user would and compares what it
// prints, on stdout and on stderr, with the golden files in testdata/cmd.
func TestCommandGolden(t *testing.T) {
	for _, c := range commandCases {
		t.Run(c.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errOut,
				getenv: func(string) string { return "" }, columns: c.columns}
			if c.machine != nil {
				e.machine = c.machine(t)
			}
			code := run(context.Background(), c.args, e)
			if code != exitOK {
				t.Fatalf("plan %s: exit %d, stderr:\n%s", strings.Join(c.args, " "), code, errOut.String())
			}
			golden.Check(t, filepath.Join("cmd", c.name+".stdout"), maskVolatile(out.Bytes()))
			golden.Check(t, filepath.Join("cmd", c.name+".stderr"), maskVolatile(errOut.Bytes()))
		})
	}
}

// volatile are the parts of an output that depend on the machine running
// the tests rather than on plan: the kernel and the hypervisor or
// container it runs in.
var volatile = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`("kernel": ")[^"]*`), "${1}MASKED"},
	{regexp.MustCompile(`(?m)^  "virtualization": .*\n`), ""},
	{regexp.MustCompile(`(kernel )[^,\n]*`), "${1}MASKED"},
	{regexp.MustCompile(`, virtualized: [^,\n]*`), ""},
	{regexp.MustCompile(`(?m)^  - running (in a|as a) .*\n`), ""},
	{regexp.MustCompile(`,\n    "running (in a|as a) [^"]*"`), ""},
	{regexp.MustCompile(`(?m)^    "running (in a|as a) [^"]*",?\n`), ""},
	{regexp.MustCompile(`(?m)^  "notes": \[\n  \],?\n`), ""},
	{regexp.MustCompile(`\n\nNotes:\n$`), "\n"},
}

func maskVolatile(b []byte) []byte {
	for _, v := range volatile {
		b = v.re.ReplaceAll(b, []byte(v.with))
	}
	return b
}

// TestBenchmarkGolden benchmarks a generated model on the real test server
// and compares the table and the notes with golden files, the figures (which
// depend on the machine and its load) masked.
func TestBenchmarkGolden(t *testing.T) {
	srv := ollamatest.Shared(t)
	results := filepath.Join(t.TempDir(), "results.jsonl")
	args := append([]string{"benchmark", "--host", srv.URL, "--bench", results, "--model", ollamatest.ModelQ8}, quick...)
	var out, errOut bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errOut, getenv: func(string) string { return "" },
		machine: recorded("epyc-vm", "")(t)}
	if code := run(context.Background(), args, e); code != exitOK {
		t.Fatalf("exit %d, stderr:\n%s", code, errOut.String())
	}
	stdout, stderr := out.String(), errOut.String()
	mask := func(s string) []byte {
		s = strings.NewReplacer(results, "RESULTS", srv.URL, "HOST").Replace(s)
		var lines []string
		for _, l := range strings.Split(s, "\n") {
			if strings.HasPrefix(l, "warning: ") { // convergence and the like depend on the machine's load
				continue
			}
			l = strings.ReplaceAll(figures.ReplaceAllString(l, "${1}#"), " warm ", " # ") // loaded by an earlier test, or not
			lines = append(lines, strings.Join(strings.Fields(l), " "))
		}
		return []byte(strings.Join(lines, "\n"))
	}
	golden.Check(t, filepath.Join("cmd", "benchmark.stdout"), mask(stdout))
	golden.Check(t, filepath.Join("cmd", "benchmark.stderr"), mask(stderr))
}

// figures are the numbers of a benchmark's output.
var figures = regexp.MustCompile(`(^|[^A-Za-z0-9_:.±])[0-9][0-9.,]*( ?(ms|s|GiB|MiB|KiB|B|%))?`)
