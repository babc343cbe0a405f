package main

import (
	"context"
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
