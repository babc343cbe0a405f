// Command report-scale measures plan report on generated per-request
// OpenRouter exports of growing size: a month of 60,000, 600,000 and
// 1,200,000 requests and a year of 15,000,000, each with the daily shape and
// request sizes of scripts/usage-throughput's generator. It prints each
// report's wall time and peak memory beside the targets.
//
//	go run ./scripts/report-scale [-year=false]
//
// Each report runs as its own process (peak resident memory from its
// rusage), as `plan report --usage FILE --gpu "RTX 4090"`, with this
// machine's memory bandwidth measured once beforehand and kept in a
// temporary cache directory, as a user's second report finds it.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"
)

func main() {
	year := flag.Bool("year", true, "also measure the year of 15 million requests (a 2.4 GB file, several minutes)")
	flag.Parse()
	if err := run(*year); err != nil {
		fmt.Fprintln(os.Stderr, "report-scale:", err)
		os.Exit(1)
	}
}

type size struct {
	rows, days int
	target     string
}

func run(year bool) error {
	dir, err := os.MkdirTemp("", "report-scale-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	plan := filepath.Join(dir, "plan")
	if err := command("go", "build", "-o", plan, "./cmd/plan").Run(); err != nil {
		return fmt.Errorf("building plan: %w", err)
	}
	env := append(os.Environ(), "XDG_CACHE_HOME="+filepath.Join(dir, "cache"))
	keep := exec.Command(plan, "profile", "--bandwidth")
	keep.Env = env
	if err := keep.Run(); err != nil {
		return fmt.Errorf("measuring the bandwidth: %w", err)
	}
	sizes := []size{{60_000, 30, "under 200 MB"}, {600_000, 30, ""}, {1_200_000, 30, ""}}
	if year {
		sizes = append(sizes, size{15_000_000, 365, "under 60 s and 500 MB"})
	}
	fmt.Printf("%-12s %5s %9s %9s %12s  %s\n", "requests", "days", "file MB", "wall s", "peak MB", "target")
	for _, s := range sizes {
		file := filepath.Join(dir, fmt.Sprintf("openrouter-%d.csv", s.rows))
		gen := command("go", "run", "./scripts/usage-throughput", "-generate", file, "-rows", fmt.Sprint(s.rows), "-days", fmt.Sprint(s.days))
		if err := gen.Run(); err != nil {
			return fmt.Errorf("generating %d rows: %w", s.rows, err)
		}
		st, _ := os.Stat(file)
		report := exec.Command(plan, "report", "--usage", file, "--gpu", "RTX 4090")
		report.Env = env
		t := time.Now()
		if out, err := report.CombinedOutput(); err != nil {
			return fmt.Errorf("plan report on %d rows: %w\n%s", s.rows, err, out)
		}
		wall := time.Since(t).Seconds()
		peak := float64(report.ProcessState.SysUsage().(*syscall.Rusage).Maxrss) / 1024
		fmt.Printf("%-12d %5d %9.0f %9.1f %12.0f  %s\n", s.rows, s.days, float64(st.Size())/1e6, wall, peak, s.target)
		os.Remove(file)
	}
	return nil
}

func command(name string, args ...string) *exec.Cmd {
	c := exec.Command(name, args...)
	c.Stderr = os.Stderr
	return c
}
