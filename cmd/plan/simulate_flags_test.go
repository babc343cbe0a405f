package main

import (
	"context"
	"encoding/xml"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSimulateDaily(t *testing.T) {
	rep := simulateJSON(t, "--rate", "0.5", "--duration", "24h", "--decode-tps", "100", "--daily", "office")
	if len(rep.Settings.Daily) != 24 || len(rep.Hours) != 24 {
		t.Fatalf("daily profile %v, %d hours: want 24 of each", rep.Settings.Daily, len(rep.Hours))
	}
	if night, day := rep.Hours[3].Requests, rep.Hours[10].Requests; day < 5*night {
		t.Errorf("requests at 03:00 %d, at 10:00 %d: want the working day far busier", night, day)
	}
	code, _, stderr := runPlan(t, context.Background(), nil, "simulate", "--rate", "1", "--decode-tps", "9", "--daily", strings.Repeat("1,", 23)+"x")
	if code != 2 || !strings.Contains(stderr, `invalid --daily weight "x" for hour 23`) {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}

func TestSimulateReplicas(t *testing.T) {
	args := []string{"--rate", "0.15", "--duration", "10h", "--decode-tps", "40", "--output-tokens", "200", "--prompt-tokens", "0"}
	one := simulateJSON(t, args...)
	two := simulateJSON(t, append(args, "--replicas", "2")...)
	if two.Settings.Replicas != 2 || two.Requests != one.Requests {
		t.Fatalf("replicas %d, requests %d and %d", two.Settings.Replicas, one.Requests, two.Requests)
	}
	if !(two.Wait.Mean < one.Wait.Mean/2) || math.Abs(two.Utilization-one.Utilization/2) > 0.02 {
		t.Errorf("wait %.3f -> %.3f s, utilization %.3f -> %.3f: want far less wait and half the utilization",
			one.Wait.Mean, two.Wait.Mean, one.Utilization, two.Utilization)
	}
}

func TestSimulateEnergy(t *testing.T) {
	args := []string{"--rate", "0.1", "--duration", "2h", "--decode-tps", "50", "--replicas", "2"}
	rep := simulateJSON(t, append(args, "--active-watts", "300", "--idle-watts", "30", "--electricity", "0.2")...)
	en := rep.Energy
	if en == nil {
		t.Fatal("no energy with --active-watts")
	}
	want := (300*rep.BusySeconds + 30*rep.IdleSeconds) / 3.6e6
	if math.Abs(en.KWh-want) > 1e-12 || math.Abs(en.CostUSD-0.2*want) > 1e-12 {
		t.Errorf("energy %+v; want %.6f kWh, $%.6f", en, want, 0.2*want)
	}
	if got := rep.BusySeconds + rep.IdleSeconds; math.Abs(got-2*rep.Makespan) > 1e-6 {
		t.Errorf("busy + idle = %v s, want 2 replicas x makespan %v", got, rep.Makespan)
	}
	if simulateJSON(t, args...).Energy != nil {
		t.Error("energy reported with no power known")
	}
	gpu := simulateJSON(t, "--rate", "0.1", "--duration", "1h", "--model", "llama3.1:8b", "--gpu", "RTX 4090", "--count", "2")
	if gpu.Energy == nil || gpu.Energy.ActiveWatts != 900 || gpu.Energy.IdleWatts != 90 {
		t.Errorf("energy %+v: want 2 x 450 W TDP busy and 10%% of it idle", gpu.Energy)
	}
}

// A request whose own service outlasts --slo-e2e spills even with an idle
// server; --slo-ttft counts the request's prefill.
func TestSimulateSLO(t *testing.T) {
	args := []string{"--rate", "0.01", "--duration", "5h", "--decode-tps", "10", "--output-tokens", "100", "--prefill-tps", "100", "--prompt-tokens", "300", "--policy", "spill", "--cloud-model", "gpt-4o-mini"}
	rep := simulateJSON(t, append(args, "--slo-ttft", "0", "--slo-e2e", "12")...)
	if rep.Spilled != rep.Requests || rep.Requests == 0 {
		t.Errorf("--slo-e2e 12 with 13 s requests: %d of %d spilled", rep.Spilled, rep.Requests)
	}
	rep = simulateJSON(t, append(args, "--slo-ttft", "2.5")...)
	if rep.Spilled != rep.Requests {
		t.Errorf("--slo-ttft 2.5 with a 3 s prefill: %d of %d spilled", rep.Spilled, rep.Requests)
	}
	rep = simulateJSON(t, append(args, "--slo-ttft", "3.5", "--slo-e2e", "14", "--slots", "8")...)
	if rep.Spilled != 0 {
		t.Errorf("targets above an idle server's times: %d spilled", rep.Spilled)
	}
}

func TestSimulateChart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "hours.svg")
	rep := simulateJSON(t, "--rate", "0.2", "--duration", "3h", "--decode-tps", "20", "--chart", path)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		XMLName xml.Name
		Rects   []struct{} `xml:"rect"`
	}
	if err := xml.Unmarshal(b, &doc); err != nil || doc.XMLName.Local != "svg" {
		t.Fatalf("chart is not an SVG document: %v", err)
	}
	if len(rep.Hours) != 3 || !strings.Contains(string(b), "served locally") {
		t.Errorf("%d hours; chart %.200s", len(rep.Hours), b)
	}
	code, _, stderr := runPlan(t, context.Background(), nil, "simulate", "--rate", "1", "--decode-tps", "9", "--chart", filepath.Join(t.TempDir(), "no", "such", "dir.svg"))
	if code != 1 || !strings.Contains(stderr, "plan: --chart:") {
		t.Errorf("unwritable chart: exit %d, stderr %q", code, stderr)
	}
}
