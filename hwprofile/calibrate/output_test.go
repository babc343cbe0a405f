package calibrate

import (
	"strings"
	"testing"

	"github.com/plan-cli/plan/simulate"
)

func TestWriteCalibrationTable(t *testing.T) {
	cal, err := simulate.FitCalibration([]simulate.CalibrationPoint{
		{Model: "m-10m:q8_0", Quant: "Q8_0", Params: 10e6, DecodeTPS: 400, PrefillTPS: 700},
		{Model: "m-50m:q8_0", Quant: "Q8_0", Params: 50e6, DecodeTPS: 100, PrefillTPS: 150},
		{Model: "m-10m:q4_k_m", Quant: "Q4_K_M", Params: 10e6, DecodeTPS: 200, PrefillTPS: 300},
		{Model: "m-50m:q4_k_m", Quant: "Q4_K_M", Params: 50e6, DecodeTPS: 45, PrefillTPS: 60},
	})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := WriteTable(&b, cal, "/x/calibration.json"); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{"Q4_K_M", "Q8_0", "DECODE PER 1M WEIGHTS", "m-50m:q4_k_m", "HELD-OUT ERROR", "bands (measured / predicted): decode", "written to /x/calibration.json"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	t.Logf("\n%s", out)
}
